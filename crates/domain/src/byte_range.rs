//! HTTP byte ranges (RFC 9110 §14): one `Range: bytes=...` header, parsed and resolved
//! against the length of the representation.
//!
//! What is served:
//! - `bytes=a-b`, `bytes=a-` (open-ended) and `bytes=-n` (the last `n` bytes), with the
//!   unit name in any case and optional white space around the numbers;
//! - a range that starts at or past the end, or a suffix of length 0, is unsatisfiable
//!   (416 with `Content-Range: bytes */<total>`); a last position past the end is clamped;
//! - anything else (another unit, a malformed spec, `b < a`, several ranges) is ignored:
//!   the whole representation is sent with 200, which RFC 9110 §14.2 allows a server to do.
//!   Several ranges would need a `multipart/byteranges` body, which no video player asks for.

/// A single byte range as the client asked for it, before the length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// `bytes=first-last` (inclusive, zero-based).
    FromTo {
        /// First byte position.
        first: u64,
        /// Last byte position (inclusive); may lie past the end.
        last: u64,
    },
    /// `bytes=first-`: from `first` to the end.
    From {
        /// First byte position.
        first: u64,
    },
    /// `bytes=-len`: the last `len` bytes.
    Suffix {
        /// How many bytes from the end.
        len: u64,
    },
}

/// The outcome of a range against a representation of known length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// Send these bytes with 206 Partial Content.
    Partial(ByteSpan),
    /// Send everything with 200 (a suffix range on an empty representation).
    Whole,
    /// 416 Range Not Satisfiable.
    Unsatisfiable,
}

/// Inclusive, zero-based byte positions within a representation; never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSpan {
    /// First byte position.
    pub first: u64,
    /// Last byte position (inclusive).
    pub last: u64,
}

impl ByteSpan {
    /// The number of bytes in the span.
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// Always false: a span holds at least one byte.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `Content-Range` value of a 206: `bytes first-last/total`.
    pub fn content_range(&self, total: u64) -> String {
        format!("bytes {}-{}/{total}", self.first, self.last)
    }
}

/// The `Content-Range` value of a 416: `bytes */total`.
pub fn unsatisfied_content_range(total: u64) -> String {
    format!("bytes */{total}")
}

/// Which bytes to read from storage for a request, before the length is known, in the
/// form of SQL's `substring(data FROM offset + 1 FOR length)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchWindow {
    /// Zero-based first byte; `None` for a suffix: start `length` bytes before the end
    /// (at 0 when the data is shorter).
    pub offset: Option<i32>,
    /// How many bytes at most; reading stops at the end of the data.
    pub length: i32,
}

impl FetchWindow {
    /// Every byte.
    pub const WHOLE: FetchWindow = FetchWindow {
        offset: Some(0),
        length: i32::MAX,
    };
}

impl RangeRequest {
    /// Parses a `Range` header value. `None` when it is not one well-formed byte range;
    /// the caller then ignores the header and sends the whole representation.
    pub fn parse(header: &str) -> Option<RangeRequest> {
        let (unit, spec) = header.trim().split_once('=')?;
        if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
            return None;
        }
        let (first, last) = spec.split_once('-')?;
        let (first, last) = (first.trim(), last.trim());
        match (first.is_empty(), last.is_empty()) {
            (true, true) => None,
            (true, false) => Some(RangeRequest::Suffix {
                len: position(last)?,
            }),
            (false, true) => Some(RangeRequest::From {
                first: position(first)?,
            }),
            (false, false) => {
                let (first, last) = (position(first)?, position(last)?);
                (first <= last).then_some(RangeRequest::FromTo { first, last })
            }
        }
    }

    /// Resolves the range against a representation of `total` bytes.
    pub fn resolve(&self, total: u64) -> Resolved {
        let end = |last: u64| last.min(total.saturating_sub(1));
        match *self {
            RangeRequest::FromTo { first, last } if first < total => Resolved::Partial(ByteSpan {
                first,
                last: end(last),
            }),
            RangeRequest::From { first } if first < total => Resolved::Partial(ByteSpan {
                first,
                last: total - 1,
            }),
            RangeRequest::Suffix { len } if len > 0 && total == 0 => Resolved::Whole,
            RangeRequest::Suffix { len } if len > 0 => Resolved::Partial(ByteSpan {
                first: total - len.min(total),
                last: total - 1,
            }),
            _ => Resolved::Unsatisfiable,
        }
    }

    /// The bytes to read for this range without knowing the length first, so that the
    /// read and the length can come from one statement. Positions beyond what an SQL
    /// `integer` holds are clamped (stored values are far smaller: `bytea` stops at 1 GB).
    pub fn fetch_window(&self) -> FetchWindow {
        // `offset + 1` must still fit an integer in SQL.
        let offset = |at: u64| i32::try_from(at).unwrap_or(i32::MAX - 1).min(i32::MAX - 1);
        let length = |len: u64| i32::try_from(len).unwrap_or(i32::MAX);
        match *self {
            RangeRequest::FromTo { first, last } => FetchWindow {
                offset: Some(offset(first)),
                length: length(last.saturating_sub(first).saturating_add(1)),
            },
            RangeRequest::From { first } => FetchWindow {
                offset: Some(offset(first)),
                length: i32::MAX,
            },
            RangeRequest::Suffix { len } => FetchWindow {
                offset: None,
                length: length(len),
            },
        }
    }
}

/// A byte position: ASCII digits only; a value past `u64` saturates (it is past any end).
fn position(digits: &str) -> Option<u64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(first: u64, last: u64) -> Resolved {
        Resolved::Partial(ByteSpan { first, last })
    }

    #[test]
    fn single_ranges_parse_in_their_three_forms() {
        let cases = [
            ("bytes=0-99", RangeRequest::FromTo { first: 0, last: 99 }),
            (
                "bytes=100-100",
                RangeRequest::FromTo {
                    first: 100,
                    last: 100,
                },
            ),
            ("bytes=500-", RangeRequest::From { first: 500 }),
            ("bytes=-250", RangeRequest::Suffix { len: 250 }),
            ("BYTES=0-1", RangeRequest::FromTo { first: 0, last: 1 }),
            (
                " bytes = 5 - 9 ",
                RangeRequest::FromTo { first: 5, last: 9 },
            ),
            ("bytes=-0", RangeRequest::Suffix { len: 0 }),
            (
                "bytes=0-99999999999999999999999",
                RangeRequest::FromTo {
                    first: 0,
                    last: u64::MAX,
                },
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(RangeRequest::parse(header), Some(expected), "{header:?}");
        }
    }

    #[test]
    fn malformed_other_unit_and_multiple_ranges_are_ignored() {
        let cases = [
            "",
            "bytes",
            "bytes=",
            "bytes=-",
            "bytes=abc",
            "bytes=1-a",
            "bytes=a-1",
            "bytes=10-5",
            "bytes=+1-2",
            "bytes=1.5-2",
            "bytes=0x10-20",
            "bytes=0-1,5-9",
            "bytes=0-1,",
            "items=0-1",
            "0-1",
            "bytes=1-2-3",
        ];
        for header in cases {
            assert_eq!(RangeRequest::parse(header), None, "{header:?}");
        }
    }

    #[test]
    fn ranges_resolve_against_the_length() {
        let total = 1000;
        let cases = [
            ("bytes=0-99", span(0, 99), "first bytes"),
            ("bytes=200-299", span(200, 299), "middle"),
            ("bytes=900-", span(900, 999), "open-ended"),
            ("bytes=0-", span(0, 999), "open-ended from the start"),
            ("bytes=-100", span(900, 999), "suffix"),
            ("bytes=-5000", span(0, 999), "suffix longer than the data"),
            ("bytes=990-5000", span(990, 999), "last position clamped"),
            ("bytes=999-999", span(999, 999), "last byte"),
            (
                "bytes=1000-1001",
                Resolved::Unsatisfiable,
                "starts at the end",
            ),
            ("bytes=1000-", Resolved::Unsatisfiable, "open past the end"),
            ("bytes=-0", Resolved::Unsatisfiable, "empty suffix"),
        ];
        for (header, expected, description) in cases {
            let range = RangeRequest::parse(header).unwrap();
            assert_eq!(range.resolve(total), expected, "{description}: {header}");
        }
    }

    #[test]
    fn an_empty_representation_satisfies_only_suffixes_and_those_send_everything() {
        let resolve = |h: &str| RangeRequest::parse(h).unwrap().resolve(0);
        assert_eq!(resolve("bytes=0-0"), Resolved::Unsatisfiable);
        assert_eq!(resolve("bytes=0-"), Resolved::Unsatisfiable);
        assert_eq!(resolve("bytes=-10"), Resolved::Whole);
    }

    #[test]
    fn content_ranges_follow_rfc_9110() {
        let span = ByteSpan {
            first: 200,
            last: 299,
        };
        assert_eq!(span.len(), 100);
        assert_eq!(span.content_range(1000), "bytes 200-299/1000");
        assert_eq!(unsatisfied_content_range(1000), "bytes */1000");
    }

    #[test]
    fn fetch_windows_read_the_same_bytes_the_range_resolves_to() {
        // What SQL's substring(data FROM offset + 1 FOR length) returns, with the
        // suffix's offset computed as greatest(total - length, 0).
        fn read(window: FetchWindow, total: u64) -> (u64, u64) {
            let start = match window.offset {
                Some(offset) => offset as u64,
                None => total.saturating_sub(window.length as u64),
            };
            let end = start.saturating_add(window.length as u64).min(total);
            (start, end.saturating_sub(start))
        }
        let total = 1000;
        for header in [
            "bytes=0-99",
            "bytes=200-299",
            "bytes=900-",
            "bytes=-100",
            "bytes=-5000",
            "bytes=990-5000",
            "bytes=0-99999999999999999999",
            "bytes=99999999999999999999-",
            "bytes=1000-",
        ] {
            let range = RangeRequest::parse(header).unwrap();
            let (start, len) = read(range.fetch_window(), total);
            match range.resolve(total) {
                Resolved::Partial(span) => {
                    assert_eq!((start, len), (span.first, span.len()), "{header}")
                }
                _ => assert_eq!(len, 0, "{header}: nothing is read"),
            }
        }
        assert_eq!(read(FetchWindow::WHOLE, total), (0, total));
    }

    #[test]
    fn huge_positions_are_clamped_so_sql_integers_cannot_overflow() {
        let window = RangeRequest::From { first: u64::MAX }.fetch_window();
        assert_eq!(window.offset, Some(i32::MAX - 1));
        let window = RangeRequest::FromTo {
            first: 0,
            last: u64::MAX,
        }
        .fetch_window();
        assert_eq!(window.length, i32::MAX);
    }
}
