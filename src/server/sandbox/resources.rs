//! Accounts, token verify, and the resources bindings point at: KV namespaces, R2 buckets,
//! D1 databases, queues, dispatch namespaces (plus empty Hyperdrive/Vectorize/mTLS lists).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Map, Value};

use super::auth::bearer_token;
use super::ids::{hex_id, now, uuid};
use super::paging::Page;
use super::place::Place;
use super::reply::{ApiError, Reply, Success};
use super::state::{D1Database, DispatchNamespace, KvNamespace, Queue, R2Bucket};
use super::{Sandbox, ACCOUNT_ID, ACCOUNT_NAME};

type Params = Query<HashMap<String, String>>;

/// A page of `items` with its `result_info`.
pub(super) fn listed(
    items: Vec<Value>,
    query: &HashMap<String, String>,
    default_per_page: usize,
) -> Reply {
    let (page, info) = Page::from_query(query, default_per_page)?.slice(items);
    Ok(Success {
        result_info: Some(info),
        ..Success::new(Value::Array(page))
    })
}

/// A JSON object request body.
pub(super) fn json_body(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::validation(
            "the request body must be a JSON object",
        )),
    }
}

/// A required non-empty string field of a create body.
fn required<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, ApiError> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ApiError::validation(format!("the request body needs a non-empty string `{key}`"))
        })
}

/// Lowercase letters, digits and dashes (inside), 3 to 63 long, as R2, queues and namespaces want.
fn is_slug(name: &str, extra: &[u8]) -> bool {
    (3..=63).contains(&name.len())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || extra.contains(&b)
        })
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn created(result: Value) -> Reply {
    Ok(Success::new(result))
}

// ---- identity ----

/// `GET /user/tokens/verify` and `GET /accounts/{id}/tokens/verify`.
pub async fn verify_token(headers: HeaderMap) -> Reply {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let token = bearer_token(value)?;
    // A stable id for a token that does not reveal it: two keyed hashes, 32 hex digits.
    let half = |salt: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut hasher);
        token.hash(&mut hasher);
        hasher.finish()
    };
    let id = format!("{:016x}{:016x}", half(1), half(2));
    Ok(Success {
        messages: vec![
            json!({"code": 10000, "message": "This API Token is valid and active", "type": null}),
        ],
        ..Success::new(json!({"id": id, "status": "active"}))
    })
}

/// `GET /accounts`.
pub async fn list_accounts(Query(query): Params) -> Reply {
    let account = json!({
        "id": ACCOUNT_ID,
        "name": ACCOUNT_NAME,
        "type": "standard",
        "settings": {"enforce_twofactor": false},
        "created_on": "2020-01-01T00:00:00.000000Z",
    });
    listed(vec![account], &query, 20)
}

/// Lists the sandbox has no resources for (Hyperdrive, Vectorize, mTLS certificates).
pub async fn empty_list(Query(query): Params) -> Reply {
    listed(Vec::new(), &query, 20)
}

// ---- KV ----

fn kv_json(n: &KvNamespace) -> Value {
    json!({"id": n.id, "title": n.title, "supports_url_encoding": true})
}

pub async fn list_kv(State(sandbox): State<Sandbox>, Query(query): Params) -> Reply {
    let items = sandbox.read(|s| s.kv_namespaces.iter().map(kv_json).collect());
    listed(items, &query, 20)
}

pub async fn create_kv(State(sandbox): State<Sandbox>, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let title = required(&body, "title")?.to_string();
    sandbox.change(|s| {
        if s.kv_namespaces.iter().any(|n| n.title == title) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                10014,
                "a namespace with this account ID and title already exists",
            ));
        }
        let namespace = KvNamespace {
            id: hex_id(),
            title,
        };
        let result = kv_json(&namespace);
        s.kv_namespaces.push(namespace);
        created(result)
    })
}

// ---- R2 ----

fn jurisdiction(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers
        .get("cf-r2-jurisdiction")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_else(|| "default".to_string());
    match value.as_str() {
        "default" | "eu" | "fedramp" | "fedramp-high" => Ok(value),
        other => Err(ApiError::validation(format!(
            "cf-r2-jurisdiction {other:?} is not one of default, eu, fedramp, fedramp-high"
        ))),
    }
}

fn r2_json(b: &R2Bucket) -> Value {
    let mut value = json!({
        "name": b.name,
        "creation_date": b.creation_date,
        "location": b.location.clone().unwrap_or_else(|| "ENAM".to_string()),
        "storage_class": b.storage_class,
    });
    if b.jurisdiction != "default" {
        value["jurisdiction"] = json!(b.jurisdiction);
    }
    value
}

pub async fn list_r2(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    Query(query): Params,
) -> Reply {
    let wanted = jurisdiction(&headers)?;
    let items: Vec<Value> = sandbox.read(|s| {
        s.r2_buckets
            .iter()
            .filter(|b| b.jurisdiction == wanted)
            .map(r2_json)
            .collect()
    });
    let (page, info) = Page::from_query(&query, 20)?.slice(items);
    Ok(Success {
        result_info: Some(json!({"cursor": "", "per_page": info["per_page"]})),
        ..Success::new(json!({"buckets": page}))
    })
}

/// `GET …/r2/buckets/{bucket}` (in the jurisdiction of `cf-r2-jurisdiction`); 10006 when
/// there is none.
pub async fn get_r2(
    State(sandbox): State<Sandbox>,
    headers: HeaderMap,
    axum::extract::Path(params): axum::extract::Path<HashMap<String, String>>,
) -> Reply {
    let wanted = jurisdiction(&headers)?;
    let name = params.get("bucket").cloned().unwrap_or_default();
    sandbox.read(|s| {
        s.r2_buckets
            .iter()
            .find(|b| b.name == name && b.jurisdiction == wanted)
            .map(|b| Success::new(r2_json(b)))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    10006,
                    format!("The specified bucket does not exist: {name}"),
                )
            })
    })
}

pub async fn create_r2(State(sandbox): State<Sandbox>, headers: HeaderMap, body: Bytes) -> Reply {
    let where_ = jurisdiction(&headers)?;
    let body = json_body(&body)?;
    let name = required(&body, "name")?.to_string();
    if !is_slug(&name, b"") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            10005,
            "The specified bucket name is not valid: 3-63 lowercase letters, digits and dashes",
        ));
    }
    let location = body
        .get("locationHint")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase);
    let storage_class = body
        .get("storageClass")
        .and_then(Value::as_str)
        .unwrap_or("Standard")
        .to_string();
    sandbox.change(|s| {
        if s.r2_buckets
            .iter()
            .any(|b| b.name == name && b.jurisdiction == where_)
        {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                10004,
                "The bucket you tried to create already exists, and you own it.",
            ));
        }
        let bucket = R2Bucket {
            name,
            jurisdiction: where_,
            creation_date: now(),
            location,
            storage_class,
        };
        let result = r2_json(&bucket);
        s.r2_buckets.push(bucket);
        created(result)
    })
}

// ---- D1 ----

fn d1_json(d: &D1Database) -> Value {
    json!({
        "uuid": d.uuid,
        "name": d.name,
        "created_at": d.created_at,
        "version": "production",
        "num_tables": 0,
        "file_size": 0,
    })
}

pub async fn list_d1(State(sandbox): State<Sandbox>, Query(query): Params) -> Reply {
    let filter = query.get("name").cloned();
    let items = sandbox.read(|s| {
        s.d1_databases
            .iter()
            .filter(|d| filter.as_deref().is_none_or(|f| d.name.contains(f)))
            .map(d1_json)
            .collect()
    });
    listed(items, &query, 100)
}

/// `GET …/d1/database/{database}`: by uuid or by name; 7404 when there is none.
pub async fn get_d1(
    State(sandbox): State<Sandbox>,
    axum::extract::Path(params): axum::extract::Path<HashMap<String, String>>,
) -> Reply {
    let wanted = params.get("database").cloned().unwrap_or_default();
    sandbox.read(|s| {
        s.d1_databases
            .iter()
            .find(|d| d.uuid == wanted || d.name == wanted)
            .map(|d| Success::new(d1_json(d)))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    7404,
                    format!("Not Found: there is no D1 database {wanted}"),
                )
            })
    })
}

pub async fn create_d1(State(sandbox): State<Sandbox>, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let name = required(&body, "name")?.to_string();
    sandbox.change(|s| {
        if s.d1_databases.iter().any(|d| d.name == name) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                7502,
                "A database with that name already exists",
            ));
        }
        let database = D1Database {
            uuid: uuid(),
            name,
            created_at: now(),
        };
        let result = d1_json(&database);
        s.d1_databases.push(database);
        created(result)
    })
}

// ---- queues ----

fn queue_json(q: &Queue) -> Value {
    json!({
        "queue_id": q.queue_id,
        "queue_name": q.queue_name,
        "created_on": q.created_on,
        "modified_on": q.created_on,
        "producers": [],
        "producers_total_count": 0,
        "consumers": [],
        "consumers_total_count": 0,
    })
}

/// `GET …/queues` (`?name=` finds one queue by its exact name, as wrangler looks queues up).
pub async fn list_queues(State(sandbox): State<Sandbox>, Query(query): Params) -> Reply {
    let name = query.get("name").cloned();
    let items = sandbox.read(|s| {
        s.queues
            .iter()
            .filter(|q| name.as_deref().is_none_or(|n| q.queue_name == n))
            .map(queue_json)
            .collect()
    });
    listed(items, &query, 100)
}

pub async fn create_queue(State(sandbox): State<Sandbox>, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let name = required(&body, "queue_name")?.to_string();
    if !is_slug(&name, b"_") {
        return Err(ApiError::validation(
            "queue_name must be 3-63 lowercase letters, digits, dashes or underscores",
        ));
    }
    sandbox.change(|s| {
        if s.queues.iter().any(|q| q.queue_name == name) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                11009,
                "A queue with this name already exists",
            ));
        }
        let queue = Queue {
            queue_id: hex_id(),
            queue_name: name,
            created_on: now(),
        };
        let result = queue_json(&queue);
        s.queues.push(queue);
        created(result)
    })
}

// ---- dispatch namespaces ----

fn dispatch_json(n: &DispatchNamespace, script_count: usize) -> Value {
    json!({
        "namespace_id": n.namespace_id,
        "namespace_name": n.namespace_name,
        "created_on": n.created_on,
        "created_by": ACCOUNT_ID,
        "modified_on": n.created_on,
        "modified_by": ACCOUNT_ID,
        "script_count": script_count,
        "trusted_workers": false,
    })
}

fn dispatch_with_count(s: &super::state::State, n: &DispatchNamespace) -> Value {
    let count = s
        .scripts
        .iter()
        .filter(|x| x.namespace.as_deref() == Some(&n.namespace_name))
        .count();
    dispatch_json(n, count)
}

pub async fn list_dispatch(State(sandbox): State<Sandbox>, Query(query): Params) -> Reply {
    let items = sandbox.read(|s| {
        s.dispatch_namespaces
            .iter()
            .map(|n| dispatch_with_count(s, n))
            .collect()
    });
    listed(items, &query, 100)
}

/// `GET …/dispatch/namespaces/{namespace}`: one namespace by name.
pub async fn get_dispatch(State(sandbox): State<Sandbox>, place: Place) -> Reply {
    let name = place.namespace.unwrap_or_default();
    sandbox.read(|s| {
        s.dispatch_namespaces
            .iter()
            .find(|n| n.namespace_name == name)
            .map(|n| Success::new(dispatch_with_count(s, n)))
            .ok_or_else(|| namespace_not_found(&name))
    })
}

/// 100119 for a dispatch namespace that does not exist.
pub fn namespace_not_found(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        100119,
        format!("dispatch namespace '{name}' not found"),
    )
}

pub async fn create_dispatch(State(sandbox): State<Sandbox>, body: Bytes) -> Reply {
    let body = json_body(&body)?;
    let name = required(&body, "name")?.to_string();
    if !is_slug(&name, b"_") {
        return Err(ApiError::validation(
            "the namespace name must be 3-63 lowercase letters, digits, dashes or underscores",
        ));
    }
    sandbox.change(|s| {
        if s.dispatch_namespaces
            .iter()
            .any(|n| n.namespace_name == name)
        {
            return Err(ApiError::validation(format!(
                "a dispatch namespace named {name} already exists"
            )));
        }
        let namespace = DispatchNamespace {
            namespace_id: uuid(),
            namespace_name: name,
            created_on: now(),
        };
        let result = dispatch_json(&namespace, 0);
        s.dispatch_namespaces.push(namespace);
        created(result)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("my-bucket", b""));
        assert!(!is_slug("My-Bucket", b""));
        assert!(!is_slug("-bucket", b""));
        assert!(!is_slug("ab", b""));
        assert!(is_slug("my_ns", b"_"));
    }
}
