//! `cargo xtask test`: the project's one test command (design.md section 10).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

mod dist;
mod lint;
mod nvim;
mod vscode;
mod wasm;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("cannot enter the workspace root")?;
    match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("wasm-core") => wasm_core(),
        Some("wasm") => wasm::build(),
        Some("wasm-test") => wasm::test(),
        Some("wasm-bench") => wasm::bench(),
        Some("client-browser") => wasm::client_browser_test(),
        Some("nvim") => nvim::test(),
        Some("lint") => lint::lint(),
        Some("vsix") => vscode::vsix(),
        Some("dist") => dist::dist(),
        Some("publish-dry-run") => dist::publish_dry_run(),
        Some("actionlint") => dist::actionlint(),
        Some("vscode-test") => vscode::test(),
        Some("bench") => bench(),
        Some("fuzz") => fuzz(&args[1..]),
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
    // The editors' formatters and linters (stylua, luacheck, eslint, prettier): seconds.
    lint::lint()?;
    step("tests", cargo(&["test", "--workspace", "--locked"]))?;
    wasm_core()?;
    wasm::client_browser_test()?;
    wasm::test()?;
    vscode::test()?;
    nvim::test()?;
    // Releases (issue 18): the five crates package and build alone; the workflow lints.
    dist::publish_dry_run()?;
    dist::actionlint()?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// Every crate's `benches/` targets, in release mode; figures go to docs/benchmarks.md by hand.
fn bench() -> Result<()> {
    let log = std::env::current_dir()?.join("target/bench/analysis-log.txt");
    std::fs::create_dir_all(log.parent().context("bench path has a parent")?)?;
    for krate in crates_with_benches()? {
        let mut cmd = cargo(&["bench", "--package", &krate]);
        // The core's log benchmarks write the generated log here so ripgrep reads the same bytes.
        cmd.env("TESTANY_BENCH_LOG_OUT", &log);
        step(&format!("benchmarks of {krate}"), cmd)?;
    }
    // The language server is measured from outside, as a process, by the e2e crate.
    step(
        "benchmarks of testany lsp",
        cargo(&["bench", "--package", "testany-e2e", "--bench", "lsp"]),
    )?;
    ripgrep_baseline(&log)
}

/// The issue's yardstick for log analysis: `rg -c` of comparable patterns over the same log.
fn ripgrep_baseline(log: &Path) -> Result<()> {
    let Ok(meta) = std::fs::metadata(log) else {
        eprintln!(
            "xtask: no generated log at {}; skipping ripgrep",
            log.display()
        );
        return Ok(());
    };
    let mib = meta.len() as f64 / (1024.0 * 1024.0);
    let patterns = [
        r"\.(py|ts|js|java|go|rs):[0-9]+",
        r#"File "|panicked at|\.go:[0-9]+:|\.java:[0-9]+\)"#,
    ];
    for pattern in patterns {
        let mut best = f64::INFINITY;
        let mut count = String::new();
        for _ in 0..5 {
            let start = std::time::Instant::now();
            let Ok(out) = Command::new("rg").arg("-c").arg(pattern).arg(log).output() else {
                eprintln!("xtask: ripgrep (rg) is not installed; skipping the baseline");
                return Ok(());
            };
            best = best.min(start.elapsed().as_secs_f64());
            count = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        }
        eprintln!(
            "xtask: rg -c '{pattern}' over {mib:.0} MiB: {count} lines, {:.1} ms, {:.0} MB/s",
            best * 1e3,
            meta.len() as f64 / 1e6 / best
        );
    }
    Ok(())
}

fn crates_with_benches() -> Result<Vec<String>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("crates").context("cannot list crates/")? {
        let dir = entry?.path();
        if dir.join("benches").is_dir()
            && let Some(name) = dir.file_name().and_then(|n| n.to_str())
        {
            found.push(name.to_owned());
        }
    }
    found.sort();
    Ok(found)
}

/// Crates with a cargo-fuzz project (each outside the workspace, with its own lock file).
const FUZZ_DIRS: [&str; 2] = ["crates/testany-core/fuzz", "crates/testany-lsp/fuzz"];

/// `cargo xtask fuzz [--seconds N] [--target NAME]`: runs each fuzz target (of
/// testany-core, and the language server's message loop) for N seconds, or only NAME.
/// Not part of `test`: fuzzing is open-ended. Uses libFuzzer's coverage instrumentation
/// on the stable toolchain (no sanitizer), so neither nightly nor cargo-fuzz is needed.
/// Seeds in `<dir>/seeds/<target>/` (checked in) start the corpus.
fn fuzz(args: &[String]) -> Result<()> {
    let mut seconds = 30;
    let mut only: Option<&str> = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match (flag.as_str(), rest.next()) {
            ("--seconds", Some(n)) => {
                seconds = n
                    .parse::<u64>()
                    .with_context(|| format!("--seconds takes a whole number, not `{n}`"))?;
            }
            ("--target", Some(name)) => only = Some(name),
            _ => bail!("usage: cargo xtask fuzz [--seconds N] [--target NAME]"),
        }
    }
    let host = "x86_64-unknown-linux-gnu";
    let flags = [
        "-Cpasses=sancov-module",
        "-Cllvm-args=-sanitizer-coverage-level=4",
        "-Cllvm-args=-sanitizer-coverage-inline-8bit-counters",
        "-Cllvm-args=-sanitizer-coverage-pc-table",
        "-Cllvm-args=-sanitizer-coverage-trace-compares",
        "--cfg",
        "fuzzing",
        "-Cdebug-assertions",
        "-Coverflow-checks",
    ]
    .join(" ");
    let mut ran = 0;
    for dir in FUZZ_DIRS.map(Path::new) {
        let mut targets: Vec<String> = std::fs::read_dir(dir.join("fuzz_targets"))
            .with_context(|| format!("{}/fuzz_targets is missing", dir.display()))?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.path()
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .map(str::to_owned)
            })
            .filter(|t| only.is_none_or(|o| o == t))
            .collect();
        if targets.is_empty() {
            continue;
        }
        targets.sort();
        let mut build = cargo(&["build", "--release", "--bins", "--target", host]);
        build.current_dir(dir).env("RUSTFLAGS", &flags);
        step(&format!("build fuzz targets in {}", dir.display()), build)?;
        std::fs::create_dir_all(dir.join("artifacts"))?;
        for target in targets {
            let corpus = dir.join("corpus").join(&target);
            std::fs::create_dir_all(&corpus)?;
            let mut run = Command::new(dir.join("target").join(host).join("release").join(&target));
            run.arg(format!("-max_total_time={seconds}"))
                .arg(format!("-artifact_prefix={}/artifacts/", dir.display()))
                .arg(&corpus);
            let seeds = dir.join("seeds").join(&target);
            if seeds.is_dir() {
                run.arg(&seeds);
            }
            step(&format!("fuzz {target} for {seconds}s"), run)?;
            ran += 1;
        }
    }
    if ran == 0 {
        bail!("no fuzz target is named `{}`", only.unwrap_or_default());
    }
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
    )?;
    // The cfg(wasm32) halves of the client and the facade are invisible to the native clippy.
    step(
        "clippy for wasm32",
        cargo(&[
            "clippy",
            "--package",
            "testany-client",
            "--package",
            "testany-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
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

/// npm in `dir`; never lets a package download a browser of its own.
fn npm_in(dir: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(args)
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    cmd
}

/// A tool from `dir`'s node_modules (never fetched by npx).
fn npx_in(dir: &str, tool: &str) -> Command {
    let mut cmd = Command::new("npx");
    cmd.args(["--no-install", tool]).current_dir(dir);
    cmd
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
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
