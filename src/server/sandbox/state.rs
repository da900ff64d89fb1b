//! What the sandbox remembers: one account's resources and Worker scripts with their versions.
//! Plain serde data, so it can be saved to and loaded from a JSON file.

use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The whole sandbox.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    pub kv_namespaces: Vec<KvNamespace>,
    pub r2_buckets: Vec<R2Bucket>,
    pub d1_databases: Vec<D1Database>,
    pub queues: Vec<Queue>,
    pub dispatch_namespaces: Vec<DispatchNamespace>,
    pub scripts: Vec<Script>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KvNamespace {
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct R2Bucket {
    pub name: String,
    /// `default`, `eu`, `fedramp`...
    pub jurisdiction: String,
    pub creation_date: String,
    pub location: Option<String>,
    pub storage_class: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct D1Database {
    pub uuid: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Queue {
    pub queue_id: String,
    pub queue_name: String,
    pub created_on: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DispatchNamespace {
    pub namespace_id: String,
    pub namespace_name: String,
    pub created_on: String,
}

/// A Worker: account-level (`namespace: None`) or a user Worker in a dispatch namespace.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Script {
    pub namespace: Option<String>,
    pub name: String,
    pub created_on: String,
    pub modified_on: String,
    pub migration_tag: Option<String>,
    /// Oldest first; never empty.
    pub versions: Vec<Version>,
}

impl Script {
    pub fn latest(&self) -> &Version {
        self.versions
            .last()
            .expect("a script has at least one version")
    }
}

/// One version: code, bindings (secrets included: only responses leave them out) and settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Version {
    pub id: String,
    pub number: u32,
    pub created_on: String,
    pub code: Code,
    pub bindings: Vec<Value>,
    /// `compatibility_date`, `compatibility_flags`, `usage_model`, `logpush`, `placement`, ...
    pub settings: Map<String, Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// ES modules, entry named by `main_module`.
    Module,
    /// One service-worker script named by `body_part`.
    ServiceWorker,
}

/// The uploaded parts of a Worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Code {
    pub entry: String,
    pub syntax: Syntax,
    pub modules: Vec<Module>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Module {
    pub name: String,
    pub content_type: String,
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
}

impl Code {
    pub fn entry_module(&self) -> Option<&Module> {
        self.modules.iter().find(|m| m.name == self.entry)
    }

    /// An opaque content hash over every part (name, type, bytes), as 32 hex digits.
    pub fn etag(&self) -> String {
        let mut first = std::collections::hash_map::DefaultHasher::new();
        let mut second = std::collections::hash_map::DefaultHasher::new();
        0xb1_u8.hash(&mut second);
        for module in &self.modules {
            for hasher in [&mut first, &mut second] {
                module.name.hash(hasher);
                module.content_type.hash(hasher);
                module.data.hash(hasher);
            }
        }
        format!("{:016x}{:016x}", first.finish(), second.finish())
    }

    /// The event handlers the entry code appears to define (a text scan, not a parse).
    pub fn handlers(&self) -> Vec<String> {
        let Some(entry) = self.entry_module() else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(&entry.data);
        [
            "fetch",
            "scheduled",
            "queue",
            "email",
            "tail",
            "trace",
            "alarm",
        ]
        .into_iter()
        .filter(|h| match self.syntax {
            Syntax::Module => [format!("{h}("), format!("{h}:"), format!("{h} (")]
                .iter()
                .any(|p| text.contains(p.as_str())),
            Syntax::ServiceWorker => {
                text.contains(&format!("\"{h}\"")) || text.contains(&format!("'{h}'"))
            }
        })
        .map(String::from)
        .collect()
    }
}

/// Module bytes are stored as base64 in the JSON state file.
mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(data: &[u8]) -> Code {
        Code {
            entry: "index.js".into(),
            syntax: Syntax::Module,
            modules: vec![Module {
                name: "index.js".into(),
                content_type: "application/javascript+module".into(),
                data: data.to_vec(),
            }],
        }
    }

    #[test]
    fn etags_follow_content() {
        assert_eq!(code(b"a").etag(), code(b"a").etag());
        assert_ne!(code(b"a").etag(), code(b"b").etag());
        assert_eq!(code(b"a").etag().len(), 32);
    }

    #[test]
    fn handlers_are_found() {
        assert_eq!(
            code(b"export default { async fetch(req) {} }").handlers(),
            ["fetch"]
        );
        let sw = Code {
            syntax: Syntax::ServiceWorker,
            ..code(b"addEventListener('fetch', e => {})")
        };
        assert_eq!(sw.handlers(), ["fetch"]);
    }

    #[test]
    fn state_round_trips_through_json() {
        let mut state = State::default();
        state.kv_namespaces.push(KvNamespace {
            id: "a".into(),
            title: "t".into(),
        });
        let text = serde_json::to_string(&state).unwrap();
        let back: State = serde_json::from_str(&text).unwrap();
        assert_eq!(back.kv_namespaces[0].title, "t");
        let with_code = serde_json::to_value(code(b"\x00\xff")).unwrap();
        assert_eq!(with_code["modules"][0]["data"], "AP8=");
        let back: Code = serde_json::from_value(with_code).unwrap();
        assert_eq!(back.modules[0].data, b"\x00\xff");
    }
}
