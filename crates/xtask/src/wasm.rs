//! `cargo xtask wasm` (build testany-wasm's log viewer module into `target/wasm-pkg/` and
//! the viewer into `editors/vscode/webview/dist/`, and its language server for the web
//! entry's worker into `target/wasm-pkg-server/`) and the browser half of `cargo xtask
//! test` (wasm-bindgen-test in headless Chromium, then the Playwright test of the viewer).
//!
//! Tools are installed when missing, quietly and idempotently: Debian `chromium` and
//! `chromium-driver` (apt-get), the wasm32 target, `wasm-bindgen-cli` at the exact
//! version of `wasm-bindgen` in Cargo.lock (its test runner and the CLI must match the
//! library), and the webview's npm packages (esbuild, typescript, playwright-core,
//! binaryen for `wasm-opt`). No tool downloads a browser of its own.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::{absolute, cargo, ensure_wasm_target, step};

/// wasm-bindgen's output (`testany_wasm.js`, `.d.ts`, `testany_wasm_bg.wasm`) for the
/// viewer (feature `viewer`: `LogView`); the webview's `build.mjs` reads it from here.
const PKG_DIR: &str = "target/wasm-pkg";
/// The language server for the web entry's worker (feature `server`: `LspWorker`);
/// editors/vscode/build.mjs reads it from here.
const SERVER_PKG_DIR: &str = "target/wasm-pkg-server";
const WEBVIEW_DIR: &str = "editors/vscode/webview";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Size budgets of the optimised `.wasm`, gzipped, read strictly as bytes
/// (docs/benchmarks.md has the figures). Issue 16 set 600 KB for the engine the web entry
/// runs (the whole language server) and 60 KB for the log viewer's module.
const ENGINE_GZIP_BUDGET: u64 = 600_000;
const VIEWER_GZIP_BUDGET: u64 = 60_000;

/// The viewer's wasm (LogView only) into `target/wasm-pkg/` and its page into
/// `editors/vscode/webview/dist/`, then the language server (testany-lsp behind
/// `LspWorker`) into `target/wasm-pkg-server/`; each within its budget.
pub fn build() -> Result<()> {
    build_viewer()?;
    package(
        "the language server",
        &["--no-default-features", "--features", "server"],
        SERVER_PKG_DIR,
        ENGINE_GZIP_BUDGET,
    )?;
    Ok(())
}

/// The viewer's wasm and page only (what `test` needs).
fn build_viewer() -> Result<()> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()?;
    package(
        "the log viewer",
        &["--no-default-features", "--features", "viewer"],
        PKG_DIR,
        VIEWER_GZIP_BUDGET,
    )?;
    step("bundle the log viewer", npm(&["run", "--silent", "build"]))
}

/// Release build for wasm32 with `features`, wasm-bindgen `--target web` into `out`,
/// `wasm-opt -Oz`, and the gzipped size checked against `budget`.
fn package(what: &str, features: &[&str], out: &str, budget: u64) -> Result<u64> {
    let mut cmd = cargo(&[
        "build",
        "--package",
        "testany-wasm",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
        "--locked",
    ]);
    cmd.args(features);
    // Size over speed for this one artefact, without touching the workspace profile.
    cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    step(&format!("release build of {what} for wasm32"), cmd)?;

    let input = Path::new("target/wasm32-unknown-unknown/release/testany_wasm.wasm");
    let mut bindgen = Command::new("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--out-dir", out])
        .arg(input);
    step("wasm-bindgen --target web", bindgen)?;

    let wasm = Path::new(out).join("testany_wasm_bg.wasm");
    let raw = file_size(&wasm)?;
    let mut opt = npx("wasm-opt");
    opt.args([
        "-Oz",
        "--converge",
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
        "--strip-debug",
        "--strip-producers",
        "-o",
    ])
    .arg(absolute(&wasm)?)
    .arg(absolute(&wasm)?);
    step("wasm-opt -Oz", opt)?;
    let optimised = file_size(&wasm)?;
    let gzipped = gzip_size(&wasm)?;
    eprintln!(
        "xtask: {what}: {} is {optimised} bytes ({raw} before wasm-opt), \
         {gzipped} bytes gzipped (budget {budget})",
        wasm.display(),
    );
    if gzipped > budget {
        bail!(
            "{what}: the .wasm is {gzipped} bytes gzipped, over the {budget} budget \
             (`twiggy top` on a build with names shows where the bytes go; \
             crates/testany-wasm/README.md lists the known costs)"
        );
    }
    Ok(gzipped)
}

/// wasm-bindgen-test in headless Chromium (the viewer module's API, and the language
/// server behind `LspWorker`), then the viewer's Playwright test.
pub fn test() -> Result<()> {
    ensure_chromium()?;
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    chromium_test("testany-wasm", &[], None)?;
    // The tests just compiled every feature for wasm32; the viewer ships alone.
    build_viewer()?;
    step(
        "typecheck the log viewer",
        npm(&["run", "--silent", "typecheck"]),
    )?;
    step("Playwright test of the log viewer", npm(&["test"]))
}

/// The client's gloo-net transport in headless Chromium against a running emulator
/// (JSON and SSE modes), served by the client's `serve_mock` example.
pub fn client_browser_test() -> Result<()> {
    ensure_chromium()?;
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    let emulator = start_emulator()?;
    chromium_test("testany-client", &["--test", "browser"], Some(&emulator))
}

/// `cargo test` of `package` for wasm32 under wasm-bindgen-test-runner in headless
/// Chromium, with the emulator's URLs (when one runs) in the environment.
fn chromium_test(package: &str, extra: &[&str], emulator: Option<&Emulator>) -> Result<()> {
    let mut cmd = cargo(&[
        "test",
        "--package",
        package,
        "--target",
        "wasm32-unknown-unknown",
        "--locked",
    ]);
    cmd.args(extra)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER);
    if let Some(emulator) = emulator {
        cmd.env("TESTANY_MOCK_URL", &emulator.json_url)
            .env("TESTANY_MOCK_SSE_URL", &emulator.sse_url)
            .env("TESTANY_MOCK_BIG_LOG_URL", &emulator.big_log_url);
    }
    step(&format!("{package} in headless Chromium"), cmd)
}

/// A running shop emulator (testany-client's `serve_mock` example) in JSON and SSE
/// modes, plus one whose logs are 200 MiB; it answers CORS for loopback origins, so the
/// browser tests can call it.
struct Emulator {
    _child: KillOnDrop,
    json_url: String,
    sse_url: String,
    big_log_url: String,
}

fn start_emulator() -> Result<Emulator> {
    use std::io::{BufRead, BufReader};

    step(
        "build the emulator for the browser tests",
        cargo(&[
            "build",
            "--quiet",
            "--package",
            "testany-client",
            "--example",
            "serve_mock",
            "--locked",
        ]),
    )?;
    let child = Command::new("target/debug/examples/serve_mock")
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start target/debug/examples/serve_mock")?;
    // Killed on every path out of the caller, so no emulator outlives the test.
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().context("serve_mock has no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let json_url = lines.next().context("serve_mock printed no URL")??;
    let sse_url = lines
        .next()
        .context("serve_mock printed one URL, not three")??;
    let big_log_url = lines
        .next()
        .context("serve_mock printed two URLs, not three")??;
    Ok(Emulator {
        _child: child,
        json_url,
        sse_url,
        big_log_url,
    })
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `npm run bench` in the webview (not part of `test`: it takes minutes).
pub fn bench() -> Result<()> {
    build_viewer()?;
    step("log viewer benchmark", npm(&["run", "--silent", "bench"]))
}

/// Debian's chromium and chromium-driver (apt-get, through sudo when not root); never a
/// browser a tool downloads itself.
pub(crate) fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut cmd = if root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        cmd.args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null());
        cmd
    };
    step("apt-get update", apt(&["update", "-qq"]))?;
    step(
        "install chromium and chromium-driver",
        apt(&["install", "-y", "-qq", "chromium", "chromium-driver"]),
    )
}

/// The `wasm-bindgen` version Cargo.lock pins.
fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").context("cannot read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| {
                l.trim()
                    .strip_prefix("version = \"")
                    .and_then(|v| v.strip_suffix('"'))
            })
        {
            return Ok(version.to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn ensure_wasm_bindgen() -> Result<()> {
    let want = locked_wasm_bindgen_version()?;
    let have = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if have.as_deref() == Some(format!("wasm-bindgen {want}").as_str()) {
        return Ok(());
    }
    step(
        &format!("install wasm-bindgen-cli {want} (takes a few minutes)"),
        cargo(&["install", "--quiet", "wasm-bindgen-cli", "--version", &want]),
    )
}

/// `npm ci` once (when esbuild is missing); never downloads a browser.
fn ensure_npm_packages() -> Result<()> {
    let dir = Path::new(WEBVIEW_DIR);
    if dir.join("node_modules/.bin/esbuild").exists()
        && dir.join("node_modules/.bin/wasm-opt").exists()
        && dir.join("node_modules/playwright-core").exists()
    {
        return Ok(());
    }
    step(
        "npm ci in the webview",
        npm(&["ci", "--no-audit", "--no-fund", "--loglevel=error"]),
    )
}

fn file_size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("{} is missing", path.display()))?
        .len())
}

/// Bytes of `gzip -9` output (the size a server sends).
fn gzip_size(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .context("gzip is needed to measure the .wasm size")?;
    if !out.status.success() {
        bail!("gzip failed on {}", path.display());
    }
    Ok(out.stdout.len() as u64)
}

fn npm(args: &[&str]) -> Command {
    super::npm_in(WEBVIEW_DIR, args)
}

fn npx(tool: &str) -> Command {
    super::npx_in(WEBVIEW_DIR, tool)
}
