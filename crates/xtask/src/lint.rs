//! `cargo xtask lint`: the editors' own formatters and linters, a step of `cargo xtask
//! test` (issue 16, as rust-analyzer's editors/code runs eslint and prettier):
//! `stylua --check` and `luacheck` over editors/nvim, the plugin's rockspec linted and
//! installed into a scratch tree by `luarocks`, `npm run lint` and `npm run format:check`
//! in editors/vscode.
//!
//! The tools come prebuilt from registries, never built here (CI has 2 cores): StyLua from
//! the npm package `@johnnymorganz/stylua-bin` (its platform binary is an npm package
//! too), pinned, into target/lint-tools; luacheck and luarocks from Debian (`lua-check`,
//! `luarocks`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::{absolute, step};

const NVIM_DIR: &str = "editors/nvim";
const VSCODE_DIR: &str = "editors/vscode";
/// StyLua's npm package and version; the unpacked copy is reused while it reports this.
const STYLUA_PACKAGE: &str = "@johnnymorganz/stylua-bin";
const STYLUA_VERSION: &str = "2.5.2";
/// Where the lint tools are installed (never system-wide, except Debian's packages).
const TOOLS_DIR: &str = "target/lint-tools";
/// The plugin's rockspec (rocks.nvim, luarocks), relative to NVIM_DIR.
const ROCKSPEC: &str = "testany.nvim-scm-1.rockspec";
/// Debian packages and the command each provides.
const APT_TOOLS: [(&str, &str); 2] = [("luacheck", "lua-check"), ("luarocks", "luarocks")];

/// Every editor lint step.
pub fn lint() -> Result<()> {
    lua()?;
    vscode()
}

/// StyLua (formatting, editors/nvim/stylua.toml) and luacheck (editors/nvim/.luacheckrc)
/// over the Neovim plugin and its tests.
pub fn lua() -> Result<()> {
    let stylua = ensure_stylua()?;
    let mut check = Command::new(&stylua);
    check.args(["--check", "."]).current_dir(NVIM_DIR);
    step("stylua --check editors/nvim", check)?;
    ensure_apt_tools()?;
    let mut lint = Command::new("luacheck");
    lint.args(["--no-color", "--quiet", "."])
        .current_dir(NVIM_DIR);
    step("luacheck editors/nvim", lint)?;
    rockspec()
}

/// `luarocks lint` on the rockspec, then `luarocks make` into a scratch tree: the rock
/// must install the modules and the plugin/, lsp/ and doc/ folders rocks.nvim loads.
fn rockspec() -> Result<()> {
    let mut lint = Command::new("luarocks");
    lint.args(["lint", ROCKSPEC]).current_dir(NVIM_DIR);
    step(&format!("luarocks lint {ROCKSPEC}"), lint)?;
    let tree = absolute(&Path::new(TOOLS_DIR).join("rocks"))?;
    let _ = std::fs::remove_dir_all(&tree);
    let mut make = Command::new("luarocks");
    make.args(["--lua-version=5.1", "make", "--tree"])
        .arg(&tree)
        .arg(ROCKSPEC)
        .current_dir(NVIM_DIR)
        .stdout(Stdio::null());
    step(&format!("luarocks make {ROCKSPEC} (scratch tree)"), make)?;
    let rock = tree.join("lib/luarocks/rocks-5.1/testany.nvim/scm-1");
    let installed = [
        tree.join("share/lua/5.1/testany/init.lua"),
        rock.join("lsp/testany.lua"),
        rock.join("plugin/testany.lua"),
        rock.join("doc/testany.txt"),
    ];
    if let Some(missing) = installed.iter().find(|p| !p.is_file()) {
        bail!("the rock did not install {}", missing.display());
    }
    Ok(())
}

/// `npm run lint` and `npm run format:check` in editors/vscode (eslint, prettier).
pub fn vscode() -> Result<()> {
    for script in ["lint", "format:check"] {
        if !has_npm_script(script)? {
            // Only while the extension has no such script yet (the scripts are being
            // added): a missing script must not pass silently once it exists.
            eprintln!(
                "xtask: SKIPPED npm run {script} in {VSCODE_DIR}: package.json has no `{script}` script yet"
            );
            continue;
        }
        ensure_vscode_packages()?;
        step(
            &format!("npm run {script} in {VSCODE_DIR}"),
            super::npm_in(VSCODE_DIR, &["run", "--silent", script]),
        )?;
    }
    Ok(())
}

/// Whether editors/vscode/package.json defines `scripts[name]` (asked of npm itself:
/// `npm pkg get` prints `{}` for a missing key).
fn has_npm_script(name: &str) -> Result<bool> {
    let out = super::npm_in(VSCODE_DIR, &["pkg", "get", &format!("scripts.{name}")])
        .stderr(Stdio::inherit())
        .output()
        .context("npm is needed to lint the VS Code extension")?;
    if !out.status.success() {
        bail!("npm pkg get failed in {VSCODE_DIR} ({})", out.status);
    }
    let value = String::from_utf8_lossy(&out.stdout);
    Ok(script_present(&value))
}

/// `npm pkg get scripts.X` prints the script as a JSON string, or `{}` when it is absent.
fn script_present(npm_output: &str) -> bool {
    let v = npm_output.trim();
    v.starts_with('"') && v.len() > 2
}

/// `npm ci` when the extension's packages are not installed (the VS Code step installs
/// them first when it runs before).
fn ensure_vscode_packages() -> Result<()> {
    if Path::new(VSCODE_DIR).join("node_modules/.bin").is_dir() {
        return Ok(());
    }
    step(
        "npm ci in editors/vscode",
        super::npm_in(
            VSCODE_DIR,
            &[
                "ci",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ],
        ),
    )
}

/// target/lint-tools/node_modules/.bin/stylua at STYLUA_VERSION, installed from npm if needed.
fn ensure_stylua() -> Result<PathBuf> {
    let bin = Path::new(TOOLS_DIR).join("node_modules/.bin/stylua");
    if !version_is(&bin, STYLUA_VERSION) {
        std::fs::create_dir_all(TOOLS_DIR).with_context(|| format!("cannot create {TOOLS_DIR}"))?;
        let mut cmd = Command::new("npm");
        cmd.args(["install", "--prefix", TOOLS_DIR, "--no-save"])
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .arg(format!("{STYLUA_PACKAGE}@{STYLUA_VERSION}"));
        step(&format!("install StyLua {STYLUA_VERSION} from npm"), cmd)?;
        if !version_is(&bin, STYLUA_VERSION) {
            bail!(
                "{} is not StyLua {STYLUA_VERSION} after npm install",
                bin.display()
            );
        }
    }
    absolute(&bin)
}

/// Whether `bin --version` prints `<name> <version>`.
fn version_is(bin: &Path, version: &str) -> bool {
    Command::new(bin)
        .arg("--version")
        .output()
        .is_ok_and(|o| version_line_is(&String::from_utf8_lossy(&o.stdout), version))
}

fn version_line_is(output: &str, version: &str) -> bool {
    output
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .is_some_and(|v| v == version)
}

/// luacheck and luarocks on PATH, else from Debian (apt-get, through sudo when not root).
fn ensure_apt_tools() -> Result<()> {
    let missing: Vec<&str> = APT_TOOLS
        .iter()
        .filter(|(tool, _)| on_path(tool).is_none())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
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
    let mut install = apt(&["install", "-y", "-qq"]);
    install.args(&missing);
    step(&format!("install {} (Debian)", missing.join(", ")), install)?;
    match APT_TOOLS.iter().find(|(tool, _)| on_path(tool).is_none()) {
        Some((tool, package)) => bail!("{package} is installed but no {tool} is on PATH"),
        None => Ok(()),
    }
}

fn on_path(tool: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::{script_present, version_line_is};

    #[test]
    fn npm_pkg_get_output() {
        assert!(script_present("\"eslint src\"\n"));
        assert!(!script_present("{}\n"));
        assert!(!script_present("\"\"\n"));
        assert!(!script_present(""));
    }

    #[test]
    fn versions() {
        assert!(version_line_is("stylua 2.5.2\n", "2.5.2"));
        assert!(!version_line_is("stylua 2.5.1\n", "2.5.2"));
        assert!(!version_line_is("", "2.5.2"));
    }
}
