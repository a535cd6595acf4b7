//! The name table of one compilation: every identifier, label, note and
//! doc text of the checked model, each stored once.
//!
//! The model refers to a text by its [`Name`], four bytes; the table holds
//! all texts end to end in one buffer, with a hash index over them that
//! costs a few bytes per distinct text. A name written a thousand times
//! (an actor that owns a thousand steps, the step name `s1` of every
//! procedure) is stored once. The plan and report builders are where names
//! become owned strings again.

use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

/// A text of the model: an index into its compilation's [`Names`]. Names of
/// different compilations must not be mixed. Equal texts have equal names,
/// so names compare as their texts do. Deliberately not ordered: the
/// numbering follows the order texts were first met, which no output may
/// depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Name(u32);

/// The texts of one compilation.
#[derive(Clone, Default)]
pub struct Names {
    /// Every distinct text, end to end.
    text: String,
    /// Where each text ends in `text`; the next one starts there.
    ends: Vec<u32>,
    /// The names, indexed by the hash of their text.
    index: HashTable<Name>,
    hasher: RandomState,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Names")
            .field("count", &self.ends.len())
            .field("bytes", &self.text.len())
            .finish()
    }
}

impl Names {
    pub fn new() -> Self {
        Names::default()
    }

    /// The name of `text`, added to the table if it is new.
    pub fn intern(&mut self, text: &str) -> Name {
        let hash = self.hasher.hash_one(text);
        let Names {
            text: all,
            ends,
            index,
            hasher,
        } = self;
        if let Some(&name) = index.find(hash, |&name| slice(all, ends, name) == text) {
            return name;
        }
        // A compilation has far fewer than 2^32 distinct texts (its files
        // are at most 4 GiB); past that, names would alias the last one.
        let name = Name(u32::try_from(ends.len()).unwrap_or(u32::MAX));
        all.push_str(text);
        ends.push(u32::try_from(all.len()).unwrap_or(u32::MAX));
        let (all, ends) = (&*all, &*ends);
        index.insert_unique(hash, name, |&name| hasher.hash_one(slice(all, ends, name)));
        name
    }

    /// The text of `name` (empty for a name of another table).
    pub fn get(&self, name: Name) -> &str {
        slice(&self.text, &self.ends, name)
    }

    /// The name of `text`, if the table has it.
    pub fn find(&self, text: &str) -> Option<Name> {
        let hash = self.hasher.hash_one(text);
        self.index
            .find(hash, |&name| self.get(name) == text)
            .copied()
    }

    /// How many distinct texts the table holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

fn slice<'t>(text: &'t str, ends: &[u32], name: Name) -> &'t str {
    let i = name.0 as usize;
    let start = match i.checked_sub(1) {
        Some(before) => ends.get(before).map_or(text.len(), |&e| e as usize),
        None => 0,
    };
    let end = ends.get(i).map_or(start, |&e| e as usize);
    text.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_one_name_and_every_text_reads_back() {
        let mut names = Names::new();
        let a = names.intern("a1");
        let label = names.intern("Step 1 of procedure 7");
        let empty = names.intern("");
        let accented = names.intern("é");
        assert_eq!(names.intern("a1"), a);
        assert_eq!(names.intern(""), empty);
        assert_ne!(a, label);
        assert_eq!(names.get(a), "a1");
        assert_eq!(names.get(label), "Step 1 of procedure 7");
        assert_eq!(names.get(empty), "");
        assert_eq!(names.get(accented), "é");
        assert_eq!(names.find("a1"), Some(a));
        assert_eq!(names.find("a2"), None);
        assert_eq!(names.len(), 4);
    }

    #[test]
    fn many_names_survive_the_index_growing() {
        let mut names = Names::new();
        let all: Vec<Name> = (0..5000).map(|i| names.intern(&format!("n{i}"))).collect();
        for (i, &name) in all.iter().enumerate() {
            assert_eq!(names.get(name), format!("n{i}"));
            assert_eq!(names.intern(&format!("n{i}")), name);
        }
        assert_eq!(names.len(), 5000);
    }
}
