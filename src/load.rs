//! Reading handbooks from disk (docs/reference.md#files-and-use): the entry file and every
//! file reachable through `use`, each read and parsed once, none outside the
//! root. This is the library's only file-system access; everything after it
//! works on text in a [`SourceMap`].
//!
//! A `use` path is resolved against the directory of the file that says it,
//! then decided on after symbolic links and `..` are resolved: absolute or
//! outside the root is E0006 and the file is never opened; missing or
//! unreadable is E0004; a cycle is E0005, found per compilation by an
//! iterative depth-first walk that also gives the output order of the files.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::plan::{self, Plan};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::Parsed;
use crate::syntax::ast::Declaration;

/// How to compile a file.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The directory that no `use` may leave and that plan paths are
    /// relative to; by default the entry file's directory.
    pub root: Option<PathBuf>,
}

/// A compiled file: the plan when there is no error, every diagnostic, and
/// the sources the diagnostics point into.
#[derive(Debug)]
pub struct Output {
    pub plan: Option<Plan>,
    /// The checked model the plan was built from (what the simulator
    /// plays), when there is no error.
    pub model: Option<crate::check::Model>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
    /// The canonical paths of every file read, so that an output can be
    /// refused when it would overwrite one of them.
    pub inputs: Vec<PathBuf>,
}

impl Output {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads, parses and checks the handbook at `path` with every file it
/// uses, and builds its plan. An error reading the entry file itself (or
/// the root) is the `Err`; everything about the content is a diagnostic.
pub fn compile_file(path: impl AsRef<Path>, options: &Options) -> std::io::Result<Output> {
    let path = path.as_ref();
    let mut session = Session::for_entry(path, options)?;
    let entry = session.load_entry(path)?;
    Ok(session.output(entry))
}

/// Like [`compile_file`] for a handbook given as bytes (standard input,
/// shown as `name`): its `use` paths are resolved against `options.root`,
/// or the current directory.
pub fn compile_bytes(name: &str, bytes: Vec<u8>, options: &Options) -> std::io::Result<Output> {
    let root = options.root.clone().unwrap_or_default();
    let mut session = Session::new(&root)?;
    let entry = session.load_bytes(name, bytes);
    Ok(session.output(entry))
}

/// One compilation of a session: its files in output order (entry first,
/// then depth-first in order of first `use`), the checked model when there
/// is no error, and the diagnostics of loading (`use`) and checking.
/// Diagnostics of parsing belong to the files: see
/// [`Session::parse_diagnostics`].
#[derive(Debug)]
pub struct Compilation {
    pub files: Vec<FileId>,
    pub model: Option<crate::check::Model>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Files loaded under one root, each read and parsed once however many
/// compilations include it.
#[derive(Debug)]
pub struct Session {
    pub sources: SourceMap,
    /// The root, with symbolic links resolved.
    root: PathBuf,
    /// How the root is shown to the user (as given), to name used files.
    display_root: PathBuf,
    by_path: HashMap<PathBuf, FileId>,
    files: Vec<Loaded>,
    /// Texts to use instead of the files on disk (an editor's unsaved
    /// buffers), by canonical path.
    overlay: HashMap<PathBuf, String>,
}

#[derive(Debug)]
struct Loaded {
    /// The file's canonical path (`None` for standard input).
    path: Option<PathBuf>,
    parsed: Option<Parsed>,
    /// The encoding error (E0003), if the file is not UTF-8.
    encoding: Option<Diagnostic>,
    /// Each `use` in source order: its target, or the diagnostic that
    /// refuses it.
    uses: Vec<Result<(FileId, Span), Diagnostic>>,
    /// Whether a releasing compilation took the file's tree (which
    /// parsed and was checkable): a later compilation parses it again.
    released: bool,
}

impl Loaded {
    /// The files this one `use`s (resolved ones only), in source order.
    fn used(&self) -> impl Iterator<Item = FileId> + '_ {
        self.uses
            .iter()
            .filter_map(|u| u.as_ref().ok().map(|&(t, _)| t))
    }
}

/// `path` with `.` and `..` taken away lexically.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` with its longest existing ancestor canonicalised (symbolic links
/// resolved) and the rest appended as written, `.` and `..` taken away.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let mut existing = path.to_path_buf();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalise(&out);
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return normalise(path),
        }
    }
}

/// `path` below `root`, `/`-separated.
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// An I/O error in a few words, without the OS error number.
fn io_words(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied if error.get_ref().is_none() => {
            "permission denied".to_owned()
        }
        std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
        _ => {
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_owned()
        }
    }
}

/// The largest handbook file Muster reads: 64 MiB, forty times the
/// generated reference handbook of 1,000 procedures. A larger file is
/// refused before it is read, so that no input can exhaust memory.
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of file-system node `metadata` describes, in words, when it
/// is not a regular file.
pub fn not_regular(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

/// Reads a handbook file: only a regular file (after symbolic links are
/// followed) of at most [`MAX_SOURCE_BYTES`]. A FIFO or a device is never
/// opened, so reading can neither block nor run without end.
pub fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let refuse = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
    let metadata = std::fs::metadata(path)?;
    if let Some(kind) = not_regular(&metadata) {
        return Err(refuse(format!("it is {kind}, not a regular file")));
    }
    if metadata.len() > MAX_SOURCE_BYTES {
        return Err(refuse(too_large(metadata.len())));
    }
    let file = std::fs::File::open(path)?;
    // The node checked above may have been replaced since: check the one
    // that was opened.
    let opened = file.metadata()?;
    if let Some(kind) = not_regular(&opened) {
        return Err(refuse(format!("it is {kind}, not a regular file")));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(refuse(too_large(bytes.len() as u64)));
    }
    Ok(bytes)
}

fn too_large(len: u64) -> String {
    format!(
        "it is {} MiB, more than the {} MiB a handbook file may be",
        len.div_ceil(1024 * 1024),
        MAX_SOURCE_BYTES / (1024 * 1024)
    )
}

impl Session {
    /// A session whose root is `options.root`, or else the directory of
    /// `entry`.
    pub fn for_entry(entry: &Path, options: &Options) -> std::io::Result<Session> {
        let display_root = match &options.root {
            Some(root) => root.clone(),
            None => entry.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        Session::new(&display_root)
    }

    /// A session rooted at `root` (which must exist).
    pub fn new(root: &Path) -> std::io::Result<Session> {
        let lookup = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        Ok(Session {
            sources: SourceMap::new(),
            root: lookup.canonicalize()?,
            display_root: root.to_path_buf(),
            by_path: HashMap::new(),
            files: Vec::new(),
            overlay: HashMap::new(),
        })
    }

    /// Loads an entry file from disk, with every file it uses. An entry
    /// outside the root is refused as an I/O error of kind
    /// `PermissionDenied`.
    pub fn load_entry(&mut self, path: &Path) -> std::io::Result<FileId> {
        // What the path is, before its links are resolved to a name: a
        // pipe such as `/dev/stdin` has none.
        if let Some(kind) = not_regular(&std::fs::metadata(path)?) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("it is {kind}, not a regular file"),
            ));
        }
        let canonical = path.canonicalize()?;
        if !canonical.starts_with(&self.root) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("it is outside the root `{}`", self.shown_root()),
            ));
        }
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        let bytes = self.read(&canonical)?;
        // One file, one name: `./x.muster` is shown as `x.muster`.
        let shown: PathBuf = path
            .components()
            .skip_while(|c| *c == Component::CurDir)
            .collect();
        let name = shown.to_string_lossy().into_owned();
        let id = self.add(name, Some(canonical), bytes);
        self.load_uses(id);
        Ok(id)
    }

    /// Uses `text` for the file at `path` instead of what is on disk (an
    /// editor's buffer). Call before loading anything.
    pub fn set_overlay(&mut self, path: &Path, text: String) {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        self.overlay.insert(canonical, text);
    }

    /// The bytes of a file: its overlay, else the file on disk.
    fn read(&self, canonical: &Path) -> std::io::Result<Vec<u8>> {
        match self.overlay.get(canonical) {
            Some(text) => Ok(text.as_bytes().to_vec()),
            None => read_source(canonical),
        }
    }

    /// The tree of a loaded file that parsed (and that no
    /// [`Session::compile_releasing`] took).
    pub fn ast(&self, id: FileId) -> Option<&crate::syntax::ast::File> {
        self.files
            .get(id.0 as usize)
            .and_then(|f| f.parsed.as_ref())
            .and_then(|p| p.ast.as_ref())
    }

    /// The id of a loaded file, by its canonical path.
    pub fn file_id(&self, canonical: &Path) -> Option<FileId> {
        self.by_path.get(canonical).copied()
    }

    /// Records an entry file that could not be loaded (found in a
    /// directory, say) and returns its diagnostic: E0006 when it lies
    /// outside the root, else E0004. The file is shown by its name, with no
    /// text; the rest of the run goes on.
    pub fn refuse_entry(&mut self, path: &Path, error: &std::io::Error) -> Diagnostic {
        let name = path.to_string_lossy().into_owned();
        let id = self
            .sources
            .add(crate::source::SourceFile::new(name.clone(), String::new()));
        self.files.push(Loaded {
            path: None,
            parsed: None,
            encoding: None,
            uses: Vec::new(),
            released: false,
        });
        let span = Span::new(id, 0, 0);
        let outside =
            error.kind() == std::io::ErrorKind::PermissionDenied && error.get_ref().is_some();
        if outside {
            Diagnostic::error(Code::E0006, format!("`{name}` lies outside the root"), span)
                .with_label("not checked")
                .with_note(format!(
                    "the root is `{}`; symbolic links are resolved before this is decided",
                    self.shown_root()
                ))
                .with_help("move the file inside the root, or widen it with `--root DIR`")
        } else {
            Diagnostic::error(
                Code::E0004,
                format!("cannot read `{name}`: {}", io_words(error)),
                span,
            )
            .with_label("not checked")
            .with_help("the other files were checked; make this one readable, or remove it")
        }
    }

    /// Loads an entry given as bytes (standard input); its `use` paths are
    /// resolved against the root.
    pub fn load_bytes(&mut self, name: &str, bytes: Vec<u8>) -> FileId {
        let id = self.add(name.to_owned(), None, bytes);
        self.load_uses(id);
        id
    }

    fn add(&mut self, name: String, path: Option<PathBuf>, bytes: Vec<u8>) -> FileId {
        let plan_path = path
            .as_deref()
            .map_or_else(|| name.clone(), |p| relative(p, &self.root));
        let (id, encoding) = crate::add_source_at(&mut self.sources, name, plan_path, bytes);
        let parsed = match encoding {
            Some(_) => None,
            None => Some(crate::parse_source(&self.sources, id)),
        };
        if let Some(p) = &path {
            self.by_path.insert(p.clone(), id);
        }
        self.files.push(Loaded {
            path,
            parsed,
            encoding,
            uses: Vec::new(),
            released: false,
        });
        id
    }

    /// Resolves the `use`s of `first` and, transitively, of every file it
    /// brings in. Iterative: a long chain of uses costs no stack.
    fn load_uses(&mut self, first: FileId) {
        let mut pending = vec![first];
        while let Some(id) = pending.pop() {
            let paths: Vec<(String, Span, Span)> = match &self.files[id.0 as usize].parsed {
                Some(Parsed { ast: Some(ast), .. }) => ast
                    .declarations
                    .iter()
                    .filter_map(|d| match d {
                        Declaration::Use(u) => Some((
                            u.path.value(&self.sources).into_owned(),
                            u.path.span,
                            u.span,
                        )),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let base = match &self.files[id.0 as usize].path {
                Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
                None => self.root.clone(),
            };
            let mut uses = Vec::with_capacity(paths.len());
            for (written, span, use_span) in paths {
                let resolved = self.resolve_use(&base, &written, span);
                match resolved {
                    Ok(canonical) => match self.by_path.get(&canonical) {
                        Some(&target) => uses.push(Ok((target, use_span))),
                        None => match self.read(&canonical) {
                            Ok(bytes) => {
                                let rel = relative(&canonical, &self.root);
                                let name =
                                    self.display_root.join(&rel).to_string_lossy().into_owned();
                                let target = self.add(name, Some(canonical), bytes);
                                pending.push(target);
                                uses.push(Ok((target, use_span)));
                            }
                            Err(e) => {
                                uses.push(Err(self.unreadable(&written, &canonical, span, &e)))
                            }
                        },
                    },
                    Err(diagnostic) => uses.push(Err(*diagnostic)),
                }
            }
            self.files[id.0 as usize].uses = uses;
        }
    }

    /// The canonical path a `use` names, or why it is refused.
    fn resolve_use(
        &self,
        base: &Path,
        written: &str,
        span: Span,
    ) -> Result<PathBuf, Box<Diagnostic>> {
        let path = Path::new(written);
        if written.is_empty() {
            return Err(Box::new(
                Diagnostic::error(Code::E0004, "`use` names no file", span)
                    .with_label("an empty path")
                    .with_help("write the path of a `.muster` file, relative to this file"),
            ));
        }
        if path.is_absolute()
            || path.has_root()
            || matches!(path.components().next(), Some(Component::Prefix(_)))
        {
            return Err(Box::new(
                Diagnostic::error(
                    Code::E0006,
                    format!("`use` path `{written}` is absolute"),
                    span,
                )
                .with_label("an absolute path")
                .with_help("write the path relative to this file, inside the root"),
            ));
        }
        let joined = base.join(path);
        let canonical = match joined.canonicalize() {
            Ok(c) => c,
            Err(e) => {
                // Missing: decide on the deepest part of the path that
                // exists, with its symbolic links resolved, and the rest
                // as written (`..` taken away lexically).
                let resolved = resolve_existing_prefix(&joined);
                if !resolved.starts_with(&self.root) {
                    return Err(Box::new(self.outside(written, span)));
                }
                return Err(Box::new(self.unreadable(written, &resolved, span, &e)));
            }
        };
        if !canonical.starts_with(&self.root) {
            return Err(Box::new(self.outside(written, span)));
        }
        if let Ok(metadata) = std::fs::metadata(&canonical)
            && let Some(kind) = not_regular(&metadata)
        {
            let error = std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("it is {kind}, not a regular file"),
            );
            return Err(Box::new(self.unreadable(written, &canonical, span, &error)));
        }
        Ok(canonical)
    }

    /// The root as the user gave it, for messages (`.` for the current
    /// directory).
    fn shown_root(&self) -> String {
        if self.display_root.as_os_str().is_empty() {
            ".".to_owned()
        } else {
            self.display_root.display().to_string()
        }
    }

    fn outside(&self, written: &str, span: Span) -> Diagnostic {
        Diagnostic::error(
            Code::E0006,
            format!("`use` path `{written}` leaves the root"),
            span,
        )
        .with_label("outside the root")
        .with_note(format!(
            "the root is `{}`; symbolic links and `..` are resolved before this is decided",
            self.shown_root()
        ))
        .with_help("keep shared files inside the root, or widen it with `--root DIR`")
    }

    /// E0004 for the `use` of `written`, which resolves to `path`.
    fn unreadable(
        &self,
        written: &str,
        path: &Path,
        span: Span,
        error: &std::io::Error,
    ) -> Diagnostic {
        let below_root = relative(path, &self.root);
        let label = if below_root.is_empty() {
            "this is the root directory itself".to_owned()
        } else if below_root == written {
            format!("`{written}` cannot be read")
        } else {
            format!("`{below_root}` below the root cannot be read")
        };
        Diagnostic::error(
            Code::E0004,
            format!("cannot read `{written}`: {}", io_words(error)),
            span,
        )
        .with_label(label)
        .with_help("check the path: it is relative to the directory of this file")
    }

    /// The diagnostics of reading and parsing `files`: E0001–E0003.
    pub fn parse_diagnostics(&self, files: &[FileId]) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for &id in files {
            let loaded = &self.files[id.0 as usize];
            out.extend(loaded.encoding.iter().cloned());
            if let Some(parsed) = &loaded.parsed {
                out.extend(parsed.diagnostics.iter().cloned());
            }
        }
        out
    }

    /// Compiles the handbook that starts at `entry` into an [`Output`].
    fn output(mut self, entry: FileId) -> Output {
        let compilation = self.compile_releasing(entry);
        let mut diagnostics = self.parse_diagnostics(&compilation.files);
        diagnostics.extend(compilation.diagnostics);
        crate::diagnostic::sort(&mut diagnostics);
        let plan = compilation
            .model
            .as_ref()
            .map(|m| plan::build(m, &self.sources, &compilation.files));
        Output {
            plan,
            model: compilation.model,
            diagnostics,
            inputs: self.input_paths(),
            sources: self.sources,
        }
    }

    /// The canonical paths of the files read from disk, in the order read.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        self.files.iter().filter_map(|f| f.path.clone()).collect()
    }

    /// The files a file `use`s directly (resolved ones only).
    pub fn uses_of(&self, id: FileId) -> Vec<FileId> {
        self.files
            .get(id.0 as usize)
            .map_or_else(Vec::new, |f| f.used().collect())
    }

    /// Compiles the handbook that starts at `entry`: orders its files,
    /// reports `use` problems and cycles, and checks the files that parsed.
    /// The trees stay in the session (see [`Session::ast`]).
    pub fn compile(&self, entry: FileId) -> Compilation {
        let (order, diagnostics, complete) = self.order(entry);
        let trees = order
            .iter()
            .filter(|&&id| self.checkable(id))
            .filter_map(|&id| self.tree(id))
            .collect();
        self.finish(order, diagnostics, complete, trees, true)
    }

    /// Like [`Session::compile`], but hands the checker the trees of the
    /// files that no loaded file uses (the entry, as a rule), which it
    /// frees as it checks them: the tree and the model of a large handbook
    /// are then not both kept whole. `build`, `simulate` and `doc` compile
    /// this way; a compilation that needs such a file again parses it
    /// again.
    pub fn compile_releasing(&mut self, entry: FileId) -> Compilation {
        self.releasing(entry, true)
    }

    /// The findings of [`Session::compile_releasing`], without a model:
    /// the checker drops each procedure's model once it is checked
    /// ([`crate::check::check_findings`]), so neither the tree nor the
    /// model of a large handbook is ever kept whole. `muster check`
    /// compiles this way.
    pub fn check_releasing(&mut self, entry: FileId) -> Compilation {
        self.releasing(entry, false)
    }

    fn releasing(&mut self, entry: FileId, keep_model: bool) -> Compilation {
        let (order, diagnostics, complete) = self.order(entry);
        let used: HashSet<FileId> = self.files.iter().flat_map(Loaded::used).collect();
        let mut taken: HashMap<FileId, crate::syntax::ast::File> = HashMap::new();
        for &id in &order {
            if used.contains(&id) || !self.checkable(id) {
                continue;
            }
            let Some(loaded) = self.files.get_mut(id.0 as usize) else {
                continue;
            };
            if let Some(ast) = loaded.parsed.as_mut().and_then(|p| p.ast.take()) {
                loaded.released = true;
                taken.insert(id, ast);
            }
        }
        let trees = order
            .iter()
            .filter(|&&id| self.checkable(id))
            .filter_map(|&id| match taken.remove(&id) {
                Some(ast) => Some(Cow::Owned(ast)),
                None => self.tree(id),
            })
            .collect();
        self.finish(order, diagnostics, complete, trees, keep_model)
    }

    /// Whether a loaded file is checked: it parsed, and every error in it
    /// leaves its meaning certain (see [`Parsed::checkable`]).
    fn checkable(&self, id: FileId) -> bool {
        self.files
            .get(id.0 as usize)
            .is_some_and(|f| f.released || f.parsed.as_ref().is_some_and(Parsed::checkable))
    }

    /// The tree of a checkable file: the session's, or parsed again where
    /// a releasing compilation took it.
    fn tree(&self, id: FileId) -> Option<Cow<'_, crate::syntax::ast::File>> {
        let loaded = self.files.get(id.0 as usize)?;
        if loaded.released {
            crate::parse_source(&self.sources, id).ast.map(Cow::Owned)
        } else {
            loaded.parsed.as_ref()?.ast.as_ref().map(Cow::Borrowed)
        }
    }

    /// The files of the handbook that starts at `entry`, in output order;
    /// the `use` problems and cycles among them; whether every file could
    /// be read.
    fn order(&self, entry: FileId) -> (Vec<FileId>, Vec<Diagnostic>, bool) {
        let mut diagnostics = Vec::new();
        let mut order: Vec<FileId> = Vec::new();
        let mut state: HashMap<FileId, u8> = HashMap::new(); // 1: on the walk, 2: done
        // (file, next use to follow)
        let mut stack: Vec<(FileId, usize)> = vec![(entry, 0)];
        state.insert(entry, 1);
        order.push(entry);
        let mut complete = true;
        while let Some(top) = stack.last_mut() {
            let (file, next) = *top;
            let uses = &self.files[file.0 as usize].uses;
            let Some(step) = uses.get(next) else {
                state.insert(file, 2);
                stack.pop();
                continue;
            };
            top.1 += 1;
            match step {
                Err(d) => {
                    complete = false;
                    diagnostics.push(d.clone());
                }
                Ok((target, use_span)) => match state.get(target) {
                    None => {
                        state.insert(*target, 1);
                        order.push(*target);
                        stack.push((*target, 0));
                    }
                    Some(1) => {
                        let start = stack.iter().position(|&(f, _)| f == *target).unwrap_or(0);
                        let mut chain: Vec<String> = stack[start..]
                            .iter()
                            .map(|&(f, _)| self.plan_path(f))
                            .collect();
                        chain.push(self.plan_path(*target));
                        diagnostics.push(
                            Diagnostic::error(
                                Code::E0005,
                                format!("`use` cycle: {}", chain.join(" → ")),
                                *use_span,
                            )
                            .with_label(format!(
                                "`{}` is already being read",
                                self.plan_path(*target)
                            ))
                            .with_help("move what the files share into a third file that both use"),
                        );
                    }
                    Some(_) => {}
                },
            }
        }

        (order, diagnostics, complete)
    }

    /// Checks the `trees` of the files `order` and gathers the findings,
    /// and the model if `keep_model`.
    fn finish(
        &self,
        order: Vec<FileId>,
        mut diagnostics: Vec<Diagnostic>,
        mut complete: bool,
        trees: Vec<Cow<'_, crate::syntax::ast::File>>,
        keep_model: bool,
    ) -> Compilation {
        if trees.len() < order.len() {
            complete = false;
        }
        let (model, found) = if keep_model {
            let checked = crate::check::check(&self.sources, trees, complete);
            (checked.model, checked.diagnostics)
        } else {
            let found = crate::check::check_findings(&self.sources, trees, complete);
            (None, found)
        };
        diagnostics.extend(found);
        let has_errors = diagnostics.iter().any(Diagnostic::is_error)
            || self
                .parse_diagnostics(&order)
                .iter()
                .any(Diagnostic::is_error);
        Compilation {
            files: order,
            model: if has_errors { None } else { model },
            diagnostics,
        }
    }

    fn plan_path(&self, id: FileId) -> String {
        self.sources
            .get(id)
            .map_or_else(String::new, |f| f.path.clone())
    }
}
