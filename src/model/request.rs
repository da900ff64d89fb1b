//! Which endpoint a composition is sent to, and how its URL is built.

use serde::{Deserialize, Serialize};

/// The public API base every path is relative to.
pub const CLOUDFLARE_API_BASE: &str = "https://api.cloudflare.com/client/v4";

/// Whose script is addressed: an account Worker or a Workers for Platforms user Worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    #[default]
    Account,
    /// A user Worker inside a dispatch namespace (Workers for Platforms).
    Dispatch,
}

/// What the request does to that script.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// `PUT …/scripts/{name}`: upload code + metadata and deploy.
    #[default]
    Upload,
    /// `PATCH …/scripts/{name}/settings`: one `settings` JSON part, no code.
    Settings,
    /// `POST …/scripts/{name}/versions`: upload a version without deploying it.
    Version,
    /// `PUT …/scripts/{name}/content`: replace code only.
    Content,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::Upload,
        Operation::Settings,
        Operation::Version,
        Operation::Content,
    ];

    pub fn method(self) -> &'static str {
        match self {
            Operation::Upload | Operation::Content => "PUT",
            Operation::Settings => "PATCH",
            Operation::Version => "POST",
        }
    }

    /// Name of the multipart part carrying the JSON object.
    pub fn json_part_name(self) -> &'static str {
        match self {
            Operation::Settings => "settings",
            _ => "metadata",
        }
    }

    /// Whether module parts travel with this request.
    pub fn sends_modules(self) -> bool {
        !matches!(self, Operation::Settings)
    }

    /// Whether the request accepts `?bindings_inherit=strict`.
    pub fn accepts_bindings_inherit(self) -> bool {
        matches!(self, Operation::Upload | Operation::Version)
    }

    /// Whether sending the same request twice has the effect of sending it once (every
    /// operation but a version upload, which creates a new version each time): decides whether
    /// a 5xx or a broken connection may be retried.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Operation::Version)
    }

    pub fn label(self) -> &'static str {
        match self {
            Operation::Upload => "Upload and deploy",
            Operation::Settings => "Settings only (PATCH)",
            Operation::Version => "Upload a version",
            Operation::Content => "Content only",
        }
    }
}

/// The request line of a composition: endpoint, account, script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default)]
    pub target: Target,
    #[serde(default)]
    pub operation: Operation,
    #[serde(default)]
    pub account_id: String,
    #[serde(default)]
    pub script_name: String,
    /// Dispatch namespace name; used only with [`Target::Dispatch`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dispatch_namespace: String,
    /// Adds `?bindings_inherit=strict`: an unresolvable `inherit` binding fails the upload.
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub bindings_inherit_strict: bool,
}

impl Request {
    pub fn method(&self) -> &'static str {
        self.operation.method()
    }

    /// The path below the API base, with every user-supplied segment percent-encoded.
    pub fn path(&self) -> String {
        let account = encode_segment(&self.account_id);
        let script = encode_segment(&self.script_name);
        let mut path = match self.target {
            Target::Account => format!("/accounts/{account}/workers/scripts/{script}"),
            Target::Dispatch => format!(
                "/accounts/{account}/workers/dispatch/namespaces/{}/scripts/{script}",
                encode_segment(&self.dispatch_namespace)
            ),
        };
        match self.operation {
            Operation::Upload => {}
            Operation::Settings => path.push_str("/settings"),
            Operation::Version => path.push_str("/versions"),
            Operation::Content => path.push_str("/content"),
        }
        path
    }

    /// The query string (without `?`), empty when there is none.
    pub fn query(&self) -> String {
        if self.bindings_inherit_strict && self.operation.accepts_bindings_inherit() {
            "bindings_inherit=strict".to_string()
        } else {
            String::new()
        }
    }

    /// Path plus query, relative to the API base.
    pub fn path_and_query(&self) -> String {
        let query = self.query();
        if query.is_empty() {
            self.path()
        } else {
            format!("{}?{}", self.path(), query)
        }
    }

    /// The full URL against `base` (no trailing slash), e.g. [`CLOUDFLARE_API_BASE`].
    pub fn url(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.path_and_query())
    }
}

/// A value of the request that cannot be a segment of the endpoint's path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointProblem {
    /// `account_id`, `script_name` or `dispatch_namespace`.
    pub field: &'static str,
    /// What the user reads: "The account id `..` is a dot segment, …".
    pub message: String,
}

impl std::fmt::Display for EndpointProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "request.{}: {}", self.field, self.message)
    }
}

impl Request {
    /// The first value of the endpoint's path (account id, script name, dispatch namespace
    /// when the target is one) that would change which endpoint is called; such a request is
    /// neither sent nor rendered as a command.
    pub fn endpoint_problem(&self) -> Option<EndpointProblem> {
        let mut fields = vec![
            ("account_id", "account id", &self.account_id),
            ("script_name", "script name", &self.script_name),
        ];
        if self.target == Target::Dispatch {
            fields.push((
                "dispatch_namespace",
                "dispatch namespace",
                &self.dispatch_namespace,
            ));
        }
        fields.into_iter().find_map(|(field, label, value)| {
            segment_problem(value).map(|problem| EndpointProblem {
                field,
                message: format!("The {label} `{value}` {problem}."),
            })
        })
    }
}

/// Why `value` cannot be one segment of a URL path, if it cannot: `.` and `..` are resolved
/// by curl and by browsers (even percent-encoded, `%2e%2e`), so they move the request to
/// another endpoint (`accounts/../workers/scripts/x` is `workers/scripts/x`); a `/` would add a
/// segment wherever a server decodes `%2F`.
pub fn segment_problem(value: &str) -> Option<&'static str> {
    match value {
        "." | ".." => Some(
            "is a dot segment: curl and browsers resolve it, so the request would go to another endpoint",
        ),
        v if v.contains('/') => {
            Some("contains a slash: it would add a segment to the endpoint's path")
        }
        _ => None,
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a typed value can never
/// add a path segment, a query or a fragment.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: Target, operation: Operation) -> Request {
        Request {
            target,
            operation,
            account_id: "acc".into(),
            script_name: "my-worker".into(),
            dispatch_namespace: "prod".into(),
            bindings_inherit_strict: false,
        }
    }

    #[test]
    fn paths_for_every_endpoint() {
        use Operation::*;
        use Target::*;
        let cases = [
            (
                Account,
                Upload,
                "PUT",
                "/accounts/acc/workers/scripts/my-worker",
            ),
            (
                Account,
                Settings,
                "PATCH",
                "/accounts/acc/workers/scripts/my-worker/settings",
            ),
            (
                Account,
                Version,
                "POST",
                "/accounts/acc/workers/scripts/my-worker/versions",
            ),
            (
                Account,
                Content,
                "PUT",
                "/accounts/acc/workers/scripts/my-worker/content",
            ),
            (
                Dispatch,
                Upload,
                "PUT",
                "/accounts/acc/workers/dispatch/namespaces/prod/scripts/my-worker",
            ),
            (
                Dispatch,
                Settings,
                "PATCH",
                "/accounts/acc/workers/dispatch/namespaces/prod/scripts/my-worker/settings",
            ),
            (
                Dispatch,
                Content,
                "PUT",
                "/accounts/acc/workers/dispatch/namespaces/prod/scripts/my-worker/content",
            ),
        ];
        for (target, operation, method, path) in cases {
            let r = request(target, operation);
            assert_eq!(r.method(), method);
            assert_eq!(r.path(), path);
        }
    }

    #[test]
    fn strict_inherit_only_where_accepted() {
        let mut r = request(Target::Account, Operation::Upload);
        r.bindings_inherit_strict = true;
        assert_eq!(
            r.url(CLOUDFLARE_API_BASE),
            "https://api.cloudflare.com/client/v4/accounts/acc/workers/scripts/my-worker?bindings_inherit=strict"
        );
        r.operation = Operation::Settings;
        assert_eq!(r.query(), "");
    }

    #[test]
    fn typed_segments_cannot_escape() {
        let mut r = request(Target::Account, Operation::Upload);
        r.script_name = "../x?y#z w".into();
        assert_eq!(r.path(), "/accounts/acc/workers/scripts/..%2Fx%3Fy%23z%20w");
    }

    #[test]
    fn dot_segments_and_slashes_are_endpoint_problems() {
        for (value, problem) in [
            (".", true),
            ("..", true),
            ("a/b", true),
            ("a\\b", false),
            ("/", true),
            ("...", false),
            (".x", false),
            ("%2e%2e", false),
            ("my-worker", false),
            ("", false),
        ] {
            assert_eq!(segment_problem(value).is_some(), problem, "{value:?}");
        }
        let mut r = request(Target::Account, Operation::Upload);
        assert_eq!(r.endpoint_problem(), None);
        r.dispatch_namespace = "..".into();
        assert_eq!(
            r.endpoint_problem(),
            None,
            "not part of an account Worker's path"
        );
        r.target = Target::Dispatch;
        assert_eq!(r.endpoint_problem().unwrap().field, "dispatch_namespace");
        r.account_id = "..".into();
        let problem = r.endpoint_problem().unwrap();
        assert_eq!(problem.field, "account_id", "the first one in the path");
        assert_eq!(
            problem.to_string(),
            "request.account_id: The account id `..` is a dot segment: curl and browsers resolve it, so the request would go to another endpoint."
        );
        // Percent-encoding alone would not have helped: the dot segment stays one.
        assert!(r.path().starts_with("/accounts/../"));
    }
}
