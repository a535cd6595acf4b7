//! The one discovery walker of `check` and `fmt` (and of every command
//! that takes a directory): every `*.muster` file below a directory,
//! recursively, in a fixed order.
//!
//! - `.gitignore` (also outside a Git repository), `.ignore` and
//!   `.git/info/exclude` are obeyed, as `git` and `rg` do;
//! - hidden files and folders (a name that starts with `.`) and folders
//!   called `target` are skipped;
//! - a symbolic link to a file is a file (it is read through, and `check`
//!   refuses it when it leads out of the root); a symbolic link to a folder
//!   is not followed, so that no walk loops or leaves the tree;
//! - a folder that cannot be read is reported, and the rest is walked.

use std::path::{Path, PathBuf};

use super::check::io_reason;
use crate::diagnostic::printable;

/// What a walk found: the files, sorted by path, and the folders that could
/// not be read (messages for the user, already in words).
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub errors: Vec<String>,
}

/// Every `*.muster` file below `dir`; see the module documentation.
pub fn handbooks_below(dir: &Path) -> Walk {
    let mut walk = Walk::default();
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(true)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && entry.depth() > 0 && entry.file_name() == "target")
        })
        .build();
    for item in walker {
        match item {
            Ok(entry) => {
                if entry.depth() == 0 {
                    continue;
                }
                let path = entry.path();
                if path.extension().is_none_or(|x| x != "muster") {
                    continue;
                }
                let is_file = match entry.file_type() {
                    Some(t) if t.is_file() => true,
                    // A link is a file when what it leads to is one.
                    Some(t) if t.is_symlink() => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
                    _ => false,
                };
                if is_file {
                    walk.files.push(path.to_path_buf());
                }
            }
            Err(error) => walk.errors.push(describe(&error, None)),
        }
    }
    walk.files.sort();
    walk.files.dedup();
    walk
}

/// A walk error in words: `cannot read directory `x`: permission denied`.
fn describe(error: &ignore::Error, path: Option<&Path>) -> String {
    match error {
        ignore::Error::WithPath { path, err } => describe(err, Some(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(err, path)
        }
        ignore::Error::Io(e) => match path {
            Some(p) => format!(
                "cannot read directory `{}`: {}",
                printable(&p.display().to_string()),
                io_reason(e)
            ),
            None => format!("cannot read a directory: {}", io_reason(e)),
        },
        other => printable(&other.to_string()).into_owned(),
    }
}
