//! The wall clock in the two shapes Bindery prints: `YYYY-MM-DD` (today, for the
//! "compatibility date in the future" check) and RFC 3339 timestamps (sandbox answers).
//! Both UTC, without a date-time crate: one conversion from days since the epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Today in UTC as `YYYY-MM-DD`.
pub fn today_utc() -> String {
    let (year, month, day) = civil_from_days((since_epoch().as_secs() / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Now as RFC 3339 UTC with microseconds (`2026-11-22T14:31:37.123456Z`).
pub fn now_rfc3339() -> String {
    let since = since_epoch();
    format_timestamp(since.as_secs(), since.subsec_micros())
}

pub fn format_timestamp(seconds: u64, micros: u32) -> String {
    let (year, month, day) = civil_from_days((seconds / 86_400) as i64);
    let rest = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_875), (2024, 6, 1));
        assert_eq!(civil_from_days(20_414), (2025, 11, 22));
    }

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            format_timestamp(951_782_400, 5),
            "2000-02-29T00:00:00.000005Z"
        );
        assert_eq!(
            format_timestamp(1_795_361_497, 0),
            "2026-11-22T15:31:37.000000Z"
        );
        assert!(now_rfc3339().ends_with('Z'));
        assert_eq!(today_utc().len(), 10);
    }
}
