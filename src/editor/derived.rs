//! What the page shows about the composition besides its own fields: the request line, the
//! metadata JSON (and its masked copy), the parts, the curl command and the findings, computed
//! once per change from one serialization of the metadata, in which only the bindings that
//! changed are written anew ([`BindingTexts`]).

use std::rc::Rc;

use crate::encode::preview::{preview_reusing, BindingTexts};
use crate::encode::{CurlCommand, CurlOptions, PartHead};
use crate::model::Composition;
use crate::rules::{self, Finding};

/// Everything shown about the composition besides its own fields. The texts are shared
/// (`Rc<str>`): handing them to the preview and the copy buttons on every render costs no copy.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub method: &'static str,
    /// Full URL against the public API base, as in the curl command.
    pub url: String,
    /// The exact wire JSON, secrets included (what "Copy JSON" copies).
    pub metadata_pretty: Rc<str>,
    /// The same JSON with every secret value masked, for display; `None` when there is no
    /// secret value to hide.
    pub metadata_masked: Option<Rc<str>>,
    pub curl_text: Rc<str>,
    pub parts: Vec<PartHead>,
    pub curl: CurlCommand,
    pub findings: Rc<Vec<Finding>>,
}

impl Derived {
    /// `today` (`YYYY-MM-DD`) enables the future-date rule; `curl_prefix` is the folder the
    /// curl command reads module files from.
    pub fn of(c: &Composition, today: &str, curl_prefix: &str) -> Derived {
        Derived::reusing(c, today, curl_prefix, &BindingTexts::default()).0
    }

    /// [`Derived::of`], taking the JSON texts of the bindings an edit left as they were from
    /// the last derived view (`earlier`); returns this view's for the next edit.
    pub fn reusing(
        c: &Composition,
        today: &str,
        curl_prefix: &str,
        earlier: &BindingTexts,
    ) -> (Derived, BindingTexts) {
        let options = CurlOptions {
            file_prefix: curl_prefix.to_string(),
            ..CurlOptions::default()
        };
        let (preview, texts) = preview_reusing(c, &options, earlier);
        let derived = Derived {
            method: c.request.method(),
            url: c.request.url(&options.api_base),
            metadata_pretty: preview.pretty.into(),
            metadata_masked: preview.masked.map(Into::into),
            parts: preview.parts,
            curl_text: preview.curl.text.as_str().into(),
            curl: preview.curl,
            findings: Rc::new(rules::check_at(c, Some(today))),
        };
        (derived, texts)
    }
}

/// The findings under `bindings[i]` for each of the first `count` bindings, in order, in one
/// pass (a page with hundreds of bindings must not scan the findings once per card).
pub fn findings_per_binding(findings: &[Finding], count: usize) -> Vec<Vec<Finding>> {
    let mut per_binding = vec![Vec::new(); count];
    for finding in findings {
        if let Some(list) = finding
            .at
            .binding_index()
            .and_then(|index| per_binding.get_mut(index))
        {
            list.push(finding.clone());
        }
    }
    per_binding
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode;
    use crate::model::{Binding, BindingKind, Module};
    use crate::rules::{At, Level};

    fn finding(at: At) -> Finding {
        Finding {
            level: Level::Error,
            rule: "x",
            at,
            message: String::new(),
        }
    }

    #[test]
    fn findings_are_grouped_per_binding_in_one_pass() {
        let findings = vec![
            finding(At::binding(1).field("name")),
            finding(At::request("account_id")),
            finding(At::binding(0)),
            finding(At::binding(1).field("namespace_id")),
            finding(At::binding(9)),
            finding(At::module(0)),
            finding(At::metadata("bindings")),
        ];
        let grouped = findings_per_binding(&findings, 3);
        let text = |list: &Vec<Finding>| -> Vec<String> {
            list.iter().map(|f| f.at.to_string()).collect()
        };
        assert_eq!(text(&grouped[0]), ["bindings[0]"]);
        assert_eq!(
            text(&grouped[1]),
            ["bindings[1].name", "bindings[1].namespace_id"]
        );
        assert!(grouped[2].is_empty());
        assert_eq!(
            grouped.len(),
            3,
            "a finding past the last binding is left out"
        );
    }

    #[test]
    fn the_derived_view_agrees_with_the_encoders_and_the_rules() {
        let mut c = Composition::default();
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.script_name = "w".into();
        c.metadata.main_module = Some("index.js".into());
        c.modules
            .push(Module::inline("index.js", "export default {}"));
        c.metadata.bindings.push(Binding::new(
            "S",
            BindingKind::SecretText {
                text: "value".into(),
            },
        ));
        let options = CurlOptions {
            file_prefix: "dist/".into(),
            ..CurlOptions::default()
        };
        let d = Derived::of(&c, "2025-01-15", "dist/");
        assert_eq!(&*d.metadata_pretty, encode::pretty(&c));
        assert_eq!(d.curl, encode::command(&c, &options));
        assert_eq!(&*d.curl_text, d.curl.text);
        assert_eq!(d.parts.len(), 2);
        assert_eq!(d.method, "PUT");
        assert!(d.url.ends_with("/workers/scripts/w"), "{}", d.url);
        assert!(d
            .metadata_masked
            .as_deref()
            .is_some_and(|m| !m.contains("value")));
        assert_eq!(*d.findings, rules::check_at(&c, Some("2025-01-15")));
    }
}
