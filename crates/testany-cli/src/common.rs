//! Plumbing shared by the subcommands: exit codes with one-sentence errors, the
//! configuration (file upward from a path, then the environment) and the client.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use testany_client::{Client, ClientConfig, Secret};
use testany_core::config::{CONFIG_FILE_NAME, Config, find_config_path};

/// Exit code 0: everything fine.
pub const OK: u8 = 0;
/// Exit code 1: the command worked and found failing cases.
pub const FAILURES: u8 = 1;
/// Exit code 2: bad arguments or configuration.
pub const USAGE: u8 = 2;
/// Exit code 3: the service failed (unreachable, refused, answered an error).
pub const SERVICE: u8 = 3;

/// An error that knows its exit code; its message is one sentence naming what to fix.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    pub fn service(message: impl Into<String>) -> Self {
        Self {
            code: SERVICE,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code and the one sentence to print for any error a command returned.
/// Only the outermost message is used: every error here is already a full sentence,
/// and a raw `anyhow` chain would repeat it.
pub fn classify(error: &anyhow::Error) -> (u8, String) {
    // `testany ... | head` closes stdout early: not an error worth a word.
    if error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    {
        return (OK, String::new());
    }
    if let Some(f) = error.downcast_ref::<Failure>() {
        return (f.code, f.message.clone());
    }
    if let Some(e) = error.downcast_ref::<testany_client::Error>() {
        return classify_client(e);
    }
    if let Some(e) = error.downcast_ref::<testany_core::config::ConfigError>() {
        return (USAGE, e.to_string());
    }
    if let Some(e) = error.downcast_ref::<testany_mock::Error>() {
        return (USAGE, e.to_string());
    }
    (USAGE, error.to_string())
}

fn classify_client(e: &testany_client::Error) -> (u8, String) {
    use testany_client::Error;
    match e {
        // The service looked the key up and did not find it: the argument is wrong.
        Error::Tool { message, .. } if message.to_ascii_lowercase().contains("not found") => (
            USAGE,
            format!(
                "{message}; check the key or index (`testany executions list` shows recent executions)"
            ),
        ),
        Error::InvalidArgument { .. } => (USAGE, e.to_string()),
        _ => (SERVICE, e.to_string()),
    }
}

/// Where a configuration came from, and the workspace root it applies to.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    /// The `testany.toml` used, `None` when the environment alone configured us.
    pub file: Option<PathBuf>,
    /// The directory of `testany.toml`, else the starting directory.
    pub root: PathBuf,
}

/// The process environment as the core's `get` parameter.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The configuration for `start` (a file or directory; default: the current
/// directory): the nearest `testany.toml` at or above it, then the environment.
pub fn load_config(start: Option<&Path>) -> anyhow::Result<Loaded> {
    load_config_with(start, &env)
}

/// [`load_config`] with the environment as a parameter (the demo ignores the user's).
pub fn load_config_with(
    start: Option<&Path>,
    get: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Loaded> {
    let cwd = std::env::current_dir()
        .map_err(|e| Failure::usage(format!("cannot read the current directory ({e})")))?;
    let start = match start {
        Some(p) => cwd.join(p),
        None => cwd,
    };
    if !start.exists() {
        return Err(Failure::usage(format!("{} does not exist", start.display())).into());
    }
    let dir = if start.is_dir() {
        start.clone()
    } else {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    };
    let file = find_config_path(&dir, |p| p.is_file());
    let config = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read {} ({e})", path.display())))?;
            Config::resolve(Some((&text, &path.display().to_string())), get)
                .map_err(|e| Failure::usage(e.to_string()))?
        }
        None => {
            if get("TESTANY_URL").is_none_or(|u| u.trim().is_empty()) {
                return Err(Failure::usage(format!(
                    "no {CONFIG_FILE_NAME} found in {} or any parent directory and TESTANY_URL is not set; create a {CONFIG_FILE_NAME} (see `testany demo`) or set TESTANY_URL",
                    dir.display()
                ))
                .into());
            }
            Config::resolve(None, get).map_err(|e| Failure::usage(e.to_string()))?
        }
    };
    let root = file
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or(dir);
    Ok(Loaded { config, file, root })
}

/// A client for `config`; the token comes from `TESTANY_TOKEN`, the operator id
/// (when the sign reply has none) from `TESTANY_OPERATOR`.
pub fn client(config: &Config, get: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Client> {
    let Some(url) = config.url.as_deref() else {
        return Err(Failure::usage(
            "no service URL is configured; set `url` in testany.toml or TESTANY_URL",
        )
        .into());
    };
    let mut cc = ClientConfig::new(url);
    cc.token = get("TESTANY_TOKEN")
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim()));
    cc.operator_id = get("TESTANY_OPERATOR")
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim()));
    cc.log_domain = config.log_domain();
    Ok(Client::new(cc)?)
}

/// A small runtime: every command is a handful of sequential requests.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::service(format!("cannot start the async runtime ({e})")).into())
}

/// Turns a command's outcome code into the process exit code.
pub fn exit(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// The cache base: `$XDG_CACHE_HOME`, else `~/.cache`, else the temp directory's
/// `testany-cache`, as the language server computes it, so both share one log cache
/// (`testany_client::log_cache`: one layout, one cap, one eviction rule).
pub fn cache_dir() -> PathBuf {
    testany_client::log_cache::cache_dir_from(
        env("XDG_CACHE_HOME").as_deref(),
        env("HOME").as_deref(),
    )
}

/// A finished case's log in the shared cache under `cache_dir`: read from there when
/// the CLI or the language server fetched it before, else fetched into it (the cache
/// then kept under its cap). Never call it for a running case: its log is not final.
pub async fn cached_log(
    client: &testany_client::Client,
    cache_dir: &Path,
    execution: &str,
    case_index: usize,
) -> Result<PathBuf, testany_client::Error> {
    client
        .cached_log(
            cache_dir,
            execution,
            case_index,
            testany_client::log_cache::DEFAULT_CAP,
        )
        .await
        .map(|c| c.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_map_to_exit_codes() {
        use testany_client::Error;
        let cases = [
            (
                Error::Tool {
                    tool: "testany_get_execution".into(),
                    message: "execution X-1 was not found".into(),
                },
                USAGE,
            ),
            (Error::Unauthorized { status: 401 }, SERVICE),
            (Error::Truncated, SERVICE),
        ];
        for (e, code) in cases {
            assert_eq!(classify_client(&e).0, code, "{e}");
        }
    }
}
