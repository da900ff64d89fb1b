//! What the sandbox remembers: one account's resources, its Worker scripts with their versions
//! and deployments, and the static assets uploaded for them. Plain serde data, so it can be
//! saved to and loaded from a JSON file ([`super::validate`] checks a loaded file whole).
//!
//! Scripts and the asset store sit behind `Arc`s so that a change can work on a copy of the
//! state that costs a few pointer copies ([`super::Sandbox::change`]): the copy replaces the
//! state only when the whole change succeeded, so a refused request leaves nothing behind.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::http::StatusCode;
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::reply::ApiError;

/// The workers.dev subdomain a fresh sandbox account has registered.
pub const DEFAULT_SUBDOMAIN: &str = "bindery-sandbox";

/// The shape of the state file this sandbox writes (1: before versions were deployed
/// separately, upgraded on load by [`super::validate::upgrade`]).
pub const FORMAT: u32 = 2;

fn first_format() -> u32 {
    1
}

/// The whole sandbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// [`FORMAT`] when written by this sandbox; files without it are from the first one.
    #[serde(default = "first_format")]
    pub format: u32,
    pub kv_namespaces: Vec<KvNamespace>,
    pub r2_buckets: Vec<R2Bucket>,
    pub d1_databases: Vec<D1Database>,
    pub queues: Vec<Queue>,
    pub dispatch_namespaces: Vec<DispatchNamespace>,
    pub scripts: Vec<Arc<Script>>,
    /// The account's `<subdomain>.workers.dev`, or `None` when none is registered.
    pub workers_subdomain: Option<String>,
    pub assets: Arc<AssetStore>,
}

impl Default for State {
    fn default() -> Self {
        State {
            format: FORMAT,
            kv_namespaces: Vec::new(),
            r2_buckets: Vec::new(),
            d1_databases: Vec::new(),
            queues: Vec::new(),
            dispatch_namespaces: Vec::new(),
            scripts: Vec::new(),
            workers_subdomain: Some(DEFAULT_SUBDOMAIN.to_string()),
            assets: Arc::default(),
        }
    }
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
    /// The Worker's tag (the service's script `tag`/`id`), 32 hex digits, kept across uploads.
    #[serde(default = "super::ids::hex_id")]
    pub tag: String,
    pub created_on: String,
    pub modified_on: String,
    pub migration_tag: Option<String>,
    /// The settings that are not versioned: `logpush`, `observability`, `tags`,
    /// `tail_consumers` (the `script-settings` endpoint).
    #[serde(default)]
    pub settings: Map<String, Value>,
    /// `<name>.<subdomain>.workers.dev` on or off.
    #[serde(default)]
    pub subdomain: WorkerSubdomain,
    /// Oldest first; never empty.
    pub versions: Vec<Version>,
    /// Oldest first; never empty: the last one says which versions serve traffic.
    #[serde(default)]
    pub deployments: Vec<Deployment>,
}

/// A Worker's own workers.dev route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerSubdomain {
    pub enabled: bool,
    pub previews_enabled: bool,
}

impl Default for WorkerSubdomain {
    fn default() -> Self {
        WorkerSubdomain {
            enabled: true,
            previews_enabled: true,
        }
    }
}

/// A state that breaks the sandbox's own rules (only a hand-edited state file gets there;
/// [`super::validate`] refuses such a file at start-up). Answered in the envelope, never a panic.
fn inconsistent(script: &Script, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        10001,
        format!("sandbox: the Worker {} {what}", script.name),
    )
}

impl Script {
    /// The newest version.
    pub fn latest(&self) -> Result<&Version, ApiError> {
        self.versions
            .last()
            .ok_or_else(|| inconsistent(self, "has no version"))
    }

    /// The current deployment (the newest).
    pub fn deployment(&self) -> Result<&Deployment, ApiError> {
        self.deployments
            .last()
            .ok_or_else(|| inconsistent(self, "has no deployment"))
    }

    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version that serves most of the traffic (the first one on a tie): what the settings,
    /// bindings and content endpoints show.
    pub fn deployed(&self) -> Result<&Version, ApiError> {
        let deployment = self.deployment()?;
        let mut best: Option<&DeployedVersion> = None;
        for entry in &deployment.versions {
            if best.is_none_or(|b| entry.percentage > b.percentage) {
                best = Some(entry);
            }
        }
        best.and_then(|entry| self.version(&entry.version_id))
            .ok_or_else(|| inconsistent(self, "deploys a version it does not have"))
    }

    /// Is the newest version deployed alone, at 100 %? (Secrets and settings changes need it.)
    pub fn latest_is_deployed(&self) -> Result<bool, ApiError> {
        let latest = self.latest()?;
        let deployment = self.deployment()?;
        Ok(matches!(deployment.versions.as_slice(), [only] if only.version_id == latest.id))
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
    /// `compatibility_date`, `compatibility_flags`, `usage_model`, `placement`, `limits`,
    /// `annotations`, `assets` (its `config` only), ...
    pub settings: Map<String, Value>,
    /// The static assets this version serves (from its upload's completion token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Manifest>,
}

/// Asset path (`/index.html`) → what the file is.
pub type Manifest = BTreeMap<String, ManifestEntry>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub hash: String,
    pub size: u64,
}

/// Which versions serve traffic, and how much each.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    pub created_on: String,
    pub source: String,
    /// Always `percentage` (the only strategy the API has).
    pub strategy: String,
    pub versions: Vec<DeployedVersion>,
    #[serde(default)]
    pub annotations: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeployedVersion {
    pub version_id: String,
    pub percentage: f64,
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
    pub data: Bytes,
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

/// Static asset files uploaded through upload sessions, and the tokens those sessions handed out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetStore {
    /// Content hash → the file, as uploaded (base64-decoded).
    pub files: BTreeMap<String, AssetFile>,
    /// Upload-session and completion tokens, oldest first (expired ones are dropped as new ones
    /// are made).
    pub tokens: Vec<AssetToken>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AssetFile {
    /// The part's content type, `None` for `application/null` (serve without one).
    pub content_type: Option<String>,
    #[serde(with = "base64_bytes")]
    pub data: Bytes,
}

/// A JWT the sandbox handed out. Only the sandbox can tell a valid one: its signature part is
/// random, and the whole token is recorded here, so a token that was altered or never issued
/// is unknown. Expiry is judged by `expires_at`, not by what the token says.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AssetToken {
    /// The token's `jti`.
    pub id: String,
    /// The token exactly as issued.
    pub jwt: String,
    pub purpose: TokenPurpose,
    /// The Worker the session was opened for.
    pub namespace: Option<String>,
    pub script: String,
    pub manifest: Manifest,
    /// Unix seconds.
    pub expires_at: u64,
    /// A completion token authorises one upload only.
    pub used: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPurpose {
    /// Authorises `POST /workers/assets/upload` for the session's missing files.
    Upload,
    /// Goes into `metadata.assets.jwt` of the Worker upload.
    Completion,
}

/// Module and asset bytes are stored as base64 in the JSON state file.
mod base64_bytes {
    use base64::Engine;
    use bytes::Bytes;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes::from)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(data: &'static [u8]) -> Code {
        Code {
            entry: "index.js".into(),
            syntax: Syntax::Module,
            modules: vec![Module {
                name: "index.js".into(),
                content_type: "application/javascript+module".into(),
                data: Bytes::from_static(data),
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
        assert_eq!(back.workers_subdomain.as_deref(), Some(DEFAULT_SUBDOMAIN));
        let with_code = serde_json::to_value(code(b"\x00\xff")).unwrap();
        assert_eq!(with_code["modules"][0]["data"], "AP8=");
        let back: Code = serde_json::from_value(with_code).unwrap();
        assert_eq!(&back.modules[0].data[..], b"\x00\xff");
    }

    fn version(id: &str) -> Version {
        Version {
            id: id.into(),
            number: 1,
            created_on: String::new(),
            code: code(b""),
            bindings: vec![],
            settings: Map::new(),
            assets: None,
        }
    }

    fn script(versions: Vec<Version>, deployed: &[(&str, f64)]) -> Script {
        Script {
            namespace: None,
            name: "w".into(),
            tag: "t".into(),
            created_on: String::new(),
            modified_on: String::new(),
            migration_tag: None,
            settings: Map::new(),
            subdomain: WorkerSubdomain::default(),
            versions,
            deployments: vec![Deployment {
                id: "d".into(),
                created_on: String::new(),
                source: "api".into(),
                strategy: "percentage".into(),
                versions: deployed
                    .iter()
                    .map(|(id, percentage)| DeployedVersion {
                        version_id: id.to_string(),
                        percentage: *percentage,
                    })
                    .collect(),
                annotations: Map::new(),
            }],
        }
    }

    #[test]
    fn the_deployed_version_is_the_one_with_most_traffic() {
        let both = script(
            vec![version("a"), version("b")],
            &[("a", 30.0), ("b", 70.0)],
        );
        assert_eq!(both.deployed().unwrap().id, "b");
        assert!(!both.latest_is_deployed().unwrap());
        let tie = script(
            vec![version("a"), version("b")],
            &[("a", 50.0), ("b", 50.0)],
        );
        assert_eq!(tie.deployed().unwrap().id, "a");
        let alone = script(vec![version("a"), version("b")], &[("b", 100.0)]);
        assert!(alone.latest_is_deployed().unwrap());
        let old = script(vec![version("a"), version("b")], &[("a", 100.0)]);
        assert!(!old.latest_is_deployed().unwrap());
    }

    #[test]
    fn an_inconsistent_script_is_an_enveloped_error_not_a_panic() {
        let empty = script(vec![], &[("x", 100.0)]);
        assert_eq!(empty.latest().unwrap_err().status, 500);
        assert_eq!(empty.deployed().unwrap_err().code, 10001);
    }
}
