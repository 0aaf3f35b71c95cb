//! `cargo xtask test`: the project's one test command (design.md section 10).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("cannot enter the workspace root")?;
    match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("wasm-core") => wasm_core(),
        Some(other) => bail!("unknown task `{other}`; try `cargo xtask test`"),
        None => bail!("missing task; try `cargo xtask test`"),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("xtask lives two levels below the root")
        .to_path_buf()
}

fn test() -> Result<()> {
    step("format", cargo(&["fmt", "--all", "--", "--check"]))?;
    step(
        "clippy",
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("tests", cargo(&["test", "--workspace", "--locked"]))?;
    wasm_core()?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// testany-core must stay free of I/O and runtimes; building it for wasm32 proves it.
fn wasm_core() -> Result<()> {
    ensure_wasm_target()?;
    step(
        "wasm32 build of testany-core",
        cargo(&[
            "build",
            "--package",
            "testany-core",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
        ]),
    )
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", "wasm32-unknown-unknown"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    step("install wasm32 target", cmd)
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args);
    cmd
}

fn step(name: &str, mut cmd: Command) -> Result<()> {
    eprintln!("xtask: {name}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start the {name} step"))?;
    if !status.success() {
        bail!("the {name} step failed ({status})");
    }
    Ok(())
}
