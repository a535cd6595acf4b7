//! "Did you mean …?" suggestions from the closest known word.

/// The candidate closest to `word` by Jaro-Winkler similarity (compared
/// without regard to case), if it is close enough to be a plausible typo;
/// failing that, the first candidate that contains `word` (`majority` →
/// `qualified_majority`). Ties go to the first candidate, so the answer is
/// deterministic.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut best: Option<(&'a str, f64)> = None;
    let mut containing: Option<&'a str> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(&lower, &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
        if containing.is_none() && lower.len() >= 3 && candidate.contains(lower.as_str()) {
            containing = Some(candidate);
        }
    }
    best.map(|(c, _)| c).or(containing)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(closest("hrpv", ["eeas", "hrvp", "psc"]), Some("hrvp"));
        assert_eq!(closest("leader", ["lead", "support", "note"]), Some("lead"));
        assert_eq!(closest("zzz", ["lead", "support"]), None);
        assert_eq!(closest("Actor", ["use", "actor"]), Some("actor"));
        assert_eq!(
            closest(
                "majority",
                ["unanimity", "qualified_majority", "simple_majority"]
            ),
            Some("qualified_majority")
        );
    }
}
