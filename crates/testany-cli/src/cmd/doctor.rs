//! `testany doctor [PATH] [--json] [--service]`: what an editor needs to know before it
//! starts the language server: this binary's version, the configuration the server would
//! read (found? valid? the core's sentence when not), whether a token is set (never its
//! value) and, with `--service`, whether the service answers. Neovim's `:checkhealth
//! testany` shows this report instead of re-implementing the configuration rules.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use testany_core::config::find_config_path;

use crate::common::{self, OK, SERVICE, USAGE};
use crate::out::{self, BOLD, DIM, GREEN, RED_BOLD, YELLOW, paint};

/// Arguments of `testany doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// A file or directory of the project (default: the current directory); the
    /// configuration is the nearest testany.toml at or above it, then the environment.
    pub path: Option<PathBuf>,
    /// Print the report as JSON (shape: crates/testany-cli/README.md).
    #[arg(long)]
    pub json: bool,
    /// Also ask the configured service (an MCP session and `testany_list_pipelines`).
    #[arg(long)]
    pub service: bool,
}

/// The whole report; also the `--json` shape.
#[derive(Debug, Serialize)]
pub struct DoctorReport {
    /// This binary's version (as `testany --version` prints it, without the name).
    pub version: String,
    /// This binary's path (`null` when the platform cannot tell).
    pub binary: Option<String>,
    pub config: ConfigReport,
    pub token: TokenReport,
    /// `null` unless `--service` was given.
    pub service: Option<ServiceReport>,
}

#[derive(Debug, Serialize)]
pub struct ConfigReport {
    /// The testany.toml at or above PATH (`null`: none; the environment alone may do).
    pub file: Option<String>,
    /// Whether a configuration could be read at all (a file, or `TESTANY_URL`).
    pub found: bool,
    /// Whether it is usable: the same reading and checks as the language server's.
    pub valid: bool,
    /// Why it is not, as the one sentence every command prints (`null` when valid).
    pub error: Option<String>,
    /// The effective values when valid (`null` / empty otherwise).
    pub url: Option<String>,
    pub workspace: Option<String>,
    pub pipelines: Vec<String>,
    pub environment: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TokenReport {
    /// Where the token is read from.
    pub variable: &'static str,
    /// Whether it holds a non-blank value (the value itself is never reported).
    pub present: bool,
}

#[derive(Debug, Serialize)]
pub struct ServiceReport {
    pub url: String,
    /// The service opened an MCP session and listed pipelines.
    pub reachable: bool,
    /// The negotiated MCP protocol version.
    pub protocol: Option<String>,
    /// How many pipelines it listed (of the configured workspace, when one is set).
    pub pipelines: Option<usize>,
    /// The client's sentence when it did not answer (`null` when reachable).
    pub error: Option<String>,
}

const TOKEN_VARIABLE: &str = "TESTANY_TOKEN";

pub fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let report = build(args.path.as_deref(), args.service, &common::env)?;
    if args.json {
        out::json(&report)?;
    } else {
        render(&mut out::stdout(), &report)?;
    }
    Ok(common::exit(exit_code(&report)))
}

/// 0 when the configuration is valid (and the service answered, when asked), 2 for a
/// missing or invalid configuration, 3 when the service did not answer. A missing token
/// is not a failure: the emulator needs none.
pub fn exit_code(report: &DoctorReport) -> u8 {
    if !report.config.valid {
        USAGE
    } else if report.service.as_ref().is_some_and(|s| !s.reachable) {
        SERVICE
    } else {
        OK
    }
}

fn build(
    start: Option<&Path>,
    service: bool,
    get: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<DoctorReport> {
    let file = config_file(start);
    let loaded = common::load_config_with(start, get);
    let url_set = get("TESTANY_URL").is_some_and(|u| !u.trim().is_empty());
    let config = match &loaded {
        Ok(l) => ConfigReport {
            file: file.clone(),
            found: true,
            valid: true,
            error: None,
            url: l.config.url.clone(),
            workspace: l.config.workspace.clone(),
            pipelines: l.config.pipelines.clone(),
            environment: l.config.environment.clone(),
        },
        Err(e) => ConfigReport {
            file: file.clone(),
            found: file.is_some() || url_set,
            valid: false,
            error: Some(common::classify(e).1),
            url: None,
            workspace: None,
            pipelines: Vec::new(),
            environment: None,
        },
    };
    let token = TokenReport {
        variable: TOKEN_VARIABLE,
        present: get(TOKEN_VARIABLE).is_some_and(|t| !t.trim().is_empty()),
    };
    let service = match (&loaded, service) {
        (Ok(l), true) => Some(ask_service(&l.config, get)?),
        _ => None,
    };
    Ok(DoctorReport {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        binary: std::env::current_exe()
            .ok()
            .map(|p| p.display().to_string()),
        config,
        token,
        service,
    })
}

/// The testany.toml `load_config` would read for `start`, if any (also when invalid).
fn config_file(start: Option<&Path>) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let start = start.map_or(cwd.clone(), |p| cwd.join(p));
    let dir = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    find_config_path(&dir, |p| p.is_file()).map(|p| p.display().to_string())
}

/// One MCP session and `testany_list_pipelines`: the cheapest call that proves the URL,
/// the protocol and the credentials all work.
fn ask_service(
    config: &testany_core::config::Config,
    get: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<ServiceReport> {
    let url = config.url.clone().unwrap_or_default();
    let client = common::client(config, get)?;
    let rt = common::runtime()?;
    let (listed, session) = rt.block_on(async {
        let listed = client.list_pipelines(config.workspace.as_deref()).await;
        let session = client.session_info().await;
        client.close().await;
        (listed, session)
    });
    let protocol = session.and_then(|(version, _)| version);
    Ok(match listed {
        Ok(pipelines) => ServiceReport {
            url,
            reachable: true,
            protocol,
            pipelines: Some(pipelines.len()),
            error: None,
        },
        Err(e) => ServiceReport {
            url,
            reachable: false,
            protocol,
            pipelines: None,
            error: Some(e.to_string()),
        },
    })
}

fn render(w: &mut impl Write, r: &DoctorReport) -> io::Result<()> {
    let ok = paint(GREEN, "ok");
    let bad = paint(RED_BOLD, "error");
    let note = paint(YELLOW, "note");
    let binary = r.binary.as_deref().unwrap_or("path unknown");
    writeln!(w, "{}", paint(BOLD, "binary:"))?;
    writeln!(w, "  {ok}: testany {} ({binary})", r.version)?;

    writeln!(w, "{}", paint(BOLD, "configuration:"))?;
    match &r.config.file {
        Some(f) => writeln!(w, "  {ok}: found {f}")?,
        None if r.config.found => writeln!(w, "  {ok}: no testany.toml; using TESTANY_URL")?,
        None => {}
    }
    if let Some(e) = &r.config.error {
        writeln!(w, "  {bad}: {e}")?;
    } else {
        let pipelines = if r.config.pipelines.is_empty() {
            "none".to_owned()
        } else {
            r.config.pipelines.join(", ")
        };
        writeln!(
            w,
            "  {ok}: valid: url {}, workspace {}, pipelines {pipelines}",
            r.config.url.as_deref().unwrap_or("?"),
            r.config.workspace.as_deref().unwrap_or("?"),
        )?;
    }

    writeln!(w, "{}", paint(BOLD, "token:"))?;
    if r.token.present {
        writeln!(w, "  {ok}: {} is set", r.token.variable)?;
    } else {
        writeln!(
            w,
            "  {note}: {} is not set (needed by the hosted service, not by `testany mock`)",
            r.token.variable
        )?;
    }

    writeln!(w, "{}", paint(BOLD, "service:"))?;
    match &r.service {
        None if r.config.valid => writeln!(w, "  {}", paint(DIM, "not asked (add --service)"))?,
        None => writeln!(w, "  {}", paint(DIM, "not asked (no valid configuration)"))?,
        Some(s) if s.reachable => writeln!(
            w,
            "  {ok}: {} answers (MCP {}, {})",
            s.url,
            s.protocol.as_deref().unwrap_or("?"),
            out::plural(s.pipelines.unwrap_or(0), "pipeline", "pipelines"),
        )?,
        Some(s) => writeln!(
            w,
            "  {bad}: {}",
            s.error.as_deref().unwrap_or("the service did not answer")
        )?,
    }
    w.flush()
}
