//! Template placeholders left in a value: `<NAME>` anywhere, and in resource-id fields also the other
//! template syntaxes people copy ids from (`{name}`, `${{ x }}`, `$(x)`), which a real id never holds.

/// Start and length of the first `<NAME>` or unclosed `<NAME` placeholder.
pub(crate) fn find_angle(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-' || b[j] == b' ') {
                j += 1;
            }
            let word = &s[i + 1..j];
            let has_letter = word.bytes().any(|c| c.is_ascii_alphabetic());
            if has_letter && !word.starts_with(' ') {
                if b.get(j) == Some(&b'>') {
                    return Some((i, j + 1 - i));
                }
                // Unclosed: `<SUBSCRIPTION_ID/...`; only for upper-case identifiers.
                let trimmed = word.trim_end();
                if trimmed.len() >= 3
                    && trimmed.bytes().all(|c| c.is_ascii_uppercase() || c == b'_' || c.is_ascii_digit())
                {
                    return Some((i, 1 + trimmed.len()));
                }
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

/// Start and length of the first placeholder of any template syntax: `<NAME>`, `${{ x }}`, `$(x)`, `{name}`.
/// For resource ids, where braces and `$` never belong.
pub(crate) fn find_any(s: &str) -> Option<(usize, usize)> {
    let closed = |open: &str, close: &str| -> Option<(usize, usize)> {
        let at = s.find(open)?;
        let end = s[at + open.len()..].find(close).map_or(s.len(), |e| at + open.len() + e + close.len());
        Some((at, end - at))
    };
    [find_angle(s), closed("${{", "}}"), closed("$(", ")"), closed("{", "}")]
        .into_iter()
        .flatten()
        // The earliest; at one start the longest (`${{ x }}` over `{ x }`).
        .min_by_key(|&(at, len)| (at, usize::MAX - len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angle_placeholders() {
        assert_eq!(find_angle("/subscriptions/<SUBSCRIPTION_ID>/x"), Some((15, 17)));
        assert_eq!(find_angle("/subscriptions/<SUBSCRIPTION_ID/x"), Some((15, 16)));
        assert_eq!(find_angle("a < b"), None);
        assert_eq!(find_angle("plain"), None);
    }

    #[test]
    fn every_template_syntax_in_an_id() {
        let cases: [(&str, Option<&str>); 6] = [
            ("/subscriptions/{subscriptionId}/resourceGroups/rg", Some("{subscriptionId}")),
            ("/subscriptions/${{ vars.sub }}/resourceGroups/rg", Some("${{ vars.sub }}")),
            ("/subscriptions/$(SUB)/resourceGroups/rg", Some("$(SUB)")),
            ("/subscriptions/s/resourceGroups/<RG>/x/{n}", Some("<RG>")),
            ("/subscriptions/s/resourceGroups/{unclosed", Some("{unclosed")),
            ("/subscriptions/s/resourceGroups/rg", None),
        ];
        for (text, want) in cases {
            assert_eq!(find_any(text).map(|(at, len)| &text[at..at + len]), want, "{text}");
        }
    }
}
