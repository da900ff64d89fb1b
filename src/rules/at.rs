//! Where a finding or an API error points: a field of the composition, as a small value instead
//! of a string built and parsed again by every user.
//!
//! An [`At`] renders (and serializes) as the paths documented in [`super`]:
//! `request.account_id`, `metadata.compatibility_date`, `bindings[2]`,
//! `bindings[2].simple.period`, `modules[1].kind`. The app groups findings per binding and
//! finds the element of a field from its parts, so nothing parses the text back by hand.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A location in a composition: a root (`request`, `metadata`, `bindings`, `modules`, …), the
/// index of an item when the root is a list, and a field below it (dotted when nested, empty
/// for the whole thing).
///
/// Static parts are borrowed, so the rules, which run on every keystroke in the app, build
/// most locations without allocating.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    root: Cow<'static, str>,
    index: Option<usize>,
    field: Cow<'static, str>,
}

impl At {
    /// A root on its own: `At::root("modules")` is `modules`.
    pub const fn root(root: &'static str) -> At {
        At {
            root: Cow::Borrowed(root),
            index: None,
            field: Cow::Borrowed(""),
        }
    }

    /// `request.<field>`.
    pub fn request(field: impl Into<Cow<'static, str>>) -> At {
        At::root("request").field(field)
    }

    /// `metadata.<field>`.
    pub fn metadata(field: impl Into<Cow<'static, str>>) -> At {
        At::root("metadata").field(field)
    }

    /// `bindings[index]`, the binding at `index` of `metadata.bindings`.
    pub fn binding(index: usize) -> At {
        At::root("bindings").item(index)
    }

    /// `modules[index]`.
    pub fn module(index: usize) -> At {
        At::root("modules").item(index)
    }

    /// This location's item `index` (`bindings` → `bindings[3]`).
    pub fn item(mut self, index: usize) -> At {
        self.index = Some(index);
        self
    }

    /// The field `field` below this location (`bindings[3]` → `bindings[3].simple.period`
    /// with `simple.period`); an empty `field` leaves it as it is.
    pub fn field(mut self, field: impl Into<Cow<'static, str>>) -> At {
        let field = field.into();
        if field.is_empty() {
            return self;
        }
        self.field = if self.field.is_empty() {
            field
        } else {
            Cow::Owned(format!("{}.{field}", self.field))
        };
        self
    }

    /// Reads a path in the rendered form. Anything after the root that is not an index is
    /// kept as the field, so every text reads back as itself.
    pub fn parse(text: &str) -> At {
        let split = text.find(['.', '[']).unwrap_or(text.len());
        let (root, rest) = text.split_at(split);
        let mut at = At {
            root: Cow::Owned(root.to_string()),
            index: None,
            field: Cow::Borrowed(""),
        };
        let mut rest = rest;
        if let Some((index, after)) = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .and_then(|(i, after)| Some((plain_index(i)?, after)))
        {
            if after.is_empty() || after.starts_with('.') {
                at.index = Some(index);
                rest = after;
            }
        }
        match rest.strip_prefix('.') {
            Some(field) if !field.is_empty() => at.field = Cow::Owned(field.to_string()),
            _ if rest.is_empty() => {}
            // Not a form the rules write (`a[x]`, a trailing dot): kept whole as the root.
            _ => {
                return At {
                    root: Cow::Owned(text.to_string()),
                    index: None,
                    field: Cow::Borrowed(""),
                }
            }
        }
        at
    }

    /// The root: `bindings` for `bindings[2].name`.
    pub fn root_name(&self) -> &str {
        &self.root
    }

    /// The item index: `Some(2)` for `bindings[2].name`.
    pub fn index(&self) -> Option<usize> {
        self.index
    }

    /// The field below the root or item: `simple.period` for `bindings[2].simple.period`,
    /// empty for `bindings[2]`.
    pub fn field_path(&self) -> &str {
        &self.field
    }

    /// `Some(2)` for `bindings[2]` and every path below it.
    pub fn binding_index(&self) -> Option<usize> {
        self.index.filter(|_| self.root == "bindings")
    }

    /// Whether this location is `parent` or lies below it: `bindings[2].namespace_id` is under
    /// `bindings[2]` and under `bindings`; `metadata.limits.cpu_ms` is under `metadata.limits`.
    pub fn is_under(&self, parent: &At) -> bool {
        if self.root != parent.root {
            return false;
        }
        match parent.index {
            Some(index) if self.index != Some(index) => return false,
            None if self.index.is_some() => return parent.field.is_empty(),
            _ => {}
        }
        parent.field.is_empty()
            || self.field == parent.field
            || self
                .field
                .strip_prefix(&*parent.field)
                .is_some_and(|rest| rest.starts_with('.'))
    }

    /// The location one step up: `bindings[3].simple.period` → `bindings[3].simple` →
    /// `bindings[3]` → `bindings`; `None` for a root.
    pub fn parent(&self) -> Option<At> {
        let mut up = self.clone();
        if !self.field.is_empty() {
            up.field = match self.field.rfind('.') {
                Some(cut) => Cow::Owned(self.field[..cut].to_string()),
                None => Cow::Borrowed(""),
            };
        } else if self.index.is_some() {
            up.index = None;
        } else {
            return None;
        }
        Some(up)
    }

    /// This location and each one above it, most precise first.
    pub fn and_parents(&self) -> impl Iterator<Item = At> {
        std::iter::successors(Some(self.clone()), At::parent)
    }

    /// The id of the page element showing this field: `bindings[3].namespace_id` →
    /// `f-bindings-3-namespace_id` (characters an id should not hold become `_`).
    pub fn element_id(&self) -> String {
        let mut id = String::with_capacity(self.root.len() + self.field.len() + 8);
        id.push_str("f-");
        push_id_text(&mut id, &self.root);
        if let Some(index) = self.index {
            id.push('-');
            id.push_str(&index.to_string());
        }
        if !self.field.is_empty() {
            id.push('-');
            push_id_text(&mut id, &self.field);
        }
        id
    }
}

/// A decimal index without sign or leading `+` (what `usize::from_str` would also take).
fn plain_index(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn push_id_text(id: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '.' | '[' => id.push('-'),
            ']' => {}
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => id.push(c),
            _ => id.push('_'),
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)?;
        if let Some(index) = self.index {
            write!(f, "[{index}]")?;
        }
        if !self.field.is_empty() {
            write!(f, ".{}", self.field)?;
        }
        Ok(())
    }
}

/// `At("bindings[2].name")`: the path as it reads, in test failures and debug prints.
impl fmt::Debug for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "At({:?})", self.to_string())
    }
}

/// A path literal written in the rendered form (`"metadata.tags"`).
impl From<&'static str> for At {
    fn from(text: &'static str) -> At {
        At::parse(text)
    }
}

impl PartialEq<str> for At {
    fn eq(&self, other: &str) -> bool {
        *self == At::parse(other)
    }
}

impl PartialEq<&str> for At {
    fn eq(&self, other: &&str) -> bool {
        *self == At::parse(other)
    }
}

impl Serialize for At {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<At, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Ok(At::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_render_as_the_documented_paths() {
        assert_eq!(At::request("account_id").to_string(), "request.account_id");
        assert_eq!(At::metadata("limits").to_string(), "metadata.limits");
        assert_eq!(At::binding(2).to_string(), "bindings[2]");
        assert_eq!(
            At::binding(2).field("simple.period").to_string(),
            "bindings[2].simple.period"
        );
        assert_eq!(
            At::binding(2).field("simple").field("period").to_string(),
            "bindings[2].simple.period"
        );
        assert_eq!(At::module(1).field("kind").to_string(), "modules[1].kind");
        assert_eq!(At::module(1).field("").to_string(), "modules[1]");
        assert_eq!(At::root("modules").to_string(), "modules");
    }

    #[test]
    fn every_text_reads_back_as_itself() {
        for text in [
            "request.account_id",
            "bindings[12].simple.period",
            "bindings[0]",
            "bindings",
            "metadata.annotations.workers/message",
            "token",
            "bindings[x].name",
            "bindings[-1]",
            "bindings[+1]",
            "bindings[2]x",
            "a.",
            "",
            "[3]",
            "é[1].ü",
        ] {
            assert_eq!(At::parse(text).to_string(), text, "{text}");
        }
        assert_eq!(At::parse("bindings[7].name"), At::binding(7).field("name"));
        assert_eq!(At::parse("bindings[x].name").binding_index(), None);
    }

    #[test]
    fn a_location_serializes_as_its_text() {
        let at = At::binding(3).field("namespace_id");
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, "\"bindings[3].namespace_id\"");
        assert_eq!(serde_json::from_str::<At>(&json).unwrap(), at);
    }

    #[test]
    fn a_path_is_under_itself_and_its_parents_only() {
        let at = At::binding(2).field("namespace_id");
        assert!(at.is_under(&At::binding(2)));
        assert!(at.is_under(&at));
        assert!(at.is_under(&At::root("bindings")));
        assert!(!at.is_under(&At::binding(20)));
        assert!(!At::binding(20).is_under(&At::binding(2)));
        assert!(!at.is_under(&At::binding(2).field("namespace")));
        assert!(At::metadata("limits.cpu_ms").is_under(&At::metadata("limits")));
        assert!(!At::metadata("limits_x").is_under(&At::metadata("limits")));
        assert!(!At::metadata("limits").is_under(&At::request("limits")));
        assert!(!At::binding(2).is_under(&At::root("bindings").field("name")));
    }

    #[test]
    fn parents_go_from_the_field_to_the_root() {
        let chain: Vec<String> = At::binding(3)
            .field("simple.period")
            .and_parents()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            chain,
            [
                "bindings[3].simple.period",
                "bindings[3].simple",
                "bindings[3]",
                "bindings"
            ]
        );
        assert_eq!(At::root("modules").parent(), None);
    }

    #[test]
    fn element_ids_are_safe_and_follow_the_path() {
        assert_eq!(
            At::binding(3).field("namespace_id").element_id(),
            "f-bindings-3-namespace_id"
        );
        assert_eq!(
            At::metadata("annotations.workers/message").element_id(),
            "f-metadata-annotations-workers_message"
        );
        assert_eq!(At::root("modules").element_id(), "f-modules");
        assert_eq!(At::parse("a b\"<").element_id(), "f-a_b__");
    }

    #[test]
    fn only_bindings_have_a_binding_index() {
        assert_eq!(At::binding(4).field("name").binding_index(), Some(4));
        assert_eq!(At::module(4).binding_index(), None);
        assert_eq!(At::root("bindings").binding_index(), None);
    }
}
