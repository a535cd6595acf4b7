//! The checker frees the tree of each procedure it is handed owned as soon
//! as that procedure's model is built (what the command line does). It
//! must find exactly what it finds in a borrowed tree, which it leaves as
//! it is (what an editor does): every fixture and example, both ways.
//! And `check_findings`, which drops each procedure's model once it is
//! checked (what `muster check` does), must find exactly the same.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use muster::source::{SourceFile, SourceMap};

fn muster_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            muster_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "muster") {
            out.push(path);
        }
    }
}

#[test]
fn owned_and_borrowed_trees_check_alike() {
    let mut files = Vec::new();
    for dir in [
        "tests/ui/check",
        "tests/ui/scenario",
        "tests/ui/simulate",
        "examples",
    ] {
        muster_files(Path::new(dir), &mut files);
    }
    assert!(files.len() > 50, "the fixtures were not found");
    let mut with_procedures = 0;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new(path.display().to_string(), text));
        let parsed = muster::parse_source(&sources, id);
        let Some(ast) = parsed.ast else {
            continue;
        };
        if ast
            .declarations
            .iter()
            .any(|d| matches!(d, muster::syntax::ast::Declaration::Procedure(_)))
        {
            with_procedures += 1;
        }
        let borrowed = muster::check::check(&sources, vec![Cow::Borrowed(&ast)], true);
        let owned = muster::check::check(&sources, vec![Cow::Owned(ast.clone())], true);
        let findings = muster::check::check_findings(&sources, vec![Cow::Owned(ast.clone())], true);
        assert_eq!(
            format!("{:?}", borrowed.diagnostics),
            format!("{findings:?}"),
            "{}: the findings without the model differ",
            path.display()
        );
        assert_eq!(
            format!("{:?}", borrowed.diagnostics),
            format!("{:?}", owned.diagnostics),
            "{}: the findings differ",
            path.display()
        );
        assert_eq!(
            format!("{:?}", borrowed.model),
            format!("{:?}", owned.model),
            "{}: the models differ",
            path.display()
        );
    }
    assert!(with_procedures > 50, "too few fixtures with procedures");
}
