//! Where artefacts go: standard output, or a file written so that nothing
//! is lost. Every `-o OUT` and `fmt`'s rewrite go through here.
//!
//! - `-` is standard output.
//! - The output must be a regular file or a new one: a directory, FIFO,
//!   socket or device is refused (writing "to" `/dev/full` must never
//!   replace the device with a file), and so is a file that is an input of
//!   the compilation (`build h.muster -o h.muster` would destroy the
//!   handbook).
//! - A symbolic link is written through: its target gets the new content,
//!   the link stays.
//! - A read-only file is refused.
//! - The file is replaced atomically (a temporary file beside it, then a
//!   rename) and keeps its mode and owner; a new file gets the mode the
//!   umask allows. A file with several hard links is rewritten in place,
//!   so that the links keep sharing it.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::load::not_regular;

/// Where an artefact is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Stdout,
    /// The file to write: the path given, or the target of the symbolic
    /// link given.
    File(PathBuf),
}

/// Shell-quotes a path for a command shown to the user, so that copying it
/// works (`'my plans/a.json'`).
pub fn shell_quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./-+=:,@%".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Decides where `out` may be written, or why it may not (a message for
/// the user; the caller exits with status 2). `inputs` are the canonical
/// paths of the files the artefact was made from.
pub fn destination(out: &Path, inputs: &[PathBuf]) -> Result<Destination, String> {
    if out.as_os_str() == "-" {
        return Ok(Destination::Stdout);
    }
    let shown = crate::diagnostic::printable(&out.display().to_string()).into_owned();
    let refuse = |why: String| Err(format!("cannot write `{shown}`: {why}"));
    let link = match std::fs::symlink_metadata(out) {
        Ok(link) => link,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = match out.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => Path::new("."),
            };
            return match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => Ok(Destination::File(out.to_path_buf())),
                Ok(_) => refuse(format!("`{}` is not a directory", dir.display())),
                Err(_) => refuse(format!("the directory `{}` does not exist", dir.display())),
            };
        }
        Err(e) => return refuse(super::check::io_reason(&e)),
    };
    let (metadata, target) = if link.file_type().is_symlink() {
        match (std::fs::metadata(out), out.canonicalize()) {
            (Ok(metadata), Ok(target)) => (metadata, target),
            _ => return refuse("it is a symbolic link to a file that does not exist".into()),
        }
    } else {
        (link, out.to_path_buf())
    };
    if let Some(kind) = not_regular(&metadata) {
        return refuse(format!(
            "it is {kind}; the output must be a regular file or a new one"
        ));
    }
    if let Some(input) = inputs.iter().find(|input| same_file(input, &target)) {
        return refuse(format!(
            "it is `{}`, an input of the compilation: the output would destroy it",
            input.display()
        ));
    }
    if metadata.permissions().readonly() {
        return refuse("it is read-only".into());
    }
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(&target) {
        return refuse(super::check::io_reason(&e));
    }
    Ok(Destination::File(target))
}

/// Whether two paths name the same file (the same inode, so hard links
/// count too).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes `bytes` to `path` (a regular file or a new one, as
/// [`destination`] decided): atomically through a temporary file beside
/// it, keeping the mode and owner of the file it replaces; a file with
/// several hard links is rewritten in place instead.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let existing = std::fs::metadata(path).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if existing.as_ref().is_some_and(|m| m.nlink() > 1) {
            return write_in_place(path, bytes);
        }
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".muster-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // A new file gets what the umask allows of 0666, as any editor's.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot create a temporary file in `{}`: {}",
                dir.display(),
                super::check::io_reason(&e)
            ),
        )
    })?;
    #[cfg(unix)]
    if let Some(old) = &existing {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))?;
        let new = file.as_file().metadata()?;
        if (new.uid(), new.gid()) != (old.uid(), old.gid())
            && std::os::unix::fs::fchown(file.as_file(), Some(old.uid()), Some(old.gid())).is_err()
        {
            // The owner cannot be kept by replacing the file: rewrite it.
            drop(file);
            return write_in_place(path, bytes);
        }
    }
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Truncates and rewrites `path`: keeps its inode (hard links, owner,
/// mode), at the price of atomicity.
fn write_in_place(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn paths_are_quoted_only_when_a_shell_needs_it() {
        assert_eq!(shell_quote("docs/art42_7.dot"), "docs/art42_7.dot");
        assert_eq!(shell_quote("my plans/a.json"), "'my plans/a.json'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
