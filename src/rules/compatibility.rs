//! `compatibility_date` and `compatibility_flags`.

use std::collections::HashSet;

use super::{sends, Findings};
use crate::model::{Composition, Operation};

/// What the platform uses when an API upload sends no date (reference (b)).
const FALLBACK_DATE: &str = "2021-11-02";

pub(super) fn check(c: &Composition, today: Option<&str>, out: &mut Findings) {
    let sends_date = matches!(c.request.operation, Operation::Upload | Operation::Version);
    match c.metadata.compatibility_date.as_deref() {
        None if sends_date => out.warning(
            "compatibility-date-missing",
            "metadata.compatibility_date",
            format!("No compatibility date: the API then falls back to {FALLBACK_DATE} and very old runtime behaviour. Set it to the date you last tested the Worker (e.g. today)."),
        ),
        None => {}
        Some(_) if !sends(c, "compatibility_date") => {}
        Some(date) => match parse_date(date) {
            None => out.error(
                "compatibility-date-invalid",
                "metadata.compatibility_date",
                format!("The compatibility date `{date}` is not a real date in the form YYYY-MM-DD (e.g. 2024-06-01). Correct it."),
            ),
            Some(parsed) => {
                if let Some(today) = today.and_then(parse_date) {
                    if parsed > today {
                        out.warning(
                            "compatibility-date-future",
                            "metadata.compatibility_date",
                            format!("The compatibility date `{date}` is in the future; the runtime may not support it yet and can refuse the upload. Use today's date or earlier."),
                        );
                    }
                }
            }
        },
    }
    if sends(c, "compatibility_flags") {
        check_flags(&c.metadata.compatibility_flags, out);
    }
}

fn check_flags(flags: &[String], out: &mut Findings) {
    let at = "metadata.compatibility_flags";
    let mut seen: HashSet<&str> = HashSet::with_capacity(flags.len());
    for flag in flags {
        let flag = flag.as_str();
        if flag.trim().is_empty() || flag.chars().any(char::is_whitespace) {
            out.error("compatibility-flag-invalid", at, format!("The compatibility flag `{flag}` is empty or contains spaces. Write one flag per entry, e.g. `nodejs_compat`."));
            continue;
        }
        if !seen.insert(flag) {
            out.warning(
                "compatibility-flag-duplicate",
                at,
                format!("The compatibility flag `{flag}` is listed twice. Remove the duplicate."),
            );
        }
    }
    for flag in flags {
        if let Some(enabled) = flag.strip_prefix("no_") {
            if seen.contains(enabled) {
                out.warning(
                    "compatibility-flags-conflict",
                    at,
                    format!("`{enabled}` and `{flag}` turn the same behaviour on and off; the runtime refuses conflicting flags. Keep one of them."),
                );
            }
        }
    }
}

/// `YYYY-MM-DD` as a comparable (year, month, day), if it is a real calendar date.
pub(super) fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = s.get(range)?;
        digits
            .bytes()
            .all(|d| d.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month)
        .contains(&day)
        .then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use crate::model::Operation;
    use crate::rules::testing::*;
    use crate::rules::{check_at, Level::*};

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        for bad in [
            "2023-02-29",
            "2024-02-30",
            "2024-13-01",
            "2024-00-10",
            "2024-6-01",
            "24-06-01",
            "2024/06/01",
            "2024-06-0x",
            "2024-06-+1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn missing_date_warns_about_the_fallback() {
        let mut c = valid();
        c.metadata.compatibility_date = None;
        expect_one(
            &c,
            "compatibility-date-missing",
            Warning,
            "metadata.compatibility_date",
            &["2021-11-02"],
        );
        c.request.operation = Operation::Settings;
        c.metadata.main_module = None;
        c.modules.clear();
        expect_none(&c, "compatibility-date-missing");
    }

    #[test]
    fn impossible_date_is_an_error() {
        let mut c = valid();
        c.metadata.compatibility_date = Some("2024-02-30".into());
        expect_one(
            &c,
            "compatibility-date-invalid",
            Error,
            "metadata.compatibility_date",
            &["`2024-02-30`", "YYYY-MM-DD"],
        );
    }

    #[test]
    fn future_date_is_a_warning_only_when_today_is_known() {
        let mut c = valid();
        c.metadata.compatibility_date = Some("2030-01-01".into());
        expect_none(&c, "compatibility-date-future");
        let found: Vec<_> = check_at(&c, Some("2026-11-22"))
            .into_iter()
            .filter(|f| f.rule == "compatibility-date-future")
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].level, Warning);
        assert_eq!(found[0].at, "metadata.compatibility_date");
        assert!(found[0].message.contains("future"));
        assert!(check_at(&c, Some("2030-01-01")).is_empty());
        assert!(check_at(&c, Some("not a date")).is_empty());
    }

    #[test]
    fn flags_are_single_words_without_duplicates_or_conflicts() {
        let mut c = valid();
        c.metadata.compatibility_flags =
            vec!["nodejs_compat".into(), "nodejs compat".into()].into();
        expect_one(
            &c,
            "compatibility-flag-invalid",
            Error,
            "metadata.compatibility_flags",
            &["`nodejs compat`", "spaces"],
        );
        c.metadata.compatibility_flags =
            vec!["nodejs_compat".into(), "nodejs_compat".into()].into();
        expect_one(
            &c,
            "compatibility-flag-duplicate",
            Warning,
            "metadata.compatibility_flags",
            &["`nodejs_compat`", "twice"],
        );
        c.metadata.compatibility_flags =
            vec!["nodejs_compat".into(), "no_nodejs_compat".into()].into();
        expect_one(
            &c,
            "compatibility-flags-conflict",
            Warning,
            "metadata.compatibility_flags",
            &["`nodejs_compat`", "`no_nodejs_compat`"],
        );
    }
}
