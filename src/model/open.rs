//! The open world: metadata objects keep what Bindery does not know, and lists tell "absent"
//! from "empty".
//!
//! The API grows faster than any client. A field Bindery has never heard of (wrangler's
//! `unsafe.metadata` keys, a new `observability.issues`, a binding's `cross_account_grant` before
//! it was typed) must load, show and be sent exactly as given, with a warning, never an error.
//! So every metadata object is declared with [`open_struct!`]: its known fields are typed (and
//! checked by the rules), and every other member lands in its `extra` map, in the order given,
//! and is written back after the known fields. A known field given as `null` is kept there too,
//! so it is sent as `null` (the model reads it as unset).
//!
//! On a settings PATCH a list that is absent keeps the deployed value, while `[]` clears it.
//! [`List`] keeps that difference: it is a `Vec` (and derefs to one) that also remembers whether
//! the list was written at all.
//!
//! The objects are read by hand from a JSON object, field by field with each field type's own
//! `Deserialize`, like the bindings (see `binding.rs`): serde's `flatten`, the derive's way to
//! collect unknown members, buffers every value in generic code per struct, which weighs on the
//! browser bundle.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Members of a metadata object that Bindery does not know, in the order given.
pub type Extra = Map<String, Value>;

/// A list field: the items, and whether the list was written at all.
///
/// Absent and empty differ on a settings PATCH (absent keeps the deployed list, `[]` clears it);
/// elsewhere an empty list is harmless. A list with items is always present. Editing through
/// `Deref`/`DerefMut` keeps the flag: a list that was written stays written when its last item
/// is removed, and an absent one becomes absent again.
#[derive(Clone)]
pub struct List<T> {
    items: Vec<T>,
    written: bool,
}

impl<T> List<T> {
    /// No list at all: the field is left out.
    pub const fn absent() -> List<T> {
        List {
            items: Vec::new(),
            written: false,
        }
    }

    /// `[]`, written out.
    pub const fn empty() -> List<T> {
        List {
            items: Vec::new(),
            written: true,
        }
    }

    /// Whether the field is sent: it was written, or it has items.
    pub fn is_present(&self) -> bool {
        self.written || !self.items.is_empty()
    }

    /// Whether the field is left out.
    pub fn is_absent(&self) -> bool {
        !self.is_present()
    }

    /// Whether the list is written out with no items (`[]`).
    pub fn is_written_empty(&self) -> bool {
        self.written && self.items.is_empty()
    }

    /// Removes every item and leaves the field out ("leave unchanged" on a PATCH).
    pub fn set_absent(&mut self) {
        self.items.clear();
        self.written = false;
    }

    /// Removes every item and writes `[]` ("remove all" on a PATCH).
    pub fn set_empty(&mut self) {
        self.items.clear();
        self.written = true;
    }

    /// Marks the list as written, so it stays `[]` when emptied.
    pub fn mark_written(&mut self) {
        self.written = true;
    }

    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T> Default for List<T> {
    fn default() -> List<T> {
        List::absent()
    }
}

impl<T> Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

/// A list built from items is present when it has any; built from none it is absent (write
/// `[]` with [`List::empty`]).
impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> List<T> {
        List {
            items,
            written: false,
        }
    }
}

impl<T> FromIterator<T> for List<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> List<T> {
        List::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut List<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Equal when both hold the same items and both are present or both absent.
impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &List<T>) -> bool {
        self.items == other.items && self.is_present() == other.is_present()
    }
}

impl<T: Eq> Eq for List<T> {}

/// Compares the items only (convenient in tests).
impl<T: PartialEq<U>, U> PartialEq<Vec<U>> for List<T> {
    fn eq(&self, other: &Vec<U>) -> bool {
        self.items == *other
    }
}

/// Compares the items only (convenient in tests).
impl<T: PartialEq<U>, U, const N: usize> PartialEq<[U; N]> for List<T> {
    fn eq(&self, other: &[U; N]) -> bool {
        self.items == *other
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_absent() {
            f.write_str("absent")
        } else {
            self.items.fmt(f)
        }
    }
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(|items| List {
            items,
            written: true,
        })
    }
}

/// Reads one field's value with its type's own `Deserialize`, naming the field in the error.
pub(crate) fn read_field<T: serde::de::DeserializeOwned>(
    wire: &str,
    value: Value,
) -> Result<T, String> {
    T::deserialize(value).map_err(|error| in_field(wire, &error.to_string()))
}

/// `` `field`: message ``, or `` `field.inner`: message `` when the message already names a
/// field inside it.
pub(crate) fn in_field(wire: &str, message: &str) -> String {
    match message.strip_prefix('`') {
        Some(rest) if rest.contains("`: ") => format!("`{wire}.{rest}"),
        _ => format!("`{wire}`: {message}"),
    }
}

/// Declares a metadata object with typed known fields and an `extra` map for the rest.
///
/// Each field is `KIND name: Type` with an optional `= "wire name"`:
/// - `opt`: `Option<Type>`, left out when `None`;
/// - `list`: [`List<Type>`], left out when absent;
/// - `req`: `Type`, always written; missing is an error;
/// - `dflt`: `Type`, always written; missing means `Type::default()`.
///
/// The struct derives `Clone`, `Debug`, `Default` and `PartialEq` (add `Eq` through
/// `#[derive]`-free `impl Eq` where wanted) and gets `FIELDS` (the known wire names, in order),
/// `from_object`, `Serialize` and `Deserialize`.
#[macro_export]
#[doc(hidden)]
macro_rules! open_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty $(= $wire:literal)? ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $crate::open_struct!(@type $kind $ty), )*
            /// Members this build does not know (and known ones given as `null`), in the order
            /// given; sent as given after the known fields.
            pub extra: $crate::model::Extra,
        }

        impl $name {
            /// The wire names of the known fields, in the order they are written.
            pub const FIELDS: &'static [&'static str] = &[$( $crate::open_struct!(@wire $field $($wire)?) ),*];

            /// Reads the object: known fields by their type, every other member into `extra`.
            #[allow(unused_assignments)]
            pub fn from_object(object: ::serde_json::Map<String, ::serde_json::Value>) -> Result<$name, String> {
                let mut out = $name::default();
                $( #[allow(unused_mut, unused_variables)] let mut $field = false; )*
                for (key, value) in object {
                    $(
                        if key == $crate::open_struct!(@wire $field $($wire)?) && !value.is_null() {
                            out.$field = $crate::open_struct!(@read $kind $ty, $crate::open_struct!(@wire $field $($wire)?), value);
                            $field = true;
                            continue;
                        }
                    )*
                    out.extra.insert(key, value);
                }
                $( $crate::open_struct!(@require $kind $field, $crate::open_struct!(@wire $field $($wire)?)); )*
                Ok(out)
            }

            /// The member `key` as the object's JSON has it (`None` when it is not written),
            /// serializing that member alone: a form reading one field of a metadata object
            /// with hundreds of bindings does not write them all out to find it.
            pub fn member(&self, key: &str) -> Option<::serde_json::Value> {
                // Written after the known fields, a kept member wins, as in the whole JSON.
                if let Some(value) = self.extra.get(key) {
                    return Some(value.clone());
                }
                $(
                    if key == $crate::open_struct!(@wire $field $($wire)?) {
                        let written = !$crate::open_struct!(@omit $kind self.$field);
                        return written.then(|| ::serde_json::to_value(&self.$field).ok()).flatten();
                    }
                )*
                None
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if !$crate::open_struct!(@omit $kind self.$field) {
                        map.serialize_entry($crate::open_struct!(@wire $field $($wire)?), &self.$field)?;
                    }
                )*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let object = <::serde_json::Map<String, ::serde_json::Value>>::deserialize(deserializer)?;
                $name::from_object(object).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
    (@type opt $ty:ty) => { Option<$ty> };
    (@type list $ty:ty) => { $crate::model::List<$ty> };
    (@type req $ty:ty) => { $ty };
    (@type dflt $ty:ty) => { $ty };
    (@wire $field:ident $wire:literal) => { $wire };
    (@wire $field:ident) => { stringify!($field) };
    (@read opt $ty:ty, $wire:expr, $value:expr) => { Some($crate::model::read_field::<$ty>($wire, $value)?) };
    (@read list $ty:ty, $wire:expr, $value:expr) => { $crate::model::read_field::<$crate::model::List<$ty>>($wire, $value)? };
    (@read req $ty:ty, $wire:expr, $value:expr) => { $crate::model::read_field::<$ty>($wire, $value)? };
    (@read dflt $ty:ty, $wire:expr, $value:expr) => { $crate::model::read_field::<$ty>($wire, $value)? };
    (@omit opt $value:expr) => { $value.is_none() };
    (@omit list $value:expr) => { $value.is_absent() };
    (@omit req $value:expr) => { false };
    (@omit dflt $value:expr) => { false };
    (@require req $seen:ident, $wire:expr) => {
        if !$seen {
            return Err(format!("missing field `{}`", $wire));
        }
    };
    (@require $kind:ident $seen:ident, $wire:expr) => {};
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    crate::open_struct! {
        /// A sample object.
        pub struct Sample {
            req id: String,
            opt count: u64,
            list items: String,
            dflt on: bool,
            opt slash: String = "a/b",
        }
    }

    fn read(value: Value) -> Result<Sample, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn unknown_members_are_kept_in_their_order_after_the_known_fields() {
        let given = json!({"zeta": 1, "id": "x", "alpha": {"deep": [1]}, "count": 3});
        let sample = read(given.clone()).unwrap();
        assert_eq!(sample.count, Some(3));
        assert_eq!(
            sample.extra.keys().collect::<Vec<_>>(),
            ["zeta", "alpha"],
            "kept in the order given"
        );
        let back = serde_json::to_string(&sample).unwrap();
        assert_eq!(
            back,
            r#"{"id":"x","count":3,"on":false,"zeta":1,"alpha":{"deep":[1]}}"#
        );
    }

    #[test]
    fn a_list_remembers_whether_it_was_written() {
        let absent = read(json!({"id": "x"})).unwrap();
        assert!(absent.items.is_absent());
        assert!(!serde_json::to_string(&absent).unwrap().contains("items"));
        let empty = read(json!({"id": "x", "items": []})).unwrap();
        assert!(empty.items.is_written_empty());
        assert!(serde_json::to_string(&empty)
            .unwrap()
            .contains(r#""items":[]"#));
        assert_ne!(absent, empty);
    }

    #[test]
    fn a_list_built_from_no_items_is_absent() {
        assert!(List::<u8>::from(Vec::new()).is_absent());
        assert!(List::from(vec![1]).is_present());
        assert!(List::<u8>::empty().is_written_empty());
    }

    #[test]
    fn editing_a_list_keeps_whether_it_was_written() {
        let mut list: List<u8> = List::absent();
        list.push(1);
        assert!(list.is_present());
        list.pop();
        assert!(list.is_absent(), "an absent list becomes absent again");
        let mut written: List<u8> = vec![1].into();
        written.mark_written();
        written.clear();
        assert!(written.is_written_empty(), "a written list stays written");
        written.set_absent();
        assert!(written.is_absent());
        written.set_empty();
        assert!(written.is_written_empty());
    }

    #[test]
    fn one_member_reads_the_same_as_in_the_whole_json() {
        for given in [
            json!({"id": "x"}),
            json!({"id": "x", "count": 3, "items": [], "on": true, "a/b": "s", "zeta": {"z": 1}}),
            json!({"id": "x", "count": null, "items": ["i"]}),
        ] {
            let sample = read(given).unwrap();
            let whole = serde_json::to_value(&sample).unwrap();
            for key in Sample::FIELDS.iter().copied().chain(["zeta", "nothing"]) {
                assert_eq!(
                    sample.member(key).as_ref(),
                    whole.get(key),
                    "{key} in {whole}"
                );
            }
        }
    }

    #[test]
    fn a_known_field_given_as_null_is_sent_as_null() {
        let sample = read(json!({"id": "x", "count": null})).unwrap();
        assert_eq!(sample.count, None);
        assert_eq!(
            serde_json::to_value(&sample).unwrap(),
            json!({"id": "x", "on": false, "count": null})
        );
    }

    #[test]
    fn a_wrong_type_names_the_field_and_a_missing_required_field_is_an_error() {
        assert_eq!(
            read(json!({"id": "x", "count": "three"})).unwrap_err(),
            "`count`: invalid type: string \"three\", expected u64"
        );
        assert_eq!(read(json!({})).unwrap_err(), "missing field `id`");
        assert!(read(json!({"id": "x", "a/b": "y"}))
            .unwrap()
            .slash
            .is_some());
    }

    #[test]
    fn nested_errors_name_the_whole_path() {
        assert_eq!(
            in_field("outer", "`inner`: invalid type"),
            "`outer.inner`: invalid type"
        );
        assert_eq!(in_field("outer", "oops"), "`outer`: oops");
    }

    #[test]
    fn fields_lists_the_wire_names_in_order() {
        assert_eq!(Sample::FIELDS, ["id", "count", "items", "on", "a/b"]);
    }
}
