//! Five-field cron expressions, as the instance start/stop schedules take them (the service reads them
//! with NCronTab: minute hour day-of-month month day-of-week).

/// Why a cron expression is invalid, or `None` when it is fine.
pub fn problem(expr: &str) -> Option<String> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!(
            "has {} field{}; NCronTab needs 5: minute hour day-of-month month day-of-week (e.g. `0 18 * * *`)",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    }
    const MONTHS: &[&str] = &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    const DAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let specs: [(&str, u32, u32, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day of month", 1, 31, &[]),
        ("month", 1, 12, MONTHS),
        ("day of week", 0, 7, DAYS),
    ];
    for (field, (what, lo, hi, names)) in fields.iter().zip(specs) {
        if !field_ok(field, lo, hi, names) {
            return Some(format!(
                "its {what} field `{field}` is not valid (allowed {lo}–{hi}, `*`, lists, ranges and steps)"
            ));
        }
    }
    None
}

/// Checks one field against its range; accepts `*`, `?`, lists, ranges, steps and names.
fn field_ok(field: &str, lo: u32, hi: u32, names: &[&str]) -> bool {
    let value = |s: &str| -> Option<u32> {
        if let Ok(n) = s.parse::<u32>() {
            return (lo..=hi).contains(&n).then_some(n);
        }
        names.iter().position(|n| n.eq_ignore_ascii_case(s)).map(|i| i as u32 + lo)
    };
    field.split(',').all(|part| {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if step.is_some_and(|step| step.parse::<u32>().map_or(true, |s| s == 0)) {
            return false;
        }
        if range == "*" || range == "?" {
            return true;
        }
        match range.split_once('-') {
            Some((a, b)) => matches!((value(a), value(b)), (Some(x), Some(y)) if x <= y),
            None => value(range).is_some(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_expressions() {
        let cases: &[(&str, bool)] = &[
            ("0 18 * * *", true),
            ("*/15 8-18 * JAN-MAR MON-FRI", true),
            ("0 18 * * 1-5", true),
            ("0,30 * ? * SUN", true),
            ("61 25 * * *", false),
            ("0 18 * *", false),
            ("0 18 * * * *", false),
            ("*/0 * * * *", false),
            ("0 18 5-1 * *", false),
            ("0 18 * FOO *", false),
            ("", false),
        ];
        for (expr, ok) in cases {
            assert_eq!(problem(expr).is_none(), *ok, "{expr:?}: {:?}", problem(expr));
        }
        assert!(problem("0 18 * *").is_some_and(|p| p.starts_with("has 4 fields")));
        assert!(problem("0 99 * * *").is_some_and(|p| p.contains("hour field `99`")));
    }
}
