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

/// The `*.muster` files of a directory, sorted by name.
fn handbooks_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read directory `{}`: {}",
            dir.display(),
            io_reason(&e)
        )
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "muster") && p.is_file())
        .collect();
    if found.is_empty() {
        return Err(format!("no `.muster` files in `{}`", dir.display()));
    }
    found.sort();
    Ok(found)
}

/// The inputs of a run, grouped so that files which may use each other are
/// checked together: files under one root (their own directory, or
/// `--root`), and the `*.muster` files of a directory, form one group.
enum Group {
    Stdin,
    /// Each file with whether it was found in a directory (a file that
    /// cannot be read is then a diagnostic, not a usage error).
    Files {
        root: PathBuf,
        files: Vec<(PathBuf, bool)>,
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

fn groups(inputs: &[PathBuf], root: Option<&PathBuf>) -> Result<Vec<Group>, String> {
    let mut groups: Vec<Group> = Vec::new();
    // Each file once, however it is spelled (`x.muster`, `./x.muster`).
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut add = |group_root: PathBuf, new: Vec<PathBuf>, walked: bool| {
        let group_root = tidy(&group_root);
        let new: Vec<(PathBuf, bool)> = new
            .into_iter()
            .map(|file| tidy(&file))
            .filter(|file| seen.insert(file.canonicalize().unwrap_or_else(|_| file.clone())))
            .map(|file| (file, walked))
            .collect();
        let existing = groups.iter_mut().find_map(|g| match g {
            Group::Files { root, files } if *root == group_root => Some(files),
            _ => None,
        });
        match existing {
            Some(files) => files.extend(new),
            None => groups.push(Group::Files {
                root: group_root,
                files: new,
            }),
        }
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
        if meta.is_dir() {
            let files = handbooks_in(input)?;
            add(root.cloned().unwrap_or_else(|| input.clone()), files, true);
        } else {
            let parent = input.parent().map(Path::to_path_buf).unwrap_or_default();
            add(root.cloned().unwrap_or(parent), vec![input.clone()], false);
        }
    }
    if stdin {
        groups.push(Group::Stdin);
    }
    Ok(groups)
}

/// Checks one group; the session holds the files read.
fn check_group(
    group: &Group,
    root: Option<&PathBuf>,
) -> Result<(Session, Vec<Diagnostic>), String> {
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
                    root.display(),
                    io_reason(&e)
                )
            })?;
            let entry = session.load_bytes("<stdin>", bytes);
            let diagnostics = check_entries(&session, &[entry]);
            Ok((session, diagnostics))
        }
        Group::Files { root, files } => {
            let mut session = Session::new(root).map_err(|e| cannot_read(root, e))?;
            let mut ids = Vec::with_capacity(files.len());
            let mut refused = Vec::new();
            for (file, walked) in files {
                match session.load_entry(file) {
                    Ok(id) => {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    Err(e) if *walked => refused.push(session.refuse_entry(file, &e)),
                    Err(e) => return Err(cannot_read(file, e)),
                }
            }
            let mut diagnostics = check_entries(&session, &ids);
            diagnostics.extend(refused);
            Ok((session, diagnostics))
        }
    }
}

/// Compiles the handbooks among `candidates`: those that no other
/// candidate uses, then any candidate left out (files on a `use` cycle).
/// Each file's parse diagnostics are reported once; a diagnostic that
/// several compilations share, once; and "never used" (W0601) only when no
/// compilation that includes the file uses the name.
fn check_entries(session: &Session, candidates: &[FileId]) -> Vec<Diagnostic> {
    let used: HashSet<FileId> = candidates
        .iter()
        .flat_map(|&id| session.uses_of(id))
        .collect();
    let mut entries: Vec<FileId> = candidates
        .iter()
        .copied()
        .filter(|id| !used.contains(id))
        .collect();
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
        let compilation = session.compile(entries[next]);
        next += 1;
        for &file in &compilation.files {
            covered.insert(file);
            *inclusions.entry(file).or_default() += 1;
        }
        for d in compilation.diagnostics {
            let key = (
                d.span.file,
                d.span.start,
                d.span.end,
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
    let all: Vec<FileId> = session.sources.iter().map(|(id, _)| id).collect();
    let mut out = session.parse_diagnostics(&all);
    out.extend(shared.into_values());
    out.extend(
        unused
            .into_values()
            .filter(|(n, d)| inclusions.get(&d.span.file) == Some(n))
            .map(|(_, d)| d),
    );
    out
}

pub fn run(args: &CheckArgs) -> u8 {
    let default = [PathBuf::from(".")];
    let inputs = if args.files.is_empty() {
        &default[..]
    } else {
        &args.files[..]
    };
    let groups = match groups(inputs, args.root.as_ref()) {
        Ok(groups) => groups,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut failed = false;
    for group in &groups {
        match check_group(group, args.root.as_ref()) {
            Ok((session, mut found)) => {
                let map = sources.absorb(session.sources);
                for d in &mut found {
                    d.remap(&map);
                }
                diagnostics.extend(found);
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
        sources.len(),
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
    findings_status(counts, args.report.deny_warnings)
}
