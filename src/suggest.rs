//! "Did you mean …?" suggestions from the closest known word.

use std::cell::RefCell;
use std::collections::HashMap;

/// The candidate closest to `word` by Jaro-Winkler similarity (compared
/// without regard to case), if it is close enough to be a plausible typo;
/// failing that, the first candidate that contains `word` (`majority` →
/// `qualified_majority`). Ties go to the first candidate, so the answer is
/// deterministic.
///
/// This looks at every candidate: for a few words (keywords, variants of a
/// small enumeration). Where one set of names is searched again and again,
/// build [`Candidates`] once.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let mut search = Search::new(word, &lower);
    for (index, candidate) in candidates.into_iter().enumerate() {
        search.consider(index, candidate, &candidate.to_lowercase());
    }
    search.result()
}

/// How many candidates one search looks at, at most. A set of names up to
/// this size is searched whole, so every ordinary handbook gets exactly the
/// answer of [`closest`]; in a larger one a search looks only at the
/// candidates most likely to be a typo of the word (the same first letter,
/// the nearest lengths), which bounds the cost of each undefined name
/// whatever the size of the handbook.
pub const MAX_EXAMINED: usize = 500;

/// A set of names searched many times: each lower-cased once, and indexed
/// by first letter and by length.
#[derive(Debug, Default)]
pub struct Candidates<'a> {
    /// The names as given, each with its lower-case form.
    words: Vec<(&'a str, String)>,
    /// Indices into `words`, sorted by (first letter, length, index).
    by_first: Vec<usize>,
    /// Indices into `words`, sorted by (length, index).
    by_len: Vec<usize>,
    /// The answers given so far (without `except`): a misspelt name is
    /// often misspelt the same way many times.
    answers: RefCell<HashMap<String, Option<&'a str>>>,
}

impl<'a> Candidates<'a> {
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let words: Vec<(&'a str, String)> =
            names.into_iter().map(|n| (n, n.to_lowercase())).collect();
        let mut by_first: Vec<usize> = (0..words.len()).collect();
        let mut by_len = by_first.clone();
        if words.len() > MAX_EXAMINED {
            by_first.sort_by_key(|&i| (first_char(&words[i].1), words[i].1.len(), i));
            by_len.sort_by_key(|&i| (words[i].1.len(), i));
        } else {
            by_first.clear();
            by_len.clear();
        }
        Candidates {
            words,
            by_first,
            by_len,
            answers: RefCell::default(),
        }
    }

    /// As [`closest`] over these names, leaving out `except`, looking at
    /// no more than [`MAX_EXAMINED`] of them.
    pub fn closest(&self, word: &str, except: Option<&str>) -> Option<&'a str> {
        if except.is_none()
            && let Some(&answer) = self.answers.borrow().get(word)
        {
            return answer;
        }
        let answer = self.search(word, except);
        if except.is_none() {
            self.answers.borrow_mut().insert(word.to_owned(), answer);
        }
        answer
    }

    fn search(&self, word: &str, except: Option<&str>) -> Option<&'a str> {
        self.search_counting(word, except).0
    }

    /// The answer, and how many candidates it took.
    fn search_counting(&self, word: &str, except: Option<&str>) -> (Option<&'a str>, usize) {
        let lower = word.to_lowercase();
        let mut search = Search::new(word, &lower);
        let mut consider = |i: usize| {
            let (name, ref folded) = self.words[i];
            if Some(name) != except {
                search.consider(i, name, folded);
            }
        };
        if self.words.len() <= MAX_EXAMINED {
            (0..self.words.len()).for_each(&mut consider);
            return (search.result(), search.compared);
        }
        let first = first_char(&lower);
        let length = lower.len();
        // The same first letter, nearest lengths first.
        let lo = self
            .by_first
            .partition_point(|&i| first_char(&self.words[i].1) < first);
        let hi = self
            .by_first
            .partition_point(|&i| first_char(&self.words[i].1) <= first);
        let group = &self.by_first[lo..hi];
        let length_of = |i: usize| self.words[i].1.len();
        let examined = nearest(
            group,
            length,
            MAX_EXAMINED,
            length_of,
            |_| false,
            &mut consider,
        );
        // Then the other letters, if the budget allows: skipping the group
        // already seen costs at most its size, less than the budget.
        if examined == group.len() && examined < MAX_EXAMINED {
            let same_first = |i: usize| first_char(&self.words[i].1) == first;
            nearest(
                &self.by_len,
                length,
                MAX_EXAMINED - examined,
                length_of,
                same_first,
                &mut consider,
            );
        }
        (search.result(), search.compared)
    }
}

fn first_char(lower: &str) -> Option<char> {
    lower.chars().next()
}

/// Calls `visit` on at most `budget` entries of `sorted` (sorted by `len`)
/// that are not `skip`, nearest to `length` first; returns how many were
/// visited.
fn nearest(
    sorted: &[usize],
    length: usize,
    budget: usize,
    len: impl Fn(usize) -> usize,
    skip: impl Fn(usize) -> bool,
    visit: &mut impl FnMut(usize),
) -> usize {
    let pivot = sorted.partition_point(|&i| len(i) < length);
    let (mut below, mut above) = (pivot, pivot);
    let mut visited = 0;
    while visited < budget && (below > 0 || above < sorted.len()) {
        let take_above = match (below > 0, above < sorted.len()) {
            (true, true) => len(sorted[above]) - length <= length - len(sorted[below - 1]),
            (false, _) => true,
            (true, false) => false,
        };
        let next = if take_above {
            above += 1;
            sorted[above - 1]
        } else {
            below -= 1;
            sorted[below]
        };
        if !skip(next) {
            visit(next);
            visited += 1;
        }
    }
    visited
}

/// The state of one search: the best score so far and the first
/// candidate containing the word, both by candidate index.
struct Search<'w, 'a> {
    word: &'w str,
    lower: &'w str,
    best: Option<(usize, &'a str, f64)>,
    containing: Option<(usize, &'a str)>,
    /// How many candidates were compared.
    compared: usize,
}

impl<'w, 'a> Search<'w, 'a> {
    fn new(word: &'w str, lower: &'w str) -> Self {
        Search {
            word,
            lower,
            best: None,
            containing: None,
            compared: 0,
        }
    }

    fn consider(&mut self, index: usize, candidate: &'a str, folded: &str) {
        if candidate == self.word {
            return;
        }
        self.compared += 1;
        let score = strsim::jaro_winkler(self.lower, folded);
        if score >= 0.8
            && self
                .best
                .is_none_or(|(i, _, s)| score > s || (score == s && index < i))
        {
            self.best = Some((index, candidate, score));
        }
        if self.lower.len() >= 3
            && self.containing.is_none_or(|(i, _)| index < i)
            && candidate.contains(self.lower)
        {
            self.containing = Some((index, candidate));
        }
    }

    fn result(&self) -> Option<&'a str> {
        self.best
            .map(|(_, c, _)| c)
            .or(self.containing.map(|(_, c)| c))
    }
}

#[cfg(test)]
mod tests {
    use super::{Candidates, MAX_EXAMINED, closest};

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

    #[test]
    fn an_index_agrees_with_the_plain_search_on_small_sets() {
        let names = ["eeas", "hrvp", "psc", "hrvp_office", "lead", "leader"];
        let index = Candidates::new(names);
        for word in ["hrpv", "leadr", "zzz", "office", "EEAS", "psc"] {
            assert_eq!(index.closest(word, None), closest(word, names), "{word}");
        }
        assert_eq!(index.closest("hrpv", Some("hrvp")), None);
    }

    #[test]
    fn a_large_set_is_searched_within_the_budget_and_still_finds_typos() {
        let names: Vec<String> = (0..20 * MAX_EXAMINED)
            .map(|i| format!("coordination_cell_{i:05}"))
            .chain(["ambulance_fleet".to_owned()])
            .collect();
        let index = Candidates::new(names.iter().map(String::as_str));
        assert_eq!(
            index.closest("ambulanse_fleet", None),
            Some("ambulance_fleet")
        );
        assert_eq!(
            index
                .closest("coordination_cel_04711", None)
                .map(|n| n.len()),
            Some("coordination_cell_04711".len())
        );
        assert_eq!(index.closest("zzz", None), None);
        // However many names, one search compares at most MAX_EXAMINED.
        for word in ["coordination_cel_04711", "zzz", "", "Ambulance"] {
            assert!(
                index.search_counting(word, None).1 <= MAX_EXAMINED,
                "{word}"
            );
        }
    }
}
