//! Fuzzes the whole compiler on one file: decoding, parsing, lowering and
//! checking, then rendering the diagnostics in every output format, and
//! formatting. None of it may panic, overflow the stack or hang, whatever
//! the bytes; and a file that formats must format to a fixed point that
//! still parses, with the same comments.

#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::diagnostic::{HumanOptions, write_github, write_human, write_json};
use muster::source::{SourceFile, SourceMap};

fuzz_target!(|data: &[u8]| {
    let mut sources = SourceMap::new();
    let (id, encoding_error) = muster::add_source(&mut sources, "fuzz.muster", data.to_vec());
    let decoded = encoding_error.is_none();
    let diagnostics = match encoding_error {
        Some(diagnostic) => vec![diagnostic],
        None => muster::compile(&sources, id).diagnostics,
    };

    // The parser turns its own panics and unexpected tree shapes into an
    // "internal error" diagnostic; for the fuzzer that is a bug all the same.
    for diagnostic in &diagnostics {
        assert!(
            !diagnostic.message.starts_with("internal error"),
            "internal error diagnostic: {diagnostic:?}"
        );
    }

    let mut out = Vec::new();
    write_human(&mut out, &sources, &diagnostics, HumanOptions { color: false })
        .expect("writing to a Vec cannot fail");
    out.clear();
    write_json(&mut out, &sources, &diagnostics).expect("writing to a Vec cannot fail");
    out.clear();
    write_github(&mut out, &sources, &diagnostics).expect("writing to a Vec cannot fail");

    if decoded
        && let Ok(formatted) = muster::fmt::format_source(&sources, id)
    {
        let mut again = SourceMap::new();
        let second = again.add(SourceFile::new("formatted.muster", formatted.clone()));
        let reformatted = muster::fmt::format_source(&again, second)
            .expect("formatted text parses");
        assert_eq!(reformatted, formatted, "formatting is not idempotent");
        let count = |text: &str| muster::syntax::comments(text).len();
        let original = sources.get(id).map_or("", |f| f.text.as_str());
        assert_eq!(count(original), count(&formatted), "a comment was lost");
    }
});
