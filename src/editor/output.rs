//! The preview's output tabs: the metadata JSON, the multipart parts, the request as a
//! program in each language (curl first), and the composition as a `wrangler.jsonc`. Which tab
//! is shown, how the arrow keys move between tabs, and what each tab's copy button copies are
//! decided here; the app renders them.
//!
//! curl is part of [`super::Derived`] (the page always has it); the program of another
//! language, and the wrangler configuration (whose exporter checks every binding against the
//! importer), are generated only while their tab is shown ([`program`]), so an edit costs
//! nothing for the outputs nobody is looking at.

use crate::encode::code::{self, CodeOptions, Language, Program};
use crate::encode::PartHead;
use crate::model::Composition;

/// One tab of the output strip.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OutputTab {
    #[default]
    Metadata,
    Parts,
    Code(Language),
    /// The composition as a `wrangler.jsonc` ([`crate::encode::wrangler`]).
    Wrangler,
}

impl OutputTab {
    /// The tabs in strip order.
    pub const ALL: [OutputTab; 9] = [
        OutputTab::Metadata,
        OutputTab::Parts,
        OutputTab::Code(Language::Curl),
        OutputTab::Code(Language::JavaScript),
        OutputTab::Code(Language::Python),
        OutputTab::Code(Language::Go),
        OutputTab::Code(Language::Java),
        OutputTab::Code(Language::Rust),
        OutputTab::Wrangler,
    ];

    /// A stable id for element ids and tests (`metadata`, `parts`, `curl`, `js`, …,
    /// `wrangler`).
    pub fn id(self) -> &'static str {
        match self {
            OutputTab::Metadata => "metadata",
            OutputTab::Parts => "parts",
            OutputTab::Code(language) => language.id(),
            OutputTab::Wrangler => "wrangler",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutputTab::Metadata => "Metadata",
            OutputTab::Parts => "Parts",
            OutputTab::Code(language) => language.label(),
            OutputTab::Wrangler => "wrangler.jsonc",
        }
    }

    /// The language of a code tab.
    pub fn language(self) -> Option<Language> {
        match self {
            OutputTab::Code(language) => Some(language),
            _ => None,
        }
    }

    /// The tab a key pressed on this one moves to, as in the WAI-ARIA tabs pattern: the arrow
    /// keys move to the neighbour (wrapping around), Home and End to the first and last tab.
    pub fn after_key(self, key: &str) -> Option<OutputTab> {
        let all = OutputTab::ALL;
        let index = all.iter().position(|&tab| tab == self)?;
        let count = all.len();
        match key {
            "ArrowRight" | "ArrowDown" => Some(all[(index + 1) % count]),
            "ArrowLeft" | "ArrowUp" => Some(all[(index + count - 1) % count]),
            "Home" => Some(all[0]),
            "End" => Some(all[count - 1]),
            _ => None,
        }
    }
}

/// The text shown for `tab` when it is generated on demand: a language's program (not curl's,
/// which the page always has), or the `wrangler.jsonc` with its notes; `None` for the others.
pub fn program(tab: OutputTab, c: &Composition, file_prefix: &str, embed: bool) -> Option<Program> {
    if tab == OutputTab::Wrangler {
        let exported = crate::encode::wrangler::config(c);
        return Some(Program {
            text: exported.text,
            notes: exported.notes,
        });
    }
    let language = tab.language().filter(|&l| l != Language::Curl)?;
    let options = CodeOptions {
        file_prefix: file_prefix.to_string(),
        embed,
        ..CodeOptions::default()
    };
    Some(code::generate(language, c, &options))
}

/// What the Parts tab's copy button copies: one line per part, tab-separated, under a header
/// line (pastes as a table into a spreadsheet or an issue).
pub fn parts_text(parts: &[PartHead]) -> String {
    let mut text = String::from("name\tfilename\tcontent type\tbytes\n");
    for part in parts {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            one_line(&part.name),
            part.filename.as_deref().map(one_line).unwrap_or_default(),
            part.content_type.as_deref().unwrap_or_default(),
            part.size
        ));
    }
    text
}

/// A name on one table cell: tabs and line breaks shown as escapes.
fn one_line(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Module, Operation};

    #[test]
    fn the_strip_lists_metadata_parts_curl_the_five_languages_then_wrangler_jsonc() {
        let labels: Vec<&str> = OutputTab::ALL.iter().map(|t| t.label()).collect();
        assert_eq!(
            labels,
            [
                "Metadata",
                "Parts",
                "curl",
                "JavaScript",
                "Python",
                "Go",
                "Java",
                "Rust",
                "wrangler.jsonc"
            ]
        );
        let ids: Vec<&str> = OutputTab::ALL.iter().map(|t| t.id()).collect();
        assert_eq!(
            ids,
            ["metadata", "parts", "curl", "js", "python", "go", "java", "rust", "wrangler"]
        );
        assert_eq!(OutputTab::default(), OutputTab::Metadata);
    }

    #[test]
    fn arrow_keys_move_between_tabs_and_wrap_around() {
        let curl = OutputTab::Code(Language::Curl);
        assert_eq!(OutputTab::Parts.after_key("ArrowRight"), Some(curl));
        assert_eq!(curl.after_key("ArrowLeft"), Some(OutputTab::Parts));
        assert_eq!(
            OutputTab::Metadata.after_key("ArrowLeft"),
            Some(OutputTab::Wrangler)
        );
        assert_eq!(
            OutputTab::Wrangler.after_key("ArrowRight"),
            Some(OutputTab::Metadata)
        );
        assert_eq!(curl.after_key("Home"), Some(OutputTab::Metadata));
        assert_eq!(curl.after_key("End"), Some(OutputTab::Wrangler));
        assert_eq!(curl.after_key("Enter"), None);
    }

    #[test]
    fn only_a_language_tab_other_than_curl_generates_a_program() {
        let mut c = Composition::default();
        c.request.account_id = "acc".into();
        c.request.script_name = "w".into();
        c.modules
            .push(Module::inline("worker.js", "export default {}"));
        for tab in [
            OutputTab::Metadata,
            OutputTab::Parts,
            OutputTab::Code(Language::Curl),
        ] {
            assert_eq!(program(tab, &c, "", false), None);
        }
        let go = program(OutputTab::Code(Language::Go), &c, "dist/", false).unwrap();
        assert!(go.text.contains("\"dist/worker.js\""));
        let embedded = program(OutputTab::Code(Language::Python), &c, "dist/", true).unwrap();
        assert!(embedded.text.contains("\"\"\"export default {}\"\"\""));
        c.request.operation = Operation::Settings;
        let patch = program(OutputTab::Code(Language::Java), &c, "", false).unwrap();
        assert!(patch.text.contains(".patch(body)"));
    }

    #[test]
    fn the_wrangler_tab_shows_the_export_with_its_notes() {
        let mut c = Composition::default();
        c.request.account_id = "acc".into();
        c.request.script_name = "w".into();
        c.modules
            .push(Module::inline("worker.js", "export default {}"));
        let exported = crate::encode::wrangler::config(&c);
        let shown = program(OutputTab::Wrangler, &c, "dist/", true).unwrap();
        assert_eq!(shown.text, exported.text);
        assert_eq!(shown.notes, exported.notes);
        assert!(shown.text.contains("\"name\": \"w\""), "{}", shown.text);
        c.request.operation = Operation::Version;
        let version = program(OutputTab::Wrangler, &c, "", false).unwrap();
        assert!(
            version
                .notes
                .iter()
                .any(|n| n.contains("wrangler versions upload")),
            "{:?}",
            version.notes
        );
    }

    #[test]
    fn parts_copy_as_a_tab_separated_table() {
        let parts = vec![
            PartHead {
                name: "metadata".into(),
                filename: None,
                content_type: Some("application/json".into()),
                size: 42,
            },
            PartHead {
                name: "odd\tname\n".into(),
                filename: Some("odd\tname\n".into()),
                content_type: Some("text/plain".into()),
                size: 3,
            },
        ];
        assert_eq!(
            parts_text(&parts),
            "name\tfilename\tcontent type\tbytes\n\
             metadata\t\tapplication/json\t42\n\
             odd\\tname\\n\todd\\tname\\n\ttext/plain\t3\n"
        );
    }
}
