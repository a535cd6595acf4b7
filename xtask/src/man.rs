//! `man [--check]`: the manual page `docs/muster.1`, generated from the
//! clap definitions (clap_mangen), one page for the command and each
//! subcommand's options in its own section; `--check` fails when the
//! committed page is not the one the code generates.

use clap::CommandFactory;

/// The page, as roff.
pub fn page() -> Result<Vec<u8>, String> {
    let command = muster::cli::Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(command.clone());
    man.render(&mut out).map_err(|e| e.to_string())?;
    for sub in command.get_subcommands() {
        let sub = sub.clone().bin_name(format!("muster {}", sub.get_name()));
        out.extend_from_slice(
            format!(".SH \"MUSTER {}\"\n", sub.get_name().to_uppercase()).as_bytes(),
        );
        let man = clap_mangen::Man::new(sub);
        man.render_description_section(&mut out)
            .map_err(|e| e.to_string())?;
        man.render_synopsis_section(&mut out)
            .map_err(|e| e.to_string())?;
        man.render_options_section(&mut out)
            .map_err(|e| e.to_string())?;
    }
    // No line ends in spaces (the repository's tidy rule; roff ignores them).
    let text = String::from_utf8_lossy(&out);
    let mut tidy: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    if tidy.is_empty() {
        tidy.push('\n');
    }
    Ok(tidy.into_bytes())
}

pub fn run(check: bool) -> Result<(), String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/muster.1");
    let page = page()?;
    if check {
        let committed = std::fs::read(&path).map_err(|e| format!("docs/muster.1: {e}"))?;
        if committed != page {
            return Err("docs/muster.1 is out of date: run `cargo run -p xtask -- man`".into());
        }
        return Ok(());
    }
    std::fs::write(&path, page).map_err(|e| format!("docs/muster.1: {e}"))
}
