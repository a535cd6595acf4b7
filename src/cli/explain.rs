//! `muster explain CODE`: print the explanation of a diagnostic code.

use clap::Args;

use super::{EXIT_OK, EXIT_USAGE};
use crate::diagnostic::Code;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A diagnostic code, such as E0201 (case does not matter)
    pub code: String,
}

pub fn run(args: &ExplainArgs) -> u8 {
    match Code::parse(args.code.trim()) {
        Some(code) => {
            print!("{}", crate::explain::text(code));
            EXIT_OK
        }
        None => {
            eprintln!("error: unknown diagnostic code `{}`", args.code);
            let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
            if let Some(best) =
                crate::suggest::closest(&args.code.to_uppercase(), codes.iter().copied())
            {
                eprintln!("help: did you mean `{best}`?");
            }
            eprintln!("note: the codes are {}", codes.join(", "));
            EXIT_USAGE
        }
    }
}
