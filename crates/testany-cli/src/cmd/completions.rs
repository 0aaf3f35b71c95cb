//! `testany completions SHELL` and `testany man`: shell completions and the man page,
//! generated from the clap definitions (clap_complete, clap_mangen) so they never drift
//! from the real arguments. Both are hidden: the release archives ship their output
//! (`assets/`, kept current by the test below), and packagers can call them.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

/// The binary's name in completions and in the man page.
const BIN: &str = "testany";

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: Shell,
}

/// Prints the completion script for `args.shell` on stdout.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    write_stdout(&completion_script(args.shell))
}

/// Prints the man page (roff) on stdout.
pub fn man() -> anyhow::Result<ExitCode> {
    write_stdout(&man_page()?)
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    // Our own generated text, not service output: no sanitising writer needed.
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut crate::Cli::command(), BIN, &mut out);
    out
}

pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::Cli::command()).render(&mut out)?;
    Ok(out)
}

/// One page per visible command, `testany.1` and `testany-status.1` etc. (the page
/// names clap_mangen's SUBCOMMANDS sections refer to), as `clap_mangen::generate_to`
/// writes them, in memory.
#[cfg(test)]
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, pages)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut out = Vec::new();
        man.render(&mut out)?;
        pages.push((man.get_filename(), out));
        Ok(())
    }
    let mut cmd = crate::Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    pages.sort();
    Ok(pages)
}

/// What the release archives ship from `crates/testany-cli/` (dist-workspace.toml's
/// `include`), path relative to the crate and contents.
#[cfg(test)]
pub fn shipped_files() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        ("completions/testany.bash", completion_script(Shell::Bash)),
        ("completions/_testany", completion_script(Shell::Zsh)),
        ("completions/testany.fish", completion_script(Shell::Fish)),
        (
            "completions/_testany.ps1",
            completion_script(Shell::PowerShell),
        ),
        ("completions/testany.elv", completion_script(Shell::Elvish)),
    ]
    .into_iter()
    .map(|(rel, text)| (format!("assets/{rel}"), text))
    .collect::<Vec<_>>();
    for (name, page) in man_pages()? {
        files.push((format!("assets/man/{name}"), page));
    }
    Ok(files)
}

/// Files under `root/assets` that differ from what the clap definitions generate, or
/// that nothing generates any more; each is rewritten or removed, so a second run
/// passes once the change is committed.
#[cfg(test)]
pub fn refresh_shipped(root: &std::path::Path) -> std::io::Result<Vec<String>> {
    let files = shipped_files()?;
    let mut stale = Vec::new();
    for dir in ["assets/completions", "assets/man"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let rel = format!("{dir}/{}", entry?.file_name().to_string_lossy());
            if !files.iter().any(|(want, _)| *want == rel) {
                std::fs::remove_file(root.join(&rel))?;
                stale.push(rel);
            }
        }
    }
    for (rel, want) in files {
        let path = root.join(&rel);
        if std::fs::read(&path).ok().as_deref() != Some(want.as_slice()) {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &want)?;
            stale.push(rel);
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The archives ship `assets/`: a changed argument must be regenerated and committed.
    #[test]
    fn shipped_completions_and_man_page_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let stale = refresh_shipped(root).unwrap();
        assert!(
            stale.is_empty(),
            "regenerated {stale:?} from the clap definitions; commit them"
        );
    }

    #[test]
    fn completions_cover_the_public_commands_only() {
        let bash = String::from_utf8(completion_script(Shell::Bash)).unwrap();
        for public in ["status", "executions", "analyze", "demo", "lsp", "mock"] {
            assert!(bash.contains(public), "bash completion lacks `{public}`");
        }
        // The generators themselves are hidden from users' completion lists.
        assert!(!bash.contains("testany__completions"), "{bash}");
        assert!(!bash.contains("testany__man"), "{bash}");
        let fish = String::from_utf8(completion_script(Shell::Fish)).unwrap();
        assert!(fish.contains("complete -c testany"), "{fish}");
    }

    #[test]
    fn man_page_names_the_binary_and_its_commands() {
        let man = String::from_utf8(man_page().unwrap()).unwrap();
        assert!(man.starts_with(".ie \\n(.g .ds Aq \\(aq"), "{man}");
        assert!(man.contains(".TH testany 1"), "{man}");
        assert!(man.contains("testany\\-demo"), "{man}");
        assert!(!man.contains("testany\\-completions"), "{man}");
        let names: Vec<String> = man_pages().unwrap().into_iter().map(|(n, _)| n).collect();
        for page in ["testany.1", "testany-demo.1", "testany-executions-list.1"] {
            assert!(names.iter().any(|n| n == page), "{names:?}");
        }
        assert!(
            !names
                .iter()
                .any(|n| n.contains("completions") || n.contains("-man")),
            "{names:?}"
        );
    }
}
