//! The wall clock, in UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// The current UTC time (from the host's wall clock).
pub fn now_utc() -> NaiveDateTime {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(seconds, since_epoch.subsec_nanos())
        .unwrap_or_default()
        .naive_utc()
}

/// Today's date in UTC.
pub fn today_utc() -> NaiveDate {
    now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_is_after_this_code_was_written() {
        assert!(today_utc() > NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    }
}
