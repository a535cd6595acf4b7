//! Fuzzes loading a handbook from disk, where the hostile part is the
//! shape of the file system: the input is cut into up to four files,
//! written under names that nest, climb out of the root or repeat, beside
//! a symbolic link that points out of the root, one that loops, a FIFO, a
//! directory named like a handbook and a file over the size limit (sparse,
//! so it costs no disk). `compile_file` on the entry must return (never
//! hang on the FIFO, never read the large file), never panic, never report
//! an internal error, and never read a file outside the root.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use muster::diagnostic::{HumanOptions, write_github, write_human, write_json};

/// Where the pieces of the input are written, below the root.
const NAMES: [&str; 4] = [
    "main.muster",
    "catalogue/actors.muster",
    "procedures/p.muster",
    "catalogue/../shared.muster",
];

/// Lines prepended to the entry so that its `use`s reach every shape.
const USES: &str = "use \"catalogue/actors.muster\"\nuse \"procedures/p.muster\"\n\
use \"out/secret.muster\"\nuse \"loop.muster\"\nuse \"fifo.muster\"\nuse \"dir.muster\"\n\
use \"big.muster\"\nuse \"../outside.muster\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(top) = tempfile::tempdir() else {
        return;
    };
    let root = top.path().join("root");
    let setup = || -> std::io::Result<()> {
        std::fs::create_dir_all(root.join("catalogue"))?;
        std::fs::create_dir_all(root.join("procedures"))?;
        std::fs::create_dir_all(root.join("dir.muster"))?;
        std::fs::write(top.path().join("outside.muster"), "actor secret { kind role }")?;
        std::os::unix::fs::symlink(top.path(), root.join("out"))?;
        std::os::unix::fs::symlink("loop.muster", root.join("loop.muster"))?;
        let fifo = root.join("fifo.muster");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status()?;
        if !status.success() {
            return Err(std::io::Error::other("mkfifo failed"));
        }
        let big = std::fs::File::create(root.join("big.muster"))?;
        big.set_len(1 << 30)?;
        for (k, piece) in data.split(|&b| b == 0xFE).take(NAMES.len()).enumerate() {
            let mut bytes = Vec::new();
            if k == 0 {
                bytes.extend_from_slice(USES.as_bytes());
            }
            bytes.extend_from_slice(piece);
            std::fs::write(root.join(Path::new(NAMES[k])), bytes)?;
        }
        Ok(())
    };
    if setup().is_err() {
        return;
    }
    let Ok(output) = muster::compile_file(root.join("main.muster"), &muster::Options::default())
    else {
        return;
    };
    for diagnostic in &output.diagnostics {
        assert!(
            !diagnostic.message.starts_with("internal error"),
            "internal error diagnostic: {diagnostic:?}"
        );
    }
    let Ok(canonical_root) = root.canonicalize() else {
        return;
    };
    for input in &output.inputs {
        assert!(
            input.starts_with(&canonical_root),
            "a file outside the root was read: {}",
            input.display()
        );
    }
    let mut out = Vec::new();
    write_human(&mut out, &output.sources, &output.diagnostics, HumanOptions { color: false })
        .expect("writing to a Vec cannot fail");
    write_json(&mut out, &output.sources, &output.diagnostics)
        .expect("writing to a Vec cannot fail");
    write_github(&mut out, &output.sources, &output.diagnostics)
        .expect("writing to a Vec cannot fail");
});
