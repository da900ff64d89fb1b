//! The account's resources a binding field can point at: which list endpoint serves a field,
//! how its pages are read, and how a new one is created (reference section (a), "Resource
//! pickers"), and what reading a script's settings found. Pure: the app makes the requests
//! and hands the answers to these parsers.

use serde_json::{json, Value};

use crate::diff::CurrentSettings;
use crate::model::catalog::Resource as CatalogResource;
use crate::model::{Operation, Request};

/// A kind of resource with a list endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    Kv,
    R2,
    D1,
    Queue,
    DispatchNamespace,
    Hyperdrive,
    Vectorize,
    MtlsCertificate,
}

/// One listed resource: what the user reads, and what goes into the binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The human name (KV title, bucket name, database name, …).
    pub label: String,
    /// The value the binding field needs (KV id, bucket name, database UUID, …).
    pub value: String,
}

/// How to ask for the page after the one just read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    Page(u32),
    Cursor(String),
}

/// One page of a list answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<Resource>,
    pub next: Option<Next>,
}

/// At most this many pages are read for one list (1000 resources at `PER_PAGE`).
pub const MAX_PAGES: u32 = 20;
const PER_PAGE: u32 = 50;

impl ResourceKind {
    /// The resource a binding field points at, as the binding catalog says, if it has a list
    /// endpoint.
    pub fn for_field(type_name: &str, key: &str) -> Option<ResourceKind> {
        let resource = crate::model::catalog::lookup(type_name)?
            .field(key)?
            .resource?;
        ResourceKind::for_resource(resource)
    }

    /// The picker for a catalog resource, when the API lists that kind of resource.
    pub fn for_resource(resource: CatalogResource) -> Option<ResourceKind> {
        Some(match resource {
            CatalogResource::KvNamespace => ResourceKind::Kv,
            CatalogResource::R2Bucket => ResourceKind::R2,
            CatalogResource::D1Database => ResourceKind::D1,
            CatalogResource::Queue => ResourceKind::Queue,
            CatalogResource::DispatchNamespace => ResourceKind::DispatchNamespace,
            CatalogResource::Hyperdrive => ResourceKind::Hyperdrive,
            CatalogResource::Vectorize => ResourceKind::Vectorize,
            CatalogResource::MtlsCertificate => ResourceKind::MtlsCertificate,
            CatalogResource::Worker
            | CatalogResource::DurableObjectClass
            | CatalogResource::SecretsStore
            | CatalogResource::Workflow
            | CatalogResource::Pipeline => return None,
        })
    }

    /// Plural, for headings and messages ("KV namespaces").
    pub fn plural(self) -> &'static str {
        match self {
            ResourceKind::Kv => "KV namespaces",
            ResourceKind::R2 => "R2 buckets",
            ResourceKind::D1 => "D1 databases",
            ResourceKind::Queue => "queues",
            ResourceKind::DispatchNamespace => "dispatch namespaces",
            ResourceKind::Hyperdrive => "Hyperdrive configs",
            ResourceKind::Vectorize => "Vectorize indexes",
            ResourceKind::MtlsCertificate => "mTLS certificates",
        }
    }

    /// A stable short name, for element ids and cache keys.
    pub fn slug(self) -> &'static str {
        match self {
            ResourceKind::Kv => "kv",
            ResourceKind::R2 => "r2",
            ResourceKind::D1 => "d1",
            ResourceKind::Queue => "queue",
            ResourceKind::DispatchNamespace => "dispatch",
            ResourceKind::Hyperdrive => "hyperdrive",
            ResourceKind::Vectorize => "vectorize",
            ResourceKind::MtlsCertificate => "mtls",
        }
    }

    /// The list/create path below `/client/v4`.
    pub fn path(self, account_id: &str) -> String {
        let tail = match self {
            ResourceKind::Kv => "storage/kv/namespaces",
            ResourceKind::R2 => "r2/buckets",
            ResourceKind::D1 => "d1/database",
            ResourceKind::Queue => "queues",
            ResourceKind::DispatchNamespace => "workers/dispatch/namespaces",
            ResourceKind::Hyperdrive => "hyperdrive/configs",
            ResourceKind::Vectorize => "vectorize/v2/indexes",
            ResourceKind::MtlsCertificate => "mtls_certificates",
        };
        format!(
            "/accounts/{}/{tail}",
            crate::model::encode_segment(account_id)
        )
    }

    /// The URL of the page `next` (`None`: the first page).
    pub fn list_url(self, prefix: &str, account_id: &str, next: Option<&Next>) -> String {
        let base = format!("{prefix}{}", self.path(account_id));
        match (self, next) {
            (ResourceKind::R2, None) => format!("{base}?per_page=1000"),
            (ResourceKind::R2, Some(Next::Cursor(cursor))) => {
                format!("{base}?per_page=1000&cursor={}", query_escape(cursor))
            }
            (_, Some(Next::Page(page))) => format!("{base}?page={page}&per_page={PER_PAGE}"),
            _ => format!("{base}?page=1&per_page={PER_PAGE}"),
        }
    }

    /// Whether "create new" is offered (a name is all it needs).
    pub fn can_create(self) -> bool {
        matches!(
            self,
            ResourceKind::Kv
                | ResourceKind::R2
                | ResourceKind::D1
                | ResourceKind::Queue
                | ResourceKind::DispatchNamespace
        )
    }

    /// The JSON body creating a resource called `name`.
    pub fn create_body(self, name: &str) -> Value {
        match self {
            ResourceKind::Kv => json!({ "title": name }),
            ResourceKind::Queue => json!({ "queue_name": name }),
            _ => json!({ "name": name }),
        }
    }

    /// Reads one list answer (the v4 envelope). `page` is the number of the page read, for
    /// page/per_page lists.
    pub fn parse_page(self, body: &str, page: u32) -> Result<Page, String> {
        let result = result_of(body)?;
        let (list, next) = match self {
            ResourceKind::R2 => {
                let buckets = result
                    .get("buckets")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let cursor = envelope_info(body)
                    .and_then(|info| info.get("cursor").and_then(Value::as_str).map(String::from))
                    .filter(|c| !c.is_empty());
                (buckets, cursor.map(Next::Cursor))
            }
            _ => {
                let items = result
                    .as_array()
                    .cloned()
                    .ok_or_else(|| "the answer's result is not a list".to_string())?;
                let more = more_pages(envelope_info(body).as_ref(), page, items.len());
                (items, more.then_some(Next::Page(page + 1)))
            }
        };
        Ok(Page {
            items: list.iter().filter_map(|item| self.item(item)).collect(),
            next,
        })
    }

    /// Reads the answer of a create request.
    pub fn parse_created(self, body: &str) -> Result<Resource, String> {
        let result = result_of(body)?;
        self.item(&result)
            .ok_or_else(|| format!("the answer does not describe the new {}", self.singular()))
    }

    /// Singular, for messages ("KV namespace").
    pub fn singular(self) -> &'static str {
        let plural = self.plural();
        match plural.strip_suffix("es") {
            Some(stem) if stem.ends_with("index") => stem,
            _ => plural.strip_suffix('s').unwrap_or(plural),
        }
    }

    /// One list item as a resource, `None` when it lacks the value field.
    fn item(self, item: &Value) -> Option<Resource> {
        let text = |key: &str| item.get(key).and_then(Value::as_str).map(String::from);
        let (label, value) = match self {
            ResourceKind::Kv => (text("title"), text("id")?),
            ResourceKind::R2 => (None, text("name")?),
            ResourceKind::D1 => (text("name"), text("uuid").or_else(|| text("id"))?),
            ResourceKind::Queue => (None, text("queue_name")?),
            ResourceKind::DispatchNamespace => {
                (None, text("namespace_name").or_else(|| text("name"))?)
            }
            ResourceKind::Hyperdrive => (text("name"), text("id")?),
            ResourceKind::Vectorize => (None, text("name")?),
            ResourceKind::MtlsCertificate => (text("name"), text("id")?),
        };
        Some(Resource {
            label: label.unwrap_or_else(|| value.clone()),
            value,
        })
    }
}

/// One listed account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
}

/// Reads a page of `GET /accounts`; the second value is whether more pages follow.
pub fn parse_accounts(body: &str, page: u32) -> Result<(Vec<Account>, bool), String> {
    let result = result_of(body)?;
    let items = result
        .as_array()
        .ok_or_else(|| "the answer's result is not a list".to_string())?;
    let accounts = items
        .iter()
        .filter_map(|a| {
            let id = a.get("id")?.as_str()?.to_string();
            let name = a
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_string();
            Some(Account { id, name })
        })
        .collect();
    let more = more_pages(envelope_info(body).as_ref(), page, items.len());
    Ok((accounts, more))
}

/// Whether pages follow page `page` (which held `count` items): from `total_pages`, else from
/// `total_count` and `per_page` (some lists give only those), else when the page was full.
fn more_pages(info: Option<&Value>, page: u32, count: usize) -> bool {
    let number = |key: &str| info.and_then(|i| i.get(key)).and_then(Value::as_u64);
    let page = u64::from(page);
    if let Some(pages) = number("total_pages") {
        return page < pages;
    }
    let per_page = number("per_page").unwrap_or(u64::from(PER_PAGE));
    match number("total_count") {
        Some(total) => page.saturating_mul(per_page) < total,
        None => count > 0 && count as u64 >= per_page,
    }
}

/// Only the items whose label or value contains `search` (case-insensitive).
pub fn matching<'a>(items: &'a [Resource], search: &str) -> Vec<&'a Resource> {
    let needle = search.trim().to_lowercase();
    items
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.label.to_lowercase().contains(&needle)
                || r.value.to_lowercase().contains(&needle)
        })
        .collect()
}

/// The `result` of a successful v4 envelope, or the API's own error messages.
fn result_of(body: &str) -> Result<Value, String> {
    let envelope: Value = serde_json::from_str(body)
        .map_err(|_| "the answer is not JSON (is this endpoint available?)".to_string())?;
    if envelope.get("success").and_then(Value::as_bool) == Some(true) {
        return Ok(envelope.get("result").cloned().unwrap_or(Value::Null));
    }
    Err(errors_of(body))
}

/// The error messages of a v4 envelope (with their codes), in one line.
pub fn errors_of(body: &str) -> String {
    let Ok(envelope) = serde_json::from_str::<Value>(body) else {
        return "the answer is not JSON (is this endpoint available?)".to_string();
    };
    let errors: Vec<String> = envelope
        .get("errors")
        .and_then(Value::as_array)
        .map(|errors| {
            errors
                .iter()
                .map(|e| {
                    let message = e.get("message").and_then(Value::as_str).unwrap_or("error");
                    match e.get("code").and_then(Value::as_i64) {
                        Some(code) => format!("{message} ({code})"),
                        None => message.to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    if errors.is_empty() {
        "the API answered without success".to_string()
    } else {
        errors.join("; ")
    }
}

fn envelope_info(body: &str) -> Option<Value> {
    serde_json::from_str::<Value>(body)
        .ok()?
        .get("result_info")
        .cloned()
}

/// Percent-encodes a query value (cursors are opaque tokens).
fn query_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What reading a script's settings found.
#[derive(Clone, Debug, PartialEq)]
pub enum Deployed {
    Found(Box<CurrentSettings>),
    /// 404 or code 10007: the script does not exist yet.
    Missing,
    Failed(String),
}

impl Deployed {
    /// Reads a settings answer: found, missing (404 / 10007), or failed with the API's words.
    pub fn read(status: u16, body: &str) -> Deployed {
        let envelope: Option<Value> = serde_json::from_str(body).ok();
        let codes: Vec<i64> = envelope
            .as_ref()
            .and_then(|e| e.get("errors")?.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.get("code")?.as_i64())
            .collect();
        if status == 404 || codes.contains(&10007) {
            return Deployed::Missing;
        }
        let success = envelope.as_ref().and_then(|e| e.get("success")?.as_bool()) == Some(true);
        match envelope {
            Some(envelope) if success && (200..300).contains(&status) => {
                match CurrentSettings::parse(&envelope) {
                    Ok(current) => Deployed::Found(Box::new(current)),
                    Err(e) => Deployed::Failed(e),
                }
            }
            _ => Deployed::Failed(with_status(status, errors_of(body))),
        }
    }
}

/// The settings path (below `/client/v4`) of the script `request` names (account or WfP user
/// Worker).
pub fn settings_path(request: &Request) -> String {
    let mut settings = request.clone();
    settings.operation = Operation::Settings;
    settings.path()
}

/// A message with the HTTP status in front when it is not a success one.
pub fn with_status(status: u16, message: String) -> String {
    if (200..300).contains(&status) {
        message
    } else {
        format!("HTTP {status}: {message}")
    }
}
