//! The `testany` command.

use clap::Parser;

/// Testany in the terminal and the editor.
#[derive(Debug, Parser)]
#[command(name = "testany", version, about)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
