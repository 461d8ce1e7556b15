//! ISO-8601 durations (`PT30M`, `P1DT2H`, `PT1.5H`) as Azure ML reads them for idle shutdown and
//! scale-down: weeks and days before `T`, hours, minutes and seconds after it.

/// The length of an ISO-8601 duration in seconds, or `None` when the text is not one.
///
/// At least one component is required (`PT` and `P` alone are not durations), `T` appears at most once
/// and must be followed by a time component, and a decimal comma reads as a point. Years and months are
/// refused: their length depends on the calendar, and the service takes fixed lengths only.
pub fn seconds(text: &str) -> Option<f64> {
    let rest = text.trim().strip_prefix(['P', 'p'])?;
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total = 0.0;
    let mut components = 0;
    let mut add = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            match c {
                '0'..='9' | '.' => number.push(c),
                ',' => number.push('.'),
                unit => {
                    let (_, factor) = units.iter().find(|(u, _)| u.eq_ignore_ascii_case(&unit))?;
                    if number.is_empty() {
                        return None;
                    }
                    total += number.parse::<f64>().ok()? * factor;
                    components += 1;
                    number.clear();
                }
            }
        }
        number.is_empty().then_some(())
    };
    add(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    if let Some(time) = time {
        add(time, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    (components > 0 && total.is_finite()).then_some(total)
}

/// The length in whole seconds, for callers that count time in integers (the emulator's range checks).
/// `None` for a text that is not a duration or that does not fit.
pub fn whole_seconds(text: &str) -> Option<u64> {
    let s = seconds(text)?;
    (s <= u64::MAX as f64).then_some(s.floor() as u64)
}

/// `7260` → `2 hours 1 minute`: how hovers and messages say a duration.
pub fn human(seconds: f64) -> String {
    let total = seconds.round() as u64;
    if total == 0 {
        return "0 seconds".into();
    }
    let parts =
        [(total / 86400, "day"), (total % 86400 / 3600, "hour"), (total % 3600 / 60, "minute"), (total % 60, "second")];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_durations() {
        let cases: &[(&str, Option<f64>)] = &[
            ("PT30M", Some(1800.0)),
            ("pt30m", Some(1800.0)),
            (" PT45M ", Some(2700.0)),
            ("P1DT2H", Some(93_600.0)),
            ("P3D", Some(259_200.0)),
            ("P1W", Some(604_800.0)),
            ("PT90S", Some(90.0)),
            ("PT1H30M", Some(5400.0)),
            ("PT1.5H", Some(5400.0)),
            ("PT0,5H", Some(1800.0)),
            ("PT0M", Some(0.0)),
            ("PT", None),
            ("P", None),
            ("", None),
            ("30M", None),
            ("30 minutes", None),
            ("PTM", None),
            ("PT30", None),
            ("P1Y", None),
            ("P1M", None),
            ("PT1D", None),
            ("P1H", None),
            ("PT1HT2M", None),
            ("PT1..5H", None),
        ];
        for (text, want) in cases {
            assert_eq!(seconds(text), *want, "{text:?}");
        }
    }

    #[test]
    fn whole_seconds_and_words() {
        assert_eq!(whole_seconds("PT15M"), Some(900));
        assert_eq!(whole_seconds("PT1.5S"), Some(1));
        assert_eq!(whole_seconds("nope"), None);
        assert_eq!(human(7260.0), "2 hours 1 minute");
        assert_eq!(human(0.2), "0 seconds");
        assert_eq!(human(86_401.0), "1 day 1 second");
    }
}
