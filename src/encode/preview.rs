//! Everything a live preview shows, from one serialization of the metadata.
//!
//! The app recomputes this on every edit; calling [`super::json::pretty`],
//! [`super::multipart::parts`] and [`super::curl::command`] one by one would serialize the
//! metadata three times and copy every module's bytes. Here each binding is written out once,
//! compact, indented and (when it holds a secret) masked, and the three texts are put together
//! from those pieces and the few other members. An edit changes one binding out of hundreds:
//! [`preview_reusing`] takes the pieces of the bindings an edit left as they were from the
//! last preview ([`BindingTexts`]), so typing costs the binding typed into, not all of them.
//! The texts are exactly what serializing the whole wire value gives (a test compares them).

use std::rc::Rc;

use serde_json::Value;

use super::curl::{command_with_json, CurlCommand, CurlOptions};
use super::multipart::{heads, PartHead};
use crate::model::{Binding, Composition};

#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// The wire JSON on one line, as sent.
    pub compact: String,
    /// The same JSON indented for reading.
    pub pretty: String,
    /// [`Preview::pretty`] with every secret value replaced by [`SECRET_MASK`], for display;
    /// `None` when no binding carries a secret value (the display is then `pretty` itself).
    pub masked: Option<String>,
    pub parts: Vec<PartHead>,
    pub curl: CurlCommand,
    /// What the JSON means for this endpoint, in sentences ([`super::json::notes`]).
    pub notes: Vec<String>,
}

/// What a display shows in place of a secret value.
pub const SECRET_MASK: &str = "••••••";

pub fn preview(c: &Composition, o: &CurlOptions) -> Preview {
    preview_reusing(c, o, &BindingTexts::default()).0
}

/// [`preview`], taking the texts of the bindings that did not change from `earlier` (the texts
/// of the last preview); returns the texts of this one's bindings for the next.
pub fn preview_reusing(
    c: &Composition,
    o: &CurlOptions,
    earlier: &BindingTexts,
) -> (Preview, BindingTexts) {
    let texts = BindingTexts::of(&c.metadata.bindings, earlier);
    let members = members(c);
    let compact = write(&members, &texts, Layout::Compact);
    let pretty = write(&members, &texts, Layout::Pretty);
    let masked = c
        .has_secret_values()
        .then(|| write(&members, &texts, Layout::Masked));
    let preview = Preview {
        parts: heads(c, compact.len()),
        curl: command_with_json(c, o, &compact),
        notes: super::json::notes(c),
        pretty,
        masked,
        compact,
    };
    (preview, texts)
}

/// The JSON texts of each binding of a composition, in order, kept from one preview to the
/// next: a binding equal to the one an earlier preview wrote (at its index, or one before or
/// after it, as a removal or a move leaves them) keeps its texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BindingTexts(Vec<Rc<BindingText>>);

#[derive(Debug, PartialEq)]
pub struct BindingText {
    binding: Binding,
    compact: String,
    /// Indented as an item of the top-level `bindings` list (four spaces).
    pretty: String,
    /// `pretty` with its secret values masked; `None` when it holds none.
    masked: Option<String>,
}

impl BindingTexts {
    fn of(bindings: &[Binding], earlier: &BindingTexts) -> BindingTexts {
        let earlier = &earlier.0;
        let texts = bindings.iter().enumerate().map(|(index, binding)| {
            let near = [Some(index), index.checked_add(1), index.checked_sub(1)];
            near.into_iter()
                .flatten()
                .filter_map(|i| earlier.get(i))
                .find(|text| text.binding == *binding)
                .cloned()
                .unwrap_or_else(|| Rc::new(BindingText::of(binding)))
        });
        BindingTexts(texts.collect())
    }
}

impl BindingText {
    fn of(binding: &Binding) -> BindingText {
        let mut value = Value::Object(binding.to_json());
        let compact = value.to_string();
        // An item of the top-level list: four spaces in.
        let item = |value: &Value| format!("    {}", shifted(&pretty_text(value), 4));
        let pretty = item(&value);
        let masked = mask_secrets(&mut value).then(|| item(&value));
        BindingText {
            binding: binding.clone(),
            compact,
            pretty,
            masked,
        }
    }
}

/// A member of the wire metadata: its value, or the bindings list, written from each
/// binding's own texts.
enum Member {
    Value(Value),
    Bindings,
}

/// The members of the wire metadata ([`super::json::wire_metadata`]), in order, with the
/// bindings list left to [`BindingTexts`] ([`crate::model::Metadata::object_with_bindings`]).
fn members(c: &Composition) -> Vec<(String, Member)> {
    let m = &c.metadata;
    // `null` holds the list's place; the binding texts are written there.
    let serialized = m.object_with_bindings(Some(Value::Null));
    let known_bindings = m.bindings.is_present() && !m.extra.contains_key("bindings");
    super::json::wire_members(c, serialized)
        .into_iter()
        .map(|(key, value)| {
            let member = if key == "bindings" && known_bindings {
                Member::Bindings
            } else {
                Member::Value(value)
            };
            (key, member)
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Compact,
    Pretty,
    Masked,
}

/// The metadata object's text as `serde_json` writes the whole wire value: on one line, or
/// indented by two spaces per level (with the secret values masked).
fn write(members: &[(String, Member)], texts: &BindingTexts, layout: Layout) -> String {
    let compact = layout == Layout::Compact;
    if members.is_empty() {
        return "{}".into();
    }
    let mut out = String::with_capacity(
        texts
            .0
            .iter()
            .map(|t| if compact { t.compact.len() } else { t.pretty.len() } + 2)
            .sum::<usize>()
            + 256,
    );
    out.push_str(if compact { "{" } else { "{\n" });
    for (i, (key, member)) in members.iter().enumerate() {
        if i > 0 {
            out.push_str(if compact { "," } else { ",\n" });
        }
        if !compact {
            out.push_str("  ");
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push_str(if compact { ":" } else { ": " });
        match member {
            Member::Value(value) if compact => out.push_str(&value.to_string()),
            Member::Value(value) => out.push_str(&shifted(&pretty_text(value), 2)),
            Member::Bindings if texts.0.is_empty() => out.push_str("[]"),
            Member::Bindings => {
                out.push_str(if compact { "[" } else { "[\n" });
                for (j, text) in texts.0.iter().enumerate() {
                    if j > 0 {
                        out.push_str(if compact { "," } else { ",\n" });
                    }
                    out.push_str(match layout {
                        Layout::Compact => &text.compact,
                        Layout::Pretty => &text.pretty,
                        Layout::Masked => text.masked.as_ref().unwrap_or(&text.pretty),
                    });
                }
                out.push_str(if compact { "]" } else { "\n  ]" });
            }
        }
    }
    out.push_str(if compact { "}" } else { "\n}" });
    out
}

fn pretty_text(value: &Value) -> String {
    // Serializing a `Value` cannot fail: every key is a string.
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// `text` (indented JSON, where a line break is never inside a string) with every line but the
/// first shifted right by `by` spaces: the first follows a key, or the caller's own indent.
fn shifted(text: &str, by: usize) -> String {
    text.replace('\n', &format!("\n{}", " ".repeat(by)))
}

/// Replaces each non-empty write-only value of a wire binding (a secret's `text`, a key's
/// `key_base64` / `key_jwk`) by [`SECRET_MASK`]; `true` when it replaced any.
fn mask_secrets(binding: &mut Value) -> bool {
    let Some(binding) = binding.as_object_mut() else {
        return false;
    };
    let type_name = binding
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut masked = false;
    for key in crate::model::secret_fields(&type_name) {
        if let Some(value) = binding.get_mut(key) {
            if *value != Value::String(String::new()) {
                *value = Value::String(SECRET_MASK.into());
                masked = true;
            }
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{command, compact, multipart, pretty};
    use crate::model::{Binding, BindingKind, Module, Operation};
    use serde_json::json;

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

    /// Compositions of every shape the previews meet: the examples, the fixtures (every
    /// binding type, a settings PATCH), and members that make the object odd (a kept member
    /// named like a known one, unknown members, no bindings at all).
    fn shapes() -> Vec<Composition> {
        let mut all: Vec<Composition> = crate::editor::examples::EXAMPLES
            .iter()
            .map(|e| e.composition())
            .collect();
        for text in [
            include_str!("../../tests/fixtures/every-binding/composition.json"),
            include_str!("../../tests/fixtures/settings-patch-remove-all/composition.json"),
            include_str!("../../tests/fixtures/wfp-settings-add-r2/composition.json"),
        ] {
            all.push(serde_json::from_str(text).unwrap());
        }
        let mut odd = sample();
        odd.metadata = crate::model::Metadata::from_object(
            json!({"main_module": "worker.js", "bindings": null, "tags": [],
                   "x_new": {"a": [1, {"b": "\u{2028}\"q\""}], "e": {}}, "limits": {"cpu_ms": 50}})
            .as_object()
            .unwrap()
            .clone(),
        )
        .unwrap();
        all.push(odd.clone());
        // A known field set and also kept as given `null`: the kept value wins in place.
        odd.metadata.compatibility_date = Some("2024-01-01".into());
        odd.metadata
            .extra
            .insert("compatibility_date".into(), Value::Null);
        odd.metadata.bindings = vec![Binding::new(
            "K",
            BindingKind::SecretText { text: "s".into() },
        )]
        .into();
        all.push(odd);
        all.push(sample());
        let mut assets_only = sample();
        assets_only.metadata.main_module = None;
        assets_only.metadata.assets = Some(Default::default());
        all.push(assets_only);
        all
    }

    #[test]
    fn the_texts_put_together_are_the_whole_wire_value_serialized() {
        for c in shapes() {
            for operation in Operation::ALL {
                let mut c = c.clone();
                c.request.operation = operation;
                let p = preview(&c, &CurlOptions::default());
                let mut wire = crate::encode::wire_metadata(&c);
                assert_eq!(p.compact, wire.to_string(), "{operation:?}");
                assert_eq!(
                    p.pretty,
                    serde_json::to_string_pretty(&wire).unwrap(),
                    "{operation:?}"
                );
                // The masked display is the wire value with each secret masked, serialized.
                let masked = c.has_secret_values().then(|| {
                    for binding in wire
                        .get_mut("bindings")
                        .and_then(Value::as_array_mut)
                        .into_iter()
                        .flatten()
                    {
                        mask_secrets(binding);
                    }
                    serde_json::to_string_pretty(&wire).unwrap()
                });
                assert_eq!(p.masked, masked, "{operation:?}");
            }
        }
    }

    #[test]
    fn a_preview_reusing_the_last_ones_texts_equals_a_fresh_one_after_every_kind_of_edit() {
        let o = CurlOptions::default();
        let mut c: Composition = serde_json::from_str(include_str!(
            "../../tests/fixtures/every-binding/composition.json"
        ))
        .unwrap();
        let count = c.metadata.bindings.len();
        assert!(count > 5, "{count}");
        type Edit = Box<dyn Fn(&mut Composition)>;
        let edits: Vec<(&str, Edit)> = vec![
            (
                "rename one",
                Box::new(|c| c.metadata.bindings[2].name.push('X')),
            ),
            (
                "edit a field",
                Box::new(|c| {
                    c.metadata.bindings[0] =
                        Binding::new("T", BindingKind::PlainText { text: "v2".into() })
                }),
            ),
            (
                "remove the first",
                Box::new(|c| {
                    c.metadata.bindings.remove(0);
                }),
            ),
            (
                "remove one inside",
                Box::new(|c| {
                    c.metadata.bindings.remove(3);
                }),
            ),
            (
                "move one down",
                Box::new(|c| c.metadata.bindings.swap(1, 2)),
            ),
            (
                "add one",
                Box::new(|c| {
                    c.metadata
                        .bindings
                        .push(Binding::new("N", BindingKind::empty("kv_namespace")))
                }),
            ),
            (
                "insert one first",
                Box::new(|c| {
                    c.metadata
                        .bindings
                        .insert(0, Binding::new("F", BindingKind::empty("r2_bucket")))
                }),
            ),
            (
                "add a secret",
                Box::new(|c| {
                    c.metadata.bindings.push(Binding::new(
                        "S",
                        BindingKind::SecretText { text: "shh".into() },
                    ))
                }),
            ),
            (
                "empty the secret",
                Box::new(|c| {
                    let last = c.metadata.bindings.len() - 1;
                    c.metadata.bindings[last] = Binding::new(
                        "S",
                        BindingKind::SecretText {
                            text: String::new(),
                        },
                    );
                }),
            ),
            (
                "keep an unknown member",
                Box::new(|c| {
                    c.metadata.bindings[1]
                        .extra
                        .insert("x_new".into(), json!(1));
                }),
            ),
            (
                "another metadata field",
                Box::new(|c| c.metadata.compatibility_flags.push("nodejs_compat".into())),
            ),
            (
                "a settings PATCH",
                Box::new(|c| c.request.operation = Operation::Settings),
            ),
            (
                "remove them all",
                Box::new(|c| c.metadata.bindings.set_empty()),
            ),
            (
                "then leave them out",
                Box::new(|c| c.metadata.bindings.set_absent()),
            ),
            (
                "back to an upload",
                Box::new(|c| c.request.operation = Operation::Upload),
            ),
        ];
        let (_, mut texts) = preview_reusing(&c, &o, &BindingTexts::default());
        for (what, edit) in edits {
            edit(&mut c);
            let (reused, next) = preview_reusing(&c, &o, &texts);
            assert_eq!(reused, preview(&c, &o), "after {what}");
            texts = next;
        }
    }

    #[test]
    fn an_unchanged_binding_keeps_its_texts_and_an_edited_one_is_written_anew() {
        let mut c = sample();
        c.metadata.bindings = (0..4)
            .map(|i| Binding::new(format!("B{i}"), BindingKind::PlainText { text: "v".into() }))
            .collect();
        let o = CurlOptions::default();
        let (_, first) = preview_reusing(&c, &o, &BindingTexts::default());
        c.metadata.bindings[2].name = "CHANGED".into();
        let (_, second) = preview_reusing(&c, &o, &first);
        let kept: Vec<bool> = (0..4)
            .map(|i| Rc::ptr_eq(&first.0[i], &second.0[i]))
            .collect();
        assert_eq!(kept, [true, true, false, true]);
        c.metadata.bindings.remove(0);
        let (_, third) = preview_reusing(&c, &o, &second);
        assert!(
            (0..3).all(|i| Rc::ptr_eq(&third.0[i], &second.0[i + 1])),
            "a removal shifts the texts with their bindings"
        );
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

    #[test]
    fn the_display_masks_secrets_but_the_wire_json_keeps_them() {
        let mut c = sample();
        let o = CurlOptions::default();
        assert_eq!(
            preview(&c, &o).masked,
            None,
            "nothing to mask without secrets"
        );
        c.metadata.bindings = vec![
            Binding::new(
                "API_KEY",
                BindingKind::SecretText {
                    text: "s3cr3t-value".into(),
                },
            ),
            Binding::from_json(
                json!({"type": "secret_key", "name": "SIGNING", "format": "raw",
                       "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"],
                       "key_base64": "a2V5LWJ5dGVz"})
                .as_object()
                .unwrap()
                .clone(),
            )
            .unwrap(),
            Binding::new(
                "EMPTY",
                BindingKind::SecretText {
                    text: String::new(),
                },
            ),
            Binding::new(
                "PLAIN",
                BindingKind::PlainText {
                    text: "visible".into(),
                },
            ),
        ]
        .into();
        let p = preview(&c, &o);
        assert!(p.pretty.contains("s3cr3t-value") && p.pretty.contains("a2V5LWJ5dGVz"));
        assert!(
            p.curl.text.contains("s3cr3t-value"),
            "the curl sends the real value"
        );
        let masked = p.masked.expect("a masked display");
        assert!(!masked.contains("s3cr3t-value") && !masked.contains("a2V5LWJ5dGVz"));
        let mut expected: Value = serde_json::from_str(&p.pretty).unwrap();
        expected["bindings"][0]["text"] = json!(SECRET_MASK);
        expected["bindings"][1]["key_base64"] = json!(SECRET_MASK);
        assert_eq!(
            serde_json::from_str::<Value>(&masked).unwrap(),
            expected,
            "only the secret values differ (an empty one stays empty)"
        );
        assert_eq!(
            serde_json::to_string_pretty(&expected).unwrap(),
            masked,
            "same order and layout as the wire JSON"
        );
    }
}
