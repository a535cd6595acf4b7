//! What the server knows about a file: the handbooks that include it,
//! compiled with the editor's buffers in place of the files on disk, their
//! diagnostics per file, the index of names and the plan.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::load::Session;
use crate::plan::Plan;
use crate::source::FileId;

/// The analysis of the handbooks that include one file.
pub struct Analysis {
    pub session: Session,
    /// The file asked about.
    pub focus: FileId,
    /// Every file of those handbooks (the focus included), with its
    /// diagnostics (possibly none), in id order.
    pub diagnostics: BTreeMap<FileId, Vec<Diagnostic>>,
    pub index: Index,
    /// The plan of the first of those handbooks that compiles.
    pub plan: Option<Plan>,
}

/// The root that governs `path`: the directory of the `muster.toml` above
/// it, else its own directory.
pub fn root_of(path: &Path) -> PathBuf {
    if let Ok(Some(config)) = super::super::config::find(path)
        && let Ok(root) = config.root.canonicalize()
    {
        return root;
    }
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Analyses `focus` (a canonical path, or the path of a buffer not yet on
/// disk): loads every handbook file below `root` (`files`, from a walk),
/// with `buffers` in place of their files, and compiles the handbooks that
/// include `focus`.
pub fn analyse(
    root: &Path,
    files: &[PathBuf],
    buffers: &BTreeMap<PathBuf, String>,
    focus: &Path,
) -> Result<Analysis, String> {
    let mut session =
        Session::new(root).map_err(|e| format!("cannot use the root `{}`: {e}", root.display()))?;
    for (path, text) in buffers {
        session.set_overlay(path, text.clone());
    }
    let mut ids = Vec::new();
    for file in files {
        if let Ok(id) = session.load_entry(file)
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    let focus_id = match session.load_entry(focus) {
        Ok(id) => id,
        // A buffer that is not on disk (or outside the root): on its own.
        Err(_) => {
            let text = buffers.get(focus).cloned().unwrap_or_default();
            session.load_bytes(&focus.to_string_lossy(), text.into_bytes())
        }
    };
    if !ids.contains(&focus_id) {
        ids.push(focus_id);
    }
    // The handbooks that include the focus: its users, transitively, that
    // no other file uses; the focus itself when nothing uses it.
    let mut users: BTreeMap<FileId, Vec<FileId>> = BTreeMap::new();
    for &id in &ids {
        for used in session.uses_of(id) {
            users.entry(used).or_default().push(id);
        }
    }
    let mut above = vec![focus_id];
    let mut pending = vec![focus_id];
    while let Some(id) = pending.pop() {
        for &user in users.get(&id).map_or(&[][..], Vec::as_slice) {
            if !above.contains(&user) {
                above.push(user);
                pending.push(user);
            }
        }
    }
    let mut entries: Vec<FileId> = above
        .iter()
        .copied()
        .filter(|id| !users.contains_key(id))
        .collect();
    if entries.is_empty() {
        // On a cycle of `use`: compile from the focus.
        entries.push(focus_id);
    }
    entries.sort();
    let mut diagnostics: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    let mut plan = None;
    let mut trees = Vec::new();
    for &entry in &entries {
        let compilation = session.compile(entry);
        let mut found = session.parse_diagnostics(&compilation.files);
        found.extend(compilation.diagnostics);
        for &file in &compilation.files {
            diagnostics.entry(file).or_default();
            if !trees.contains(&file) {
                trees.push(file);
            }
        }
        for d in found {
            let key = (
                d.span.file,
                d.span.start(),
                d.span.end(),
                d.code,
                d.message.clone(),
            );
            if seen.insert(key) {
                diagnostics.entry(d.span.file).or_default().push(d);
            }
        }
        if plan.is_none()
            && let Some(model) = &compilation.model
        {
            plan = Some(crate::plan::build(
                model,
                &session.sources,
                &compilation.files,
            ));
        }
    }
    diagnostics.entry(focus_id).or_default();
    for list in diagnostics.values_mut() {
        crate::diagnostic::sort(list);
    }
    let with_trees: Vec<(FileId, &crate::syntax::ast::File)> = trees
        .iter()
        .filter_map(|&f| session.ast(f).map(|t| (f, t)))
        .collect();
    let index = Index::build(&session.sources, &with_trees);
    Ok(Analysis {
        session,
        focus: focus_id,
        diagnostics,
        index,
        plan,
    })
}
