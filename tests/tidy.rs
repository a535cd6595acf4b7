//! House rules that nobody should have to remember: no trailing whitespace,
//! a `//!` doc at the top of every module, no ignored or should-panic tests.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (recursively), skipping build output and the
/// fuzzer's working folders.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(
                    name.as_str(),
                    "target" | "corpus" | "artifacts" | "coverage" | ".git" | "node_modules"
                ) {
                    stack.push(path);
                }
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn text_files() -> Vec<PathBuf> {
    let root = root();
    let mut out: Vec<PathBuf> = [
        "src", "tests", "grammar", "examples", "docs", "fuzz", "benches", ".ci", "xtask",
    ]
    .iter()
    .flat_map(|d| files(&root.join(d)))
    .collect();
    for name in ["README.md", "ARCHITECTURE.md", "CHANGELOG.md", "Cargo.toml"] {
        let path = root.join(name);
        if path.exists() {
            out.push(path);
        }
    }
    out
}

#[test]
fn no_trailing_whitespace() {
    let mut offenders = Vec::new();
    for path in text_files() {
        // Fixtures that are about odd bytes or line ends keep them.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if path.extension().is_some_and(|x| x == "svg") {
            continue;
        }
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.ends_with(' ') || line.ends_with('\t') {
                offenders.push(format!("{}:{}", path.display(), i + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "trailing whitespace at:\n{}",
        offenders.join("\n")
    );
}

/// The repository describes itself: no file may send a reader to a
/// specification outside it.
#[test]
fn nothing_refers_outside_the_repository() {
    // Spelled in pieces so that this file does not match itself.
    let needles = [
        concat!("shared", "/spec"),
        concat!("LANGUAGE", ".md"),
        concat!("../", "shared/"),
    ];
    let mut offenders = Vec::new();
    for path in text_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            if needles.iter().any(|n| line.contains(n)) {
                offenders.push(format!("{}:{}: {line}", path.display(), i + 1));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "files that refer outside the repository:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_module_has_a_doc_comment() {
    let mut offenders = Vec::new();
    for path in files(&root().join("src"))
        .into_iter()
        .chain(files(&root().join("tests")))
    {
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if !text.starts_with("//!") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "modules without a `//!` doc:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let banned = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    let mut offenders = Vec::new();
    for path in files(&root().join("src"))
        .into_iter()
        .chain(files(&root().join("tests")))
    {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for word in banned {
            if text.contains(word) {
                offenders.push(format!("{}: {word}", path.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
