//! "Did you mean …?" suggestions from the closest known word.

/// The candidate closest to `word` by Jaro-Winkler similarity, if it is
/// close enough to be a plausible typo. Ties go to the first candidate, so
/// the answer is deterministic.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, candidate);
        if score >= 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(closest("hrpv", ["eeas", "hrvp", "psc"]), Some("hrvp"));
        assert_eq!(closest("leader", ["lead", "support", "note"]), Some("lead"));
        assert_eq!(closest("zzz", ["lead", "support"]), None);
    }
}
