//! `muster check [FILE]...`: read handbooks and report every problem.
//!
//! Each input is compiled in a [`Session`] of its own: a file is one
//! handbook (with what it uses); a directory is the handbooks whose files no
//! other file there uses; `-` is standard input. The reports of all inputs
//! are merged into one, sorted by file and position.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{EXIT_USAGE, ReportArgs, findings_status, report};
use crate::Session;
use crate::diagnostic::{self, Code, Diagnostic, printable};
use crate::source::{FileId, SourceMap};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (`-` reads standard input; a directory
    /// means its `*.muster` files that no other file there uses). Default:
    /// the current directory.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The directory no `use` may leave (default: each handbook's own
    /// directory; for standard input, the current directory)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// An I/O error in words, without Rust's "(os error 2)" suffix.
pub(super) fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied if error.get_ref().is_none() => {
            "permission denied".to_owned()
        }
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

/// Whether `path` names standard input by a device path (`/dev/stdin`),
/// which is a pipe, not a handbook file.
pub(super) fn is_stdin_path(path: &Path) -> bool {
    ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
        .iter()
        .any(|p| path == Path::new(p))
}

/// The inputs of a run, grouped by root so that files which may use each
/// other are checked together.
pub(super) enum Group {
    Stdin,
    Files {
        root: PathBuf,
        /// Every file loaded, with whether it was found by a walk (a file
        /// that cannot be read is then a diagnostic, not a usage error).
        universe: Vec<(PathBuf, bool)>,
        /// The files to report on, canonical; `None`: all of `universe`.
        /// Each is checked as part of the handbooks of the root that
        /// include it.
        targets: Option<HashSet<PathBuf>>,
    },
}

/// `path` without leading `./`, so that one file has one name in a
/// report; `.` alone is the empty path (the current directory).
fn tidy(path: &Path) -> PathBuf {
    let mut components = path.components().peekable();
    while components.peek() == Some(&std::path::Component::CurDir) {
        components.next();
    }
    components.collect()
}

fn canonical(path: &Path) -> PathBuf {
    let lookup = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    lookup.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// The walk of `dir`; a folder that cannot be read is reported on standard
/// error and sets `failed`.
fn walk(dir: &Path, failed: &mut bool) -> Vec<PathBuf> {
    let found = super::walk::handbooks_below(dir);
    for message in &found.errors {
        eprintln!("error: {message}");
        *failed = true;
    }
    found.files
}

/// The root that governs `path`: `--root`, else the root of the
/// `muster.toml` above it, else none.
fn discovered_root(path: &Path, root: Option<&PathBuf>) -> Result<Option<PathBuf>, String> {
    if let Some(root) = root {
        return Ok(Some(root.clone()));
    }
    Ok(super::config::find(path)?.map(|c| c.root))
}

pub(super) fn groups(
    inputs: &[PathBuf],
    root: Option<&PathBuf>,
    failed: &mut bool,
) -> Result<Vec<Group>, String> {
    let mut groups: Vec<Group> = Vec::new();
    let mut add =
        |group_root: PathBuf, universe: Vec<(PathBuf, bool)>, targets: Option<HashSet<PathBuf>>| {
            let group_root = tidy(&group_root);
            let universe: Vec<(PathBuf, bool)> =
                universe.into_iter().map(|(f, w)| (tidy(&f), w)).collect();
            let key = canonical(&group_root);
            let existing = groups.iter_mut().find_map(|g| match g {
                Group::Files {
                    root,
                    universe,
                    targets,
                } if canonical(root) == key => Some((universe, targets)),
                _ => None,
            });
            match existing {
                Some((old, old_targets)) => {
                    let known: HashSet<PathBuf> = old.iter().map(|(f, _)| canonical(f)).collect();
                    old.extend(
                        universe
                            .into_iter()
                            .filter(|(f, _)| !known.contains(&canonical(f))),
                    );
                    *old_targets = match (old_targets.take(), targets) {
                        (Some(mut a), Some(b)) => {
                            a.extend(b);
                            Some(a)
                        }
                        _ => None,
                    };
                }
                None => groups.push(Group::Files {
                    root: group_root,
                    universe,
                    targets,
                }),
            }
        };
    // Each root is walked once, however many of its files are named.
    let mut walked: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    let mut walk_root = |r: &Path, failed: &mut bool| {
        walked
            .entry(canonical(r))
            .or_insert_with(|| walk(r, failed))
            .clone()
    };
    let mut stdin = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                printable(&input.display().to_string()),
                io_reason(&e)
            )
        })?;
        let discovered = discovered_root(input, root)?;
        if meta.is_dir() {
            let files = walk(input, failed);
            if files.is_empty() {
                return Err(format!(
                    "no `.muster` files in `{}`",
                    printable(&input.display().to_string())
                ));
            }
            match discovered {
                Some(r) if canonical(&r) != canonical(input) => {
                    let targets = files.iter().map(|f| canonical(f)).collect();
                    let mut universe: Vec<(PathBuf, bool)> =
                        files.into_iter().map(|f| (f, true)).collect();
                    universe.extend(walk_root(&r, failed).into_iter().map(|f| (f, true)));
                    add(r, dedup(universe), Some(targets));
                }
                _ => add(
                    input.clone(),
                    files.into_iter().map(|f| (f, true)).collect(),
                    None,
                ),
            }
        } else {
            match discovered {
                Some(r) => {
                    let targets = HashSet::from([canonical(input)]);
                    let mut universe = vec![(input.clone(), false)];
                    universe.extend(walk_root(&r, failed).into_iter().map(|f| (f, true)));
                    add(r, dedup(universe), Some(targets));
                }
                None => {
                    let parent = input.parent().map(Path::to_path_buf).unwrap_or_default();
                    add(parent, vec![(input.clone(), false)], None);
                }
            }
        }
    }
    if stdin {
        groups.push(Group::Stdin);
    }
    Ok(groups)
}

/// Each file once, however it is spelled; the first spelling is kept.
fn dedup(files: Vec<(PathBuf, bool)>) -> Vec<(PathBuf, bool)> {
    let mut seen = HashSet::new();
    files
        .into_iter()
        .filter(|(f, _)| seen.insert(canonical(&tidy(f))))
        .collect()
}

/// What checking one group gave: the session with the files read, the
/// diagnostics, and how many files were checked.
struct Checked {
    session: Session,
    diagnostics: Vec<Diagnostic>,
    files: usize,
}

/// Checks one group.
fn check_group(group: &Group, root: Option<&PathBuf>) -> Result<Checked, String> {
    match group {
        Group::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {}", io_reason(&e)))?;
            let root = root.cloned().unwrap_or_default();
            let mut session = Session::new(&root).map_err(|e| {
                format!(
                    "cannot use the root `{}`: {}",
                    printable(&root.display().to_string()),
                    io_reason(&e)
                )
            })?;
            let entry = session.load_bytes("<stdin>", bytes);
            let (diagnostics, files) = check_entries(&mut session, &[entry], &[entry]);
            Ok(Checked {
                session,
                diagnostics,
                files,
            })
        }
        Group::Files { .. } => {
            let mut loaded = load_group(group)?;
            let (mut diagnostics, files) =
                check_entries(&mut loaded.session, &loaded.entries, &loaded.wanted);
            let files = files + loaded.refused.len();
            diagnostics.extend(loaded.refused);
            Ok(Checked {
                session: loaded.session,
                diagnostics,
                files,
            })
        }
    }
}

/// The files of a group, loaded: the handbooks to compile (`entries`),
/// the files asked about (`wanted`), and diagnostics for walked files
/// that could not be read.
pub(super) struct Loaded {
    pub session: Session,
    pub entries: Vec<FileId>,
    pub wanted: Vec<FileId>,
    pub refused: Vec<Diagnostic>,
}

/// Loads the files of a group of files (not standard input).
pub(super) fn load_group(group: &Group) -> Result<Loaded, String> {
    let cannot_read = |p: &Path, e: std::io::Error| {
        let mut message = format!(
            "cannot read `{}`: {}",
            printable(&p.display().to_string()),
            io_reason(&e)
        );
        if is_stdin_path(p) {
            message.push_str("\nhelp: write `-` to read standard input");
        }
        message
    };
    let Group::Files {
        root,
        universe,
        targets,
    } = group
    else {
        return Err("standard input is not a group of files".to_owned());
    };
    let mut session = Session::new(root).map_err(|e| cannot_read(root, e))?;
    let mut ids: Vec<FileId> = Vec::with_capacity(universe.len());
    let mut wanted: Vec<FileId> = Vec::new();
    let mut refused = Vec::new();
    for (file, walked) in universe {
        let target = targets
            .as_ref()
            .is_none_or(|t| t.contains(&canonical(file)));
        match session.load_entry(file) {
            Ok(id) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
                if target && !wanted.contains(&id) {
                    wanted.push(id);
                }
            }
            Err(e) if !target => drop(e),
            Err(e) if *walked => refused.push(session.refuse_entry(file, &e)),
            Err(e) => return Err(cannot_read(file, e)),
        }
    }
    let entries = handbooks_of(&session, &ids, targets.as_ref().map(|_| &wanted[..]));
    Ok(Loaded {
        session,
        entries,
        wanted,
        refused,
    })
}

/// The entries among `loaded`: the files no other loaded file uses. With
/// `targets`, only the entries whose handbooks include one of them.
fn handbooks_of(session: &Session, loaded: &[FileId], targets: Option<&[FileId]>) -> Vec<FileId> {
    let mut users: HashMap<FileId, Vec<FileId>> = HashMap::new();
    for &id in loaded {
        for used in session.uses_of(id) {
            users.entry(used).or_default().push(id);
        }
    }
    let entries = loaded.iter().copied().filter(|id| !users.contains_key(id));
    let Some(targets) = targets else {
        return entries.collect();
    };
    // Every file that includes a target, by a walk up the `use`s.
    let mut above: HashSet<FileId> = targets.iter().copied().collect();
    let mut pending: Vec<FileId> = targets.to_vec();
    while let Some(id) = pending.pop() {
        for &user in users.get(&id).map_or(&[][..], Vec::as_slice) {
            if above.insert(user) {
                pending.push(user);
            }
        }
    }
    entries.filter(|id| above.contains(id)).collect()
}

/// Compiles the handbooks of `entries`, then any of `candidates` that none
/// includes (files on a `use` cycle). Returns the diagnostics and the
/// number of files checked.
/// Each file's parse diagnostics are reported once; a diagnostic that
/// several compilations share, once; and "never used" (W0601) only when no
/// compilation that includes the file uses the name.
fn check_entries(
    session: &mut Session,
    entries: &[FileId],
    candidates: &[FileId],
) -> (Vec<Diagnostic>, usize) {
    let mut entries: Vec<FileId> = entries.to_vec();
    let mut covered: HashSet<FileId> = HashSet::new();
    let mut inclusions: HashMap<FileId, usize> = HashMap::new();
    type Key = (FileId, usize, usize, Code, String);
    let mut shared: BTreeMap<Key, Diagnostic> = BTreeMap::new();
    let mut unused: BTreeMap<Key, (usize, Diagnostic)> = BTreeMap::new();
    let mut next = 0;
    loop {
        if next == entries.len() {
            // Candidates no entry reached (a `use` cycle): compile them too.
            match candidates.iter().find(|id| !covered.contains(id)) {
                Some(&left) => entries.push(left),
                None => break,
            }
        }
        // Releasing, and only the findings: the trees are not needed after
        // their compilation, and neither is the model, so the checker frees
        // both as it goes.
        let compilation = session.check_releasing(entries[next]);
        next += 1;
        for &file in &compilation.files {
            covered.insert(file);
            *inclusions.entry(file).or_default() += 1;
        }
        for d in compilation.diagnostics {
            let key = (
                d.span.file,
                d.span.start(),
                d.span.end(),
                d.code,
                d.message.clone(),
            );
            if d.code == Code::W0601 {
                unused.entry(key).or_insert((0, d)).0 += 1;
            } else {
                shared.entry(key).or_insert(d);
            }
        }
    }
    let mut all: Vec<FileId> = covered.iter().copied().collect();
    all.sort();
    let mut out = session.parse_diagnostics(&all);
    out.extend(shared.into_values());
    out.extend(
        unused
            .into_values()
            .filter(|(n, d)| inclusions.get(&d.span.file) == Some(n))
            .map(|(_, d)| d),
    );
    (out, all.len())
}

pub fn run(args: &CheckArgs) -> u8 {
    let default = [PathBuf::from(".")];
    let inputs = if args.files.is_empty() {
        &default[..]
    } else {
        &args.files[..]
    };
    let mut failed = false;
    let groups = match groups(inputs, args.root.as_ref(), &mut failed) {
        Ok(groups) => groups,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut files = 0;
    for group in &groups {
        let start = match group {
            Group::Stdin => args.root.clone(),
            Group::Files { root, .. } => Some(root.clone()),
        };
        match check_group(group, args.root.as_ref()) {
            Ok(checked) => {
                let found = match super::settle(
                    &args.report,
                    start.as_deref(),
                    &checked.session.sources,
                    checked.diagnostics,
                ) {
                    Ok(found) => found,
                    Err(message) => {
                        eprintln!("error: {message}");
                        return EXIT_USAGE;
                    }
                };
                files += checked.files;
                let map = sources.absorb(checked.session.sources);
                for mut d in found {
                    d.remap(&map);
                    diagnostics.push(d);
                }
            }
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    if failed && sources.is_empty() {
        return EXIT_USAGE;
    }
    diagnostic::sort(&mut diagnostics);
    let stdout = std::io::stdout();
    let terminal = std::io::IsTerminal::is_terminal(&stdout);
    let mut out = stdout.lock();
    let counts = match report(
        &mut out,
        terminal,
        &sources,
        &diagnostics,
        &args.report,
        files,
    ) {
        Ok(counts) => counts,
        Err(e) => {
            eprintln!("error: cannot write the report: {}", io_reason(&e));
            return EXIT_USAGE;
        }
    };
    let _ = out.flush();
    if failed {
        return EXIT_USAGE;
    }
    findings_status(counts, false)
}
