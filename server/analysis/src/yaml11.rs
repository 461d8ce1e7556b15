//! Resolves plain YAML scalars the way PyYAML's `SafeLoader` does (YAML 1.1), because the
//! Azure ML CLI loads specs with PyYAML: `yes` is a boolean, `017` is octal, `1_000` is an int
//! and `0o17` is a string. Also says where a YAML 1.2 reader would see something else.

/// What a plain scalar means to PyYAML.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    /// A date or date-time (`2024-05-01`, `2024-05-01T19:00:00`): PyYAML builds a `datetime`.
    Timestamp,
    Str,
    /// A scalar PyYAML matches but cannot construct (`=`, `0b_`); loading the file fails.
    Invalid(&'static str),
}

impl Resolved {
    /// The Python type name, for messages ("PyYAML reads this as bool").
    pub fn python_type(&self) -> &'static str {
        match self {
            Resolved::Null => "None",
            Resolved::Bool(_) => "bool",
            Resolved::Int(_) => "int",
            Resolved::Float(_) => "float",
            Resolved::Timestamp => "datetime",
            Resolved::Str | Resolved::Invalid(_) => "str",
        }
    }
}

/// Resolves a plain (unquoted, untagged) scalar.
pub fn resolve_plain(s: &str) -> Resolved {
    let Some(first) = s.chars().next() else {
        return Resolved::Null;
    };
    match first {
        '~' | 'n' | 'N' if matches!(s, "~" | "null" | "Null" | "NULL") => return Resolved::Null,
        _ => {}
    }
    if let Some(b) = bool_11(s) {
        return Resolved::Bool(b);
    }
    if "-+0123456789".contains(first) {
        if let Some(r) = int_11(s) {
            return r;
        }
    }
    if "-+0123456789.".contains(first) {
        if let Some(r) = float_11(s) {
            return r;
        }
    }
    if first.is_ascii_digit() && is_timestamp(s) {
        return Resolved::Timestamp;
    }
    if s == "=" {
        return Resolved::Invalid("PyYAML reads a lone `=` as a 'value' tag it cannot load; quote it");
    }
    Resolved::Str
}

fn bool_11(s: &str) -> Option<bool> {
    match s {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// PyYAML's int regex: `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) |
/// [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`.
fn int_11(s: &str) -> Option<Resolved> {
    let (neg, body) = split_sign(s);
    let b = body.as_bytes();
    if b.is_empty() {
        return None;
    }
    let digits = |rest: &str, radix: u32| -> Option<Resolved> {
        let clean: String = rest.chars().filter(|&c| c != '_').collect();
        if clean.is_empty() {
            return Some(Resolved::Invalid("PyYAML matches this as a number but cannot convert it; quote it"));
        }
        let v = i128::from_str_radix(&clean, radix).ok()?;
        Some(Resolved::Int(if neg { -v } else { v }))
    };
    if let Some(rest) = body.strip_prefix("0b") {
        if !rest.is_empty() && rest.bytes().all(|c| c == b'0' || c == b'1' || c == b'_') {
            return digits(rest, 2).or(Some(too_big(neg)));
        }
        return None;
    }
    if let Some(rest) = body.strip_prefix("0x") {
        if !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_') {
            return digits(rest, 16).or(Some(too_big(neg)));
        }
        return None;
    }
    if body == "0" {
        return Some(Resolved::Int(0));
    }
    if b[0] == b'0' {
        if b.len() > 1 && b[1..].iter().all(|&c| (b'0'..=b'7').contains(&c) || c == b'_') {
            let clean: String = body.chars().filter(|&c| c != '_').collect();
            if clean == "0" {
                return Some(Resolved::Int(0));
            }
            return digits(&body[1..], 8).or(Some(too_big(neg)));
        }
        return None;
    }
    if !(b'1'..=b'9').contains(&b[0]) {
        return None;
    }
    if b.iter().all(|&c| c.is_ascii_digit() || c == b'_') {
        return digits(body, 10).or(Some(too_big(neg)));
    }
    // Sexagesimal: 1:30:00 == 5400.
    if body.contains(':') {
        let mut parts = body.split(':');
        let head = parts.next()?;
        if head.is_empty() || !head.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
            return None;
        }
        let mut value: i128 = head.chars().filter(|&c| c != '_').collect::<String>().parse().ok()?;
        let mut any = false;
        for part in parts {
            if !is_sexagesimal_digit(part) {
                return None;
            }
            value = value.checked_mul(60)?.checked_add(part.parse::<i128>().ok()?)?;
            any = true;
        }
        if any {
            return Some(Resolved::Int(if neg { -value } else { value }));
        }
    }
    None
}

/// An integer beyond 128 bits: PyYAML still reads an int (Python's are unbounded), so it stays an int, pinned to
/// the nearest end of the range with its sign, never a float called `inf`.
fn too_big(neg: bool) -> Resolved {
    Resolved::Int(if neg { i128::MIN } else { i128::MAX })
}

/// `[0-5]?[0-9]`
fn is_sexagesimal_digit(p: &str) -> bool {
    let b = p.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_digit(),
        2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
        _ => false,
    }
}

/// PyYAML's float regex: `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? |
/// \.[0-9_]+(?:[eE][-+][0-9]+)? | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* |
/// [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`.
fn float_11(s: &str) -> Option<Resolved> {
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(Resolved::Float(f64::NAN));
    }
    let (neg, body) = split_sign(s);
    let sign = if neg { -1.0 } else { 1.0 };
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(Resolved::Float(sign * f64::INFINITY));
    }
    let has_sign = body.len() != s.len();
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(exp) = exponent {
        let eb = exp.as_bytes();
        if eb.len() < 2 || !(eb[0] == b'+' || eb[0] == b'-') || !eb[1..].iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    let dot = mantissa.find('.')?;
    let (int_part, frac) = (&mantissa[..dot], &mantissa[dot + 1..]);
    let frac_ok = frac.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    if !frac_ok {
        return None;
    }
    if int_part.is_empty() {
        // `\.[0-9_]+`, no sign allowed.
        if has_sign || frac.is_empty() {
            return None;
        }
    } else if int_part.contains(':') {
        if exponent.is_some() {
            return None;
        }
        let mut parts = int_part.split(':');
        let head = parts.next()?;
        if head.is_empty()
            || !head.as_bytes()[0].is_ascii_digit()
            || !head.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        {
            return None;
        }
        let mut value: f64 = head.chars().filter(|&c| c != '_').collect::<String>().parse().ok()?;
        for part in parts {
            if !is_sexagesimal_digit(part) {
                return None;
            }
            value = value * 60.0 + part.parse::<f64>().ok()?;
        }
        let frac_clean: String = frac.chars().filter(|&c| c != '_').collect();
        let frac_value: f64 = if frac_clean.is_empty() { 0.0 } else { format!("0.{frac_clean}").parse().ok()? };
        return Some(Resolved::Float(sign * (value + frac_value)));
    } else if !int_part.as_bytes()[0].is_ascii_digit() || !int_part.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    if clean == "." || clean.starts_with(".e") || clean.starts_with(".E") {
        return Some(Resolved::Invalid("PyYAML matches this as a float but cannot convert it; quote it"));
    }
    match clean.parse::<f64>() {
        Ok(v) => Some(Resolved::Float(sign * v)),
        Err(_) => Some(Resolved::Invalid("PyYAML matches this as a float but cannot convert it; quote it")),
    }
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    if !(digits(0..4) && b.get(4) == Some(&b'-')) {
        return false;
    }
    if b.len() == 10 && digits(5..7) && b[7] == b'-' && digits(8..10) {
        return true;
    }
    // yyyy-m?m-d?d(T|t|[ \t]+)h?h:mm:ss(.f*)?(zone)?
    let mut i = 5;
    let take_digits = |i: &mut usize, min: usize, max: usize| -> bool {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        *i - start >= min
    };
    if !take_digits(&mut i, 1, 2) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !take_digits(&mut i, 1, 2) {
        return false;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while matches!(b.get(i), Some(b' ' | b'\t')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if !take_digits(&mut i, 1, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !take_digits(&mut i, 2, 2) || b.get(i) != Some(&b':') {
        return false;
    }
    i += 1;
    if !take_digits(&mut i, 2, 2) {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i += 1;
            if !take_digits(&mut i, 1, 2) {
                return false;
            }
            if b.get(i) == Some(&b':') {
                i += 1;
                if !take_digits(&mut i, 2, 2) {
                    return false;
                }
            }
            i == b.len()
        }
        _ => false,
    }
}

/// What a YAML 1.2 (core schema) reader would make of the same plain scalar, when it differs
/// from PyYAML. `None` when both agree.
pub fn yaml12_disagreement(s: &str, resolved: &Resolved) -> Option<String> {
    let core = core_12(s);
    let same = match (resolved, &core) {
        (Resolved::Null, Core::Null) => true,
        (Resolved::Bool(a), Core::Bool(b)) => a == b,
        (Resolved::Int(a), Core::Int(b)) => a == b,
        (Resolved::Float(a), Core::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
        (Resolved::Str | Resolved::Timestamp | Resolved::Invalid(_), Core::Str) => true,
        _ => false,
    };
    if same {
        return None;
    }
    let ours = match resolved {
        Resolved::Null => "null".to_string(),
        Resolved::Bool(b) => format!("the boolean {}", if *b { "true" } else { "false" }),
        Resolved::Int(i) => format!("the integer {i}"),
        Resolved::Float(f) => format!("the number {f}"),
        Resolved::Timestamp => "a date".to_string(),
        Resolved::Str | Resolved::Invalid(_) => format!("the string \"{s}\""),
    };
    let theirs = match core {
        Core::Null => "null".to_string(),
        Core::Bool(b) => format!("the boolean {b}"),
        Core::Int(i) => format!("the integer {i}"),
        Core::Float(f) => format!("the number {f}"),
        Core::Str => format!("the string \"{s}\""),
    };
    Some(format!(
        "`{s}` is {ours} to the Azure ML CLI (PyYAML, YAML 1.1) but {theirs} to YAML 1.2 tools; quote it or write it unambiguously"
    ))
}

enum Core {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str,
}

/// The YAML 1.2 core schema's resolution of a plain scalar.
fn core_12(s: &str) -> Core {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Core::Null,
        "true" | "True" | "TRUE" => return Core::Bool(true),
        "false" | "False" | "FALSE" => return Core::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Core::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Core::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Core::Float(f64::NAN),
        _ => {}
    }
    if let Some(o) = s.strip_prefix("0o") {
        if !o.is_empty() && o.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
            return i128::from_str_radix(o, 8).map(Core::Int).unwrap_or(Core::Str);
        }
    }
    if let Some(x) = s.strip_prefix("0x") {
        if !x.is_empty() && x.bytes().all(|c| c.is_ascii_hexdigit()) {
            return i128::from_str_radix(x, 16).map(Core::Int).unwrap_or(Core::Str);
        }
    }
    let (_, body) = split_sign(s);
    if !body.is_empty() && body.bytes().all(|c| c.is_ascii_digit()) {
        return s.parse::<i128>().map(Core::Int).unwrap_or(Core::Str);
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mant_ok = match mant.find('.') {
        Some(d) => {
            let (a, b) = (&mant[..d], &mant[d + 1..]);
            a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
                && (!a.is_empty() || !b.is_empty())
        }
        None => !mant.is_empty() && mant.bytes().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = exp.is_none_or(|e| {
        let (_, e) = split_sign(e);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    if mant_ok && exp_ok && !body.is_empty() {
        if let Ok(f) = s.parse::<f64>() {
            return Core::Float(f);
        }
    }
    Core::Str
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyyaml_resolution_table() {
        let cases: &[(&str, Resolved)] = &[
            ("", Resolved::Null),
            ("~", Resolved::Null),
            ("null", Resolved::Null),
            ("yes", Resolved::Bool(true)),
            ("Off", Resolved::Bool(false)),
            ("y", Resolved::Str),
            ("n", Resolved::Str),
            ("017", Resolved::Int(15)),
            ("0o17", Resolved::Str),
            ("0x1F", Resolved::Int(31)),
            ("0b101", Resolved::Int(5)),
            ("1_000", Resolved::Int(1000)),
            ("-42", Resolved::Int(-42)),
            ("1:30", Resolved::Int(90)),
            ("09", Resolved::Str),
            (".5", Resolved::Float(0.5)),
            ("1.", Resolved::Float(1.0)),
            ("1e3", Resolved::Str),
            ("1.0e+3", Resolved::Float(1000.0)),
            ("-.5", Resolved::Str),
            ("2.0", Resolved::Float(2.0)),
            ("-.inf", Resolved::Float(f64::NEG_INFINITY)),
            ("-99999999999999999999999999999999999999999999999999", Resolved::Int(i128::MIN)),
            ("0x_ffffffffffffffffffffffffffffffffffffffff", Resolved::Int(i128::MAX)),
            ("2024-05-01", Resolved::Timestamp),
            ("2024-05-01T19:00:00", Resolved::Timestamp),
            ("2024-5-1 9:00:00 +01:00", Resolved::Timestamp),
            ("0 18 * * *", Resolved::Str),
            ("Standard_DS3_v2", Resolved::Str),
        ];
        for (text, want) in cases {
            assert_eq!(&resolve_plain(text), want, "{text:?}");
        }
        assert!(matches!(resolve_plain(".nan"), Resolved::Float(f) if f.is_nan()));
        assert!(matches!(resolve_plain("="), Resolved::Invalid(_)));
    }

    #[test]
    fn yaml12_disagreements() {
        for s in ["yes", "off", "017", "0o17", "1_000", "1:30", "2024-05-01"] {
            let r = resolve_plain(s);
            if s == "2024-05-01" {
                assert!(yaml12_disagreement(s, &r).is_none());
            } else {
                assert!(yaml12_disagreement(s, &r).is_some(), "{s}");
            }
        }
        for s in ["true", "42", "0.5", "abc", "0x1F", "null"] {
            assert!(yaml12_disagreement(s, &resolve_plain(s)).is_none(), "{s}");
        }
    }
}
