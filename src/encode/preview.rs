//! Everything a live preview shows, from one serialization of the metadata.
//!
//! The app recomputes this on every edit; calling [`super::json::pretty`],
//! [`super::multipart::parts`] and [`super::curl::command`] one by one would serialize the
//! metadata three times and copy every module's bytes.

use serde_json::Value;

use super::curl::{command_with_json, CurlCommand, CurlOptions};
use super::multipart::{heads, PartHead};
use crate::model::Composition;

#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// The wire JSON on one line, as sent.
    pub compact: String,
    /// The same JSON indented for reading.
    pub pretty: String,
    pub parts: Vec<PartHead>,
    pub curl: CurlCommand,
}

pub fn preview(c: &Composition, o: &CurlOptions) -> Preview {
    let wire: Value = super::json::wire_metadata(c);
    let compact = wire.to_string();
    let pretty = serde_json::to_string_pretty(&wire).unwrap_or_default();
    Preview {
        parts: heads(c, compact.len()),
        curl: command_with_json(c, o, &compact),
        pretty,
        compact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{command, compact, multipart, pretty};
    use crate::model::{Module, Operation};

    fn sample() -> Composition {
        let mut c: Composition = serde_json::from_str(
            r#"{"format":1,"request":{"account_id":"a","script_name":"s"},
                "metadata":{"main_module":"worker.js","compatibility_date":"2024-06-01"}}"#,
        )
        .unwrap();
        c.modules
            .push(Module::inline("worker.js", "export default {}"));
        c.modules.push(Module::inline("data.bin", vec![0u8, 1, 2]));
        c
    }

    #[test]
    fn agrees_with_the_separate_encoders() {
        for operation in Operation::ALL {
            let mut c = sample();
            c.request.operation = operation;
            let o = CurlOptions {
                file_prefix: "dist/".into(),
                ..CurlOptions::default()
            };
            let p = preview(&c, &o);
            assert_eq!(p.compact, compact(&c));
            assert_eq!(p.pretty, pretty(&c));
            assert_eq!(p.curl, command(&c, &o));
            let full: Vec<(String, Option<String>, Option<String>, usize)> = multipart::parts(&c)
                .into_iter()
                .map(|part| {
                    (
                        part.name.clone(),
                        part.filename.clone(),
                        part.content_type.clone(),
                        part.size(),
                    )
                })
                .collect();
            let heads: Vec<(String, Option<String>, Option<String>, usize)> = p
                .parts
                .into_iter()
                .map(|h| (h.name, h.filename, h.content_type, h.size))
                .collect();
            assert_eq!(heads, full, "{operation:?}");
        }
    }
}
