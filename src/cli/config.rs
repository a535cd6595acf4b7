//! `muster.toml` and the level of each diagnostic code.
//!
//! A `muster.toml` marks the root of a handbook: a file named on the
//! command line below it is checked as part of the handbook it belongs to.
//! It is found by walking up from the input, stopping at the top of a Git
//! repository (a folder holding `.git`). Its keys (every one optional,
//! none other allowed):
//!
//! ```toml
//! root = "."          # the root, relative to this file (default: its folder)
//! format = "github"   # the default of `--format`
//! [levels]            # per code: "allow", "warn" or "deny"; `warnings` for all
//! W0601 = "allow"
//! warnings = "deny"
//! ```
//!
//! Levels are decided in layers, the later winning: the code's default,
//! `muster.toml`, the command line (`--allow`, `--warn`, `--deny`), then a
//! `// muster: allow(CODE)` comment on the line before a declaration. In a
//! layer, a code named by itself wins over `warnings`. Only warnings can
//! be allowed or kept as warnings: an error stays an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Code, Diagnostic, Severity, printable};
use crate::source::{FileId, SourceMap};

/// The name of the file that marks a handbook's root.
pub const FILE_NAME: &str = "muster.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    root: Option<String>,
    format: Option<String>,
    #[serde(default)]
    levels: BTreeMap<String, String>,
}

/// A `muster.toml`, read and checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The root it names, as a path usable from the current directory.
    pub root: PathBuf,
    pub format: Option<super::Format>,
    pub levels: Levels,
}

/// What to do with the diagnostics of one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// The levels one layer sets: per code, and for every warning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Levels {
    codes: BTreeMap<Code, Level>,
    warnings: Option<Level>,
}

impl Levels {
    /// Sets the level of `name` (a code, or `warnings`). An error cannot be
    /// allowed or made a warning; a code given two levels is refused.
    pub fn set(&mut self, name: &str, level: Level) -> Result<(), String> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("warnings") {
            if self.warnings.is_some_and(|l| l != level) {
                return Err("`warnings` is given two levels".into());
            }
            self.warnings = Some(level);
            return Ok(());
        }
        let Some(code) = Code::parse(name) else {
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            let mut message = format!("unknown diagnostic code `{}`", printable(name));
            if let Some(best) = crate::suggest::closest(&name.to_uppercase(), codes.iter().copied())
            {
                message.push_str(&format!("\nhelp: did you mean `{best}`?"));
            }
            return Err(message);
        };
        if code.severity() == Severity::Error && level != Level::Deny {
            return Err(format!(
                "`{}` is an error and cannot be set to `{}`: only warnings can be allowed",
                code.as_str(),
                level.word()
            ));
        }
        match self.codes.insert(code, level) {
            Some(old) if old != level => Err(format!("`{}` is given two levels", code.as_str())),
            _ => Ok(()),
        }
    }

    fn level(&self, code: Code) -> Option<Level> {
        self.codes.get(&code).copied().or(match code.severity() {
            Severity::Warning => self.warnings,
            Severity::Error => None,
        })
    }
}

/// The `muster.toml` that governs `start` (a file or a folder): the first
/// one found in its folder or above, up to the top of a Git repository.
pub fn find(start: &Path) -> Result<Option<Config>, String> {
    let lookup = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let Ok(canonical) = lookup.canonicalize() else {
        return Ok(None);
    };
    let first = if canonical.is_dir() {
        canonical.as_path()
    } else {
        match canonical.parent() {
            Some(p) => p,
            None => return Ok(None),
        }
    };
    for dir in first.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return read(&candidate, &shown(dir)).map(Some);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(None)
}

/// `dir` as a path from the current directory when it lies below it.
fn shown(dir: &Path) -> PathBuf {
    match std::env::current_dir().and_then(|d| d.canonicalize()) {
        Ok(cwd) => match dir.strip_prefix(&cwd) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => dir.to_path_buf(),
        },
        Err(_) => dir.to_path_buf(),
    }
}

/// Reads the `muster.toml` at `path`, in the folder shown as `dir`.
fn read(path: &Path, dir: &Path) -> Result<Config, String> {
    let name = printable(&dir.join(FILE_NAME).display().to_string()).into_owned();
    let bytes = crate::load::read_source(path)
        .map_err(|e| format!("cannot read `{name}`: {}", super::check::io_reason(&e)))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("`{name}` is not UTF-8"))?;
    parse(&text, dir).map_err(|e| format!("in `{name}`: {e}"))
}

/// Parses the text of a `muster.toml` found in `dir`.
pub fn parse(text: &str, dir: &Path) -> Result<Config, String> {
    let raw: Raw = toml::from_str(text).map_err(|e| printable(e.message()).into_owned())?;
    let root = match raw.root.as_deref() {
        None | Some("" | ".") => dir.to_path_buf(),
        Some(root) if Path::new(root).is_absolute() => {
            return Err(format!(
                "`root` must be relative to the file, not `{}`",
                printable(root)
            ));
        }
        Some(root) => dir.join(root),
    };
    let format = match raw.format.as_deref() {
        None => None,
        Some(f) => Some(
            <super::Format as clap::ValueEnum>::from_str(f, false).map_err(|_| {
                format!(
                    "unknown format `{}`: it is one of human, concise, json, github, sarif",
                    printable(f)
                )
            })?,
        ),
    };
    let mut levels = Levels::default();
    for (name, level) in &raw.levels {
        let level = Level::parse(level).ok_or_else(|| {
            format!(
                "the level of `{}` is `{}`: it is `allow`, `warn` or `deny`",
                printable(name),
                printable(level)
            )
        })?;
        levels.set(name, level)?;
    }
    Ok(Config {
        root,
        format,
        levels,
    })
}

/// The codes a `// muster: allow(CODE, …)` comment names, if it is one.
fn allow_comment(text: &str) -> Option<Vec<Code>> {
    let rest = text.trim().strip_prefix("//")?.trim_start();
    let rest = rest.strip_prefix("muster:")?.trim_start();
    let inner = rest.strip_prefix("allow(")?;
    let inner = &inner[..inner.find(')')?];
    Some(
        inner
            .split(',')
            .filter_map(|c| Code::parse(c.trim()))
            .collect(),
    )
}

/// Per file, the byte ranges of declarations with the codes allowed in
/// them by a `// muster: allow(…)` comment on the line before (comments
/// may stand between the two, blank lines may not).
fn inline_allows(sources: &SourceMap, file: FileId) -> Vec<(usize, usize, Vec<Code>)> {
    let Some(source) = sources.get(file) else {
        return Vec::new();
    };
    let text = source.text.as_str();
    if !text.contains("muster:") {
        return Vec::new();
    }
    // The declarations' ranges from a scan of the text: parsing the file
    // again would cost as much as checking it.
    let comments = crate::syntax::comments(text);
    let declarations = crate::syntax::declaration_ranges(text, &comments);
    let mut out = Vec::new();
    for (start, end) in comments {
        let Some(codes) = text.get(start..end).and_then(allow_comment) else {
            continue;
        };
        let next = declarations.partition_point(|&(s, _)| s < end);
        let Some(&(decl_start, decl_end)) = declarations.get(next) else {
            continue;
        };
        let between = text.get(end..decl_start).unwrap_or("");
        let pieces: Vec<&str> = between.split('\n').collect();
        let adjacent = pieces.len() >= 2
            && pieces.first().is_some_and(|p| p.trim().is_empty())
            && pieces.last().is_some_and(|p| p.trim().is_empty())
            && pieces[1..pieces.len() - 1]
                .iter()
                .all(|line| line.trim().starts_with("//"));
        if adjacent {
            out.push((decl_start, decl_end, codes));
        }
    }
    out
}

/// Applies the levels to `diagnostics`: drops what is allowed, makes
/// errors of what is denied. `cli` is the command line's layer, `config`
/// the `muster.toml`'s.
pub fn apply(
    sources: &SourceMap,
    diagnostics: Vec<Diagnostic>,
    config: &Levels,
    cli: &Levels,
) -> Vec<Diagnostic> {
    let mut allows: BTreeMap<FileId, Vec<(usize, usize, Vec<Code>)>> = BTreeMap::new();
    let mut out = Vec::with_capacity(diagnostics.len());
    for mut d in diagnostics {
        if d.severity == Severity::Warning {
            let file = allows
                .entry(d.span.file)
                .or_insert_with(|| inline_allows(sources, d.span.file));
            let inline = file.iter().any(|(s, e, codes)| {
                *s <= d.span.start() && d.span.start() < *e && codes.contains(&d.code)
            });
            if inline {
                continue;
            }
            match cli.level(d.code).or_else(|| config.level(d.code)) {
                Some(Level::Allow) => continue,
                Some(Level::Deny) => {
                    d.severity = Severity::Error;
                    d.notes.push(format!(
                        "`{}` is denied: it counts as an error",
                        d.code.as_str()
                    ));
                }
                Some(Level::Warn) | None => {}
            }
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_comments_are_recognised() {
        assert_eq!(
            allow_comment("// muster: allow(W0601)"),
            Some(vec![Code::W0601])
        );
        assert_eq!(
            allow_comment("//muster:allow(W0601, w0403)"),
            Some(vec![Code::W0601, Code::W0403])
        );
        assert_eq!(allow_comment("// allow(W0601)"), None);
    }

    #[test]
    fn errors_cannot_be_allowed() {
        let mut levels = Levels::default();
        assert!(levels.set("E0102", Level::Allow).is_err());
        assert!(levels.set("E0102", Level::Deny).is_ok());
        assert!(levels.set("W0601", Level::Allow).is_ok());
        assert!(levels.set("W0601", Level::Deny).is_err());
        assert!(levels.set("X1", Level::Deny).is_err());
    }

    #[test]
    fn the_file_is_checked() {
        let dir = Path::new("h");
        let c = parse("format = \"sarif\"\n[levels]\nW0601 = \"allow\"\n", dir).unwrap();
        assert_eq!(c.format, Some(crate::cli::Format::Sarif));
        assert!(parse("colour = 1\n", dir).is_err());
        assert!(parse("[levels]\nW0601 = \"never\"\n", dir).is_err());
        assert!(parse("root = \"/etc\"\n", dir).is_err());
    }
}
