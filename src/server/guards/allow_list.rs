//! The API areas the proxy forwards: what Bindery needs to verify a token, pick resources for
//! bindings and upload Workers, and what wrangler and the SDK need to deploy one (the service
//! lookup, the newer Workers API, the workers.dev subdomain, static assets uploads, lookups of
//! resources by name). Everything else (DNS, zones, token creation...) is refused.

use axum::http::StatusCode;

use crate::server::envelope::Refusal;

/// One allowed area: fixed segments with `*` for one identifier; `tail` allows anything below.
struct Area {
    pattern: &'static [&'static str],
    tail: bool,
}

const AREAS: &[Area] = &[
    Area {
        pattern: &["accounts"],
        tail: false,
    },
    Area {
        pattern: &["user", "tokens", "verify"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "tokens", "verify"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workers", "scripts"],
        tail: true,
    },
    Area {
        pattern: &["accounts", "*", "workers", "dispatch", "namespaces"],
        tail: true,
    },
    Area {
        pattern: &["accounts", "*", "workers", "services", "*"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workers", "workers", "*"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workers", "subdomain"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workers", "domains"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workers", "assets", "upload"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "storage", "kv", "namespaces"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "r2", "buckets"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "r2", "buckets", "*"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "d1", "database"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "d1", "database", "*"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "workflows", "*"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "queues"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "hyperdrive", "configs"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "vectorize", "v2", "indexes"],
        tail: false,
    },
    Area {
        pattern: &["accounts", "*", "mtls_certificates"],
        tail: false,
    },
];

/// Is this API path (segments after `/client/v4`) inside an allowed area?
pub fn is_allowed(segments: &[String]) -> bool {
    AREAS.iter().any(|area| {
        let fixed = area.pattern.len();
        let length_ok = if area.tail {
            segments.len() >= fixed
        } else {
            segments.len() == fixed
        };
        length_ok
            && area
                .pattern
                .iter()
                .zip(segments)
                .all(|(want, got)| *want == "*" || *want == got.as_str())
    })
}

/// Is this the R2 bucket list or one bucket (the places `cf-r2-jurisdiction` is forwarded)?
pub fn is_r2_buckets(segments: &[String]) -> bool {
    (4..=5).contains(&segments.len())
        && segments[0] == "accounts"
        && segments[2] == "r2"
        && segments[3] == "buckets"
}

/// [`is_allowed`] as a refusal.
pub fn check_allowed(segments: &[String]) -> Result<(), Refusal> {
    if is_allowed(segments) {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            format!(
                "/client/v4/{} is outside the API areas this proxy forwards (accounts, token verify, \
                 Workers scripts, services, subdomains, domains, assets uploads and dispatch \
                 namespaces, KV, R2, D1, queues, workflows, Hyperdrive, Vectorize, mTLS certificates)",
                segments.join("/")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(path: &str) -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }

    #[test]
    fn allowed_areas() {
        for path in [
            "accounts",
            "user/tokens/verify",
            "accounts/abc/tokens/verify",
            "accounts/abc/workers/scripts",
            "accounts/abc/workers/scripts/my-worker",
            "accounts/abc/workers/scripts/my-worker/settings",
            "accounts/abc/workers/scripts/my-worker/versions",
            "accounts/abc/workers/scripts/my-worker/content/v2",
            "accounts/abc/workers/dispatch/namespaces",
            "accounts/abc/workers/dispatch/namespaces/ns/scripts/w/bindings",
            "accounts/abc/storage/kv/namespaces",
            "accounts/abc/r2/buckets",
            "accounts/abc/d1/database",
            "accounts/abc/queues",
            "accounts/abc/hyperdrive/configs",
            "accounts/abc/vectorize/v2/indexes",
            "accounts/abc/mtls_certificates",
            "accounts/abc/workers/scripts/w/deployments",
            "accounts/abc/workers/scripts/w/secrets/KEY",
            "accounts/abc/workers/scripts/w/assets-upload-session",
            "accounts/abc/workers/services/w",
            "accounts/abc/workers/workers/w",
            "accounts/abc/workers/subdomain",
            "accounts/abc/workers/domains",
            "accounts/abc/workers/assets/upload",
            "accounts/abc/r2/buckets/b",
            "accounts/abc/d1/database/db",
            "accounts/abc/workflows/flow",
        ] {
            assert!(is_allowed(&segs(path)), "{path}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for path in [
            "",
            "user",
            "user/tokens",
            "user/tokens/abc",
            "accounts/abc",
            "accounts/abc/tokens",
            "zones/abc/dns_records",
            "accounts/abc/storage/kv/namespaces/ns/values/key",
            "accounts/abc/r2/buckets/b/objects",
            "accounts/abc/d1/database/x/query",
            "accounts/abc/queues/q/messages",
            "accounts/abc/workers",
            "accounts/abc/members",
            "@evil.com",
            "accounts/abc/workers/scriptsX",
            "accounts/abc/workers/services",
            "accounts/abc/workers/services/w/environments/production",
            "accounts/abc/workers/workers",
            "accounts/abc/workers/workers/w/versions",
            "accounts/abc/workers/subdomain/edge-preview",
            "accounts/abc/workers/assets/upload/abcdef",
            "accounts/abc/workers/durable_objects/namespaces",
            "accounts/abc/workflows",
            "accounts/abc/workflows/flow/instances",
            "accounts/abc/r2/buckets/b/cors",
        ] {
            assert!(!is_allowed(&segs(path)), "{path}");
            assert_eq!(
                check_allowed(&segs(path)).unwrap_err().status,
                StatusCode::FORBIDDEN
            );
        }
        assert!(is_r2_buckets(&segs("accounts/abc/r2/buckets")));
        assert!(is_r2_buckets(&segs("accounts/abc/r2/buckets/b")));
        assert!(!is_r2_buckets(&segs("accounts/abc/d1/database")));
    }
}
