//! The concise writer (`--format concise`): one line per diagnostic,
//! `file:line:col: error[E0102]: message`, as compilers write them, for
//! editors, `grep` and the problem matcher in `.github/muster-problem-matcher.json`.

use std::io::{self, Write};

use super::{Diagnostic, printable};
use crate::source::SourceMap;

/// Writes one line per diagnostic; every text from the input is escaped.
pub fn write_concise(
    out: &mut dyn Write,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> io::Result<()> {
    for d in diagnostics {
        let (name, line, column) = match sources.get(d.span.file) {
            Some(file) => {
                let lc = file.line_col(d.span.start());
                (file.name.as_str(), lc.line, lc.column)
            }
            None => ("", 1, 1),
        };
        writeln!(
            out,
            "{}:{line}:{column}: {}[{}]: {}",
            printable(name),
            d.severity.as_str(),
            d.code.as_str(),
            printable(&d.message)
        )?;
    }
    Ok(())
}
