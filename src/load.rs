//! Reading handbooks from disk: the library's only file-system access, for
//! callers that start from a path (`compile_file`, the CLI). Everything
//! after it works on text in a [`SourceMap`].

use std::path::{Path, PathBuf};

use crate::Compilation;
use crate::diagnostic::Diagnostic;
use crate::plan::{self, Plan};
use crate::source::SourceMap;

/// How to compile a file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The directory that plan paths are relative to; by default the entry
    /// file's directory.
    pub root: Option<PathBuf>,
}

/// A compiled file: the plan when there is no error, every diagnostic, and
/// the sources the diagnostics point into.
#[derive(Debug)]
pub struct Output {
    pub plan: Option<Plan>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

impl Output {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// `path` relative to `root`, `/`-separated; the file name when it is not
/// below the root.
fn relative_path(path: &Path, root: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .unwrap_or_else(|_| path.file_name().map_or(path, Path::new));
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Reads, parses and checks the handbook at `path`, and builds its plan.
/// An error reading the entry file itself is the `Err`; everything about
/// its content is a diagnostic.
pub fn compile_file(path: impl AsRef<Path>, options: &Options) -> std::io::Result<Output> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)?;
    let root = match &options.root {
        Some(root) => root.clone(),
        None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
    };
    let mut sources = SourceMap::new();
    let name = path.to_string_lossy().into_owned();
    let (id, encoding) =
        crate::add_source_at(&mut sources, name, relative_path(path, &root), bytes);
    let Compilation { model, diagnostics } = match encoding {
        Some(d) => Compilation {
            model: None,
            diagnostics: vec![d],
        },
        None => crate::compile(&sources, id),
    };
    let plan = model.map(|m| plan::build(&m, &sources));
    Ok(Output {
        plan,
        diagnostics,
        sources,
    })
}
