//! The request line: account, script name, dispatch namespace, endpoint.

use super::text::{is_cloudflare_id, looks_like_placeholder, worker_name_problem};
use super::{At, Findings};
use crate::model::{segment_problem, Composition, Operation, Target};

pub(super) fn check(c: &Composition, out: &mut Findings) {
    let r = &c.request;
    // A value that would move the request to another endpoint: never sent, never rendered.
    let fields = [
        ("account_id", "account id", &r.account_id),
        ("script_name", "script name", &r.script_name),
        (
            "dispatch_namespace",
            "dispatch namespace",
            &r.dispatch_namespace,
        ),
    ];
    for (field, label, value) in fields {
        if field == "dispatch_namespace" && r.target != Target::Dispatch {
            continue;
        }
        if let Some(problem) = segment_problem(value) {
            out.error(
                "endpoint-segment-unsafe",
                At::request(field),
                format!("The {label} `{value}` {problem}. Bindery neither sends this request nor renders it as a command; enter the real {label}."),
            );
        }
    }
    let account = r.account_id.trim();
    if account.is_empty() {
        out.error(
            "account-id-missing",
            "request.account_id",
            "The account id is empty. Copy it from the dashboard (Workers overview, right column) or pick it from the list of accounts your token can reach.",
        );
    } else if segment_problem(account).is_some() {
        // Reported above: the value is never sent.
    } else if looks_like_placeholder(account) && !account.contains('@') {
        // An e-mail address (even at example.com) is better told as such, below.
        out.error(
            "account-id-placeholder",
            "request.account_id",
            format!("Replace the placeholder `{account}` with your account id (32 hex characters, from the dashboard's Workers overview), or pick the account once your token is verified."),
        );
    } else if !is_cloudflare_id(account) {
        let what = if account.contains('@') {
            "an e-mail address"
        } else {
            "not a 32-character lowercase hex id"
        };
        out.warning(
            "account-id-format",
            "request.account_id",
            format!("The account id `{account}` is {what}; the API answers such ids with code 7003 \"Could not route to …\". Use the account id (not a zone id or e-mail)."),
        );
    }

    let script = &r.script_name;
    if script.trim().is_empty() {
        out.error(
            "script-name-missing",
            "request.script_name",
            "The script name is empty. Give the Worker a name such as `my-worker`.",
        );
    } else if let Some(problem) =
        worker_name_problem(script).filter(|_| segment_problem(script).is_none())
    {
        out.error(
            "script-name-invalid",
            "request.script_name",
            format!("The script name `{script}` {problem}."),
        );
    }

    if r.target == Target::Dispatch {
        if r.dispatch_namespace.trim().is_empty() {
            out.error(
                "dispatch-namespace-missing",
                "request.dispatch_namespace",
                "A Workers for Platforms upload needs the dispatch namespace name. Enter it, or switch the target to an account Worker.",
            );
        }
        if r.operation == Operation::Version {
            out.error(
                "dispatch-version-unsupported",
                "request.operation",
                "Dispatch namespaces have no versions endpoint. Use \"Upload and deploy\" for a user Worker.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Operation, Target};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    #[test]
    fn account_id_missing_is_an_error() {
        let mut c = valid();
        c.request.account_id = " ".into();
        expect_one(
            &c,
            "account-id-missing",
            Error,
            "request.account_id",
            &["account id", "empty"],
        );
        expect_none(&c, "account-id-format");
    }

    #[test]
    fn account_id_that_is_no_id_hints_at_7003() {
        let mut c = valid();
        c.request.account_id = "me@example.com".into();
        expect_one(
            &c,
            "account-id-format",
            Warning,
            "request.account_id",
            &["e-mail", "7003"],
        );
        c.request.account_id = "0123456789ABCDEF0123456789ABCDEF".into();
        expect_one(
            &c,
            "account-id-format",
            Warning,
            "request.account_id",
            &["32-character", "7003"],
        );
    }

    #[test]
    fn an_account_id_placeholder_asks_to_be_replaced() {
        let mut c = valid();
        for placeholder in [
            "<your-account-id>",
            "<account-id>",
            "00000000000000000000000000000000",
        ] {
            c.request.account_id = placeholder.into();
            expect_one(
                &c,
                "account-id-placeholder",
                Error,
                "request.account_id",
                &["Replace the placeholder", placeholder],
            );
            expect_none(&c, "account-id-format");
        }
    }

    #[test]
    fn script_name_missing_or_invalid() {
        let mut c = valid();
        c.request.script_name = String::new();
        expect_one(
            &c,
            "script-name-missing",
            Error,
            "request.script_name",
            &["script name", "empty"],
        );
        c.request.script_name = "My_Worker".into();
        expect_one(
            &c,
            "script-name-invalid",
            Error,
            "request.script_name",
            &["`My_Worker`", "`M`", "lowercase"],
        );
        c.request.script_name = "w".repeat(64);
        expect_one(
            &c,
            "script-name-invalid",
            Error,
            "request.script_name",
            &["63"],
        );
        c.request.script_name = "w".repeat(63);
        expect_none(&c, "script-name-invalid");
    }

    #[test]
    fn dispatch_target_needs_namespace_and_no_versions() {
        let mut c = valid();
        c.request.target = Target::Dispatch;
        expect_one(
            &c,
            "dispatch-namespace-missing",
            Error,
            "request.dispatch_namespace",
            &["dispatch namespace"],
        );
        c.request.dispatch_namespace = "prod".into();
        expect_none(&c, "dispatch-namespace-missing");
        c.request.operation = Operation::Version;
        expect_one(
            &c,
            "dispatch-version-unsupported",
            Error,
            "request.operation",
            &["versions"],
        );
    }

    #[test]
    fn a_value_that_moves_the_endpoint_is_an_error_in_every_field() {
        for field in ["account_id", "script_name", "dispatch_namespace"] {
            for value in [".", "..", "a/b", "/"] {
                let mut c = valid();
                c.request.target = Target::Dispatch;
                c.request.dispatch_namespace = "prod".into();
                match field {
                    "account_id" => c.request.account_id = value.into(),
                    "script_name" => c.request.script_name = value.into(),
                    _ => c.request.dispatch_namespace = value.into(),
                }
                let at = format!("request.{field}");
                expect_one(
                    &c,
                    "endpoint-segment-unsafe",
                    Error,
                    &at,
                    &[value, "endpoint"],
                );
                // One error for the field, not a second one about its characters.
                let about_field: Vec<_> = crate::rules::check(&c)
                    .into_iter()
                    .filter(|f| f.at == at.as_str())
                    .collect();
                assert_eq!(about_field.len(), 1, "{about_field:#?}");
            }
        }
        let mut c = valid();
        c.request.dispatch_namespace = "..".into();
        expect_none(&c, "endpoint-segment-unsafe");
        c.request.account_id = "...".into();
        expect_none(&c, "endpoint-segment-unsafe");
    }
}
