//! The "did you mean" suggestion for a misspelt key, value or type: the candidate that differs
//! only in case, else the closest by edit distance within a limit that grows with the word.

/// The closest candidate to `word`: same text in another case, or a small edit distance.
pub(crate) fn did_you_mean(word: &str, candidates: &[String]) -> Option<String> {
    if word.is_empty() {
        return None;
    }
    let lower = word.to_ascii_lowercase();
    if let Some(c) = candidates.iter().find(|c| c.to_ascii_lowercase() == lower && c.as_str() != word) {
        return Some(c.clone());
    }
    let length = word.chars().count();
    let limit = (length / 3).clamp(1, 3);
    candidates
        .iter()
        .filter(|c| !c.starts_with('$'))
        // The distance is at least the difference in length: most candidates are ruled out without computing it.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let c: Vec<String> = ["name", "max_instances", "min_instances", "vnet_name", "low_priority", "dedicated"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(did_you_mean("Name", &c).as_deref(), Some("name"));
        assert_eq!(did_you_mean("max_instance", &c).as_deref(), Some("max_instances"));
        assert_eq!(did_you_mean("vnet", &c), None);
        assert_eq!(did_you_mean("lowpriority", &c).as_deref(), Some("low_priority"));
        assert_eq!(did_you_mean("colour", &c), None);
    }
}
