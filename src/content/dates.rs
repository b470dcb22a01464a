//! Dates as front matter writes them: RFC 3339, with or without an offset, or a bare day; a date
//! without an offset is local time in the site's time zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

/// A date as written: the instant, and the UTC offset it was written in (or the site time
/// zone's at that instant, for a date written without one). Shown in that offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenDate {
    pub at: DateTime<Utc>,
    /// Seconds east of UTC; `None` for a floating date on a site without a time zone.
    pub offset: Option<i32>,
}

impl WrittenDate {
    fn fixed(date: DateTime<FixedOffset>) -> WrittenDate {
        WrittenDate {
            at: date.with_timezone(&Utc),
            offset: Some(date.offset().local_minus_utc()),
        }
    }

    /// A date without an offset: local time in `tz`, or UTC without one.
    pub fn floating(local: NaiveDateTime, tz: Option<Tz>) -> WrittenDate {
        let Some(tz) = tz else {
            return WrittenDate {
                at: Utc.from_utc_datetime(&local),
                offset: None,
            };
        };
        // In a spring-forward gap the local time does not exist; the hour after it does.
        let zoned = tz.from_local_datetime(&local).earliest().or_else(|| {
            tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        });
        match zoned {
            Some(zoned) => WrittenDate {
                at: zoned.with_timezone(&Utc),
                offset: Some(zoned.offset().fix().local_minus_utc()),
            },
            None => WrittenDate {
                at: Utc.from_utc_datetime(&local),
                offset: None,
            },
        }
    }

    /// The date in the offset it was written in, e.g. for writing it back to a file.
    pub fn written(&self) -> DateTime<FixedOffset> {
        let offset = self
            .offset
            .and_then(FixedOffset::east_opt)
            .unwrap_or(FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()));
        self.at.with_timezone(&offset)
    }
}

pub fn parse_date(value: &Value, tz: Option<Tz>) -> Result<WrittenDate, String> {
    let Value::String(text) = value else {
        return Err(format!(
            "must be a date like 2024-05-01 or 2024-05-01T09:30:00Z, not {}",
            super::compile::kind_of(value)
        ));
    };
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Ok(WrittenDate::fixed(d));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(text, format) {
            return Ok(WrittenDate::fixed(d));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(WrittenDate::floating(d, tz));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(WrittenDate::floating(
            d.and_time(chrono::NaiveTime::MIN),
            tz,
        ));
    }
    Err(format!(
        "{text:?} is not a valid date: use YYYY-MM-DD (2024-05-01) or RFC 3339 (2024-05-01T09:30:00Z)"
    ))
}
