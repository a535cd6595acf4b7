//! Fuzzes the front end: decoding, parsing and lowering one file, then
//! rendering its diagnostics in every output format. None of it may panic,
//! overflow the stack or hang, whatever the bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use muster::diagnostic::{HumanOptions, write_github, write_human, write_json};
use muster::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    let mut sources = SourceMap::new();
    let (id, encoding_error) = muster::add_source(&mut sources, "fuzz.muster", data.to_vec());
    let diagnostics = match encoding_error {
        Some(diagnostic) => vec![diagnostic],
        None => muster::parse_source(&sources, id).diagnostics,
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
});
