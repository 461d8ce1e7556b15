//! The `start_time` of a schedule trigger: a local date and time without a zone (the zone is a separate
//! key), `yyyy-MM-dd`, optionally followed by `THH:mm` or `THH:mm:ss` (a space may stand for `T`).

/// Whether `text` is a start time the service accepts.
pub fn is_start_time(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let date = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10);
    if !date {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    matches!(b.get(10), Some(b'T' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && (b.len() == 16 || (b.get(16) == Some(&b':') && digits(17..19) && b.len() == 19))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times() {
        let cases: &[(&str, bool)] = &[
            ("2026-01-31", true),
            ("2026-01-31T18:00", true),
            ("2026-01-31T18:00:05", true),
            ("2026-01-31 18:00:05", true),
            ("2026-01-31T18:00:05Z", false),
            ("2026-01-31T18:00:05+01:00", false),
            ("2026-1-31", false),
            ("31-01-2026", false),
            ("2026-01-31T18", false),
            ("", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_start_time(text), *want, "{text:?}");
        }
    }
}
