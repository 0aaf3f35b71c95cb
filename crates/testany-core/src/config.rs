//! testany.toml: parsing, discovery and environment overrides (design.md section 3).
//!
//! Everything here is pure: the file text, the existence check and the environment
//! come in as parameters, so the LSP, the CLI and the browser share one loader.
//! Errors are one sentence naming the file, the line and what to fix; they never quote
//! a value (a misplaced token must not end up in a log).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The file name looked for by [`find_config_path`].
pub const CONFIG_FILE_NAME: &str = "testany.toml";

/// Polling intervals (`[poll]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PollConfig {
    /// Seconds between polls while any execution is PENDING/RUNNING (default 5).
    pub running_secs: u64,
    /// Seconds between polls otherwise (default 60).
    pub idle_secs: u64,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            running_secs: 5,
            idle_secs: 60,
        }
    }
}

/// The configuration of design.md section 3.
///
/// Sources, later ones winning: `testany.toml` ([`Config::from_toml_str`]), the
/// environment ([`Config::apply_env`]), then LSP `initializationOptions` /
/// `workspace/didChangeConfiguration` ([`Config::merge_json`]). Environment variables:
///
/// | variable | key |
/// |---|---|
/// | `TESTANY_URL` | `url` (alone it makes a complete configuration: [`Config::from_env`]) |
/// | `TESTANY_WORKSPACE` | `workspace` |
/// | `TESTANY_PIPELINES` | `pipelines`, comma separated (`Y2K-0601,Y2K-0602`) |
/// | `TESTANY_ENVIRONMENT` | `environment` |
/// | `TESTANY_LOG_DOMAIN` | `log_domain` |
///
/// The token is never part of it: it comes from `TESTANY_TOKEN` (or VS Code's
/// SecretStorage) and is handled by the client alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Config {
    /// The MCP endpoint, e.g. `https://testany.com.cn/api/v2/mcp/`. Optional in the
    /// file because the environment or the editor may supply it; [`Config::validate`]
    /// requires it.
    pub url: Option<String>,
    /// Default workspace key (e.g. `Y2K`), used by list filters.
    pub workspace: Option<String>,
    /// Pipelines whose executions feed the editor.
    pub pipelines: Vec<String>,
    /// Only executions of this environment (e.g. `staging`), when set.
    pub environment: Option<String>,
    /// Domain the log proxy hosts must end in (`{uuid}.tr.{log_domain}`); see
    /// [`Config::log_domain`] for the default. Set it when the MCP host differs from
    /// the log domain.
    pub log_domain: Option<String>,
    /// Executions kept per pipeline for hover and flaky detection (default 10).
    pub history: u32,
    /// Polling intervals.
    pub poll: PollConfig,
    /// Case key -> workspace-relative file, for files that carry no marker.
    pub cases: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            url: None,
            workspace: None,
            pipelines: Vec::new(),
            environment: None,
            log_domain: None,
            history: 10,
            poll: PollConfig::default(),
            cases: BTreeMap::new(),
        }
    }
}

/// Why a configuration was rejected. `Display` is one sentence naming what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file is not valid TOML.
    #[error("{source_name} line {line}: invalid TOML: {message}")]
    Syntax {
        source_name: String,
        line: usize,
        message: String,
    },
    /// A secret was put in the file.
    #[error(
        "{}: `{key}` must not be in the configuration; put the token in the TESTANY_TOKEN environment variable instead",
        at(source_name, *line)
    )]
    Token {
        source_name: String,
        key: String,
        line: Option<usize>,
    },
    /// A key this version does not know (often a typo).
    #[error("{}: unknown key `{key}` (known keys: {known})", at(source_name, *line))]
    UnknownKey {
        source_name: String,
        key: String,
        line: Option<usize>,
        known: &'static str,
    },
    /// A key with a value of the wrong type.
    #[error("{}: `{key}` must be {expected}, found {found}", at(source_name, *line))]
    WrongType {
        source_name: String,
        key: String,
        expected: &'static str,
        found: &'static str,
        line: Option<usize>,
    },
    /// A value of the right type that cannot work (e.g. `history = 0`).
    #[error("{}: `{key}` {reason}", at(source_name, *line))]
    Invalid {
        source_name: String,
        key: String,
        reason: &'static str,
        line: Option<usize>,
    },
    /// No MCP URL from any source.
    #[error(
        "no Testany URL is configured: set `url` in testany.toml or the TESTANY_URL environment variable"
    )]
    MissingUrl,
}

fn at(source_name: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{source_name} line {line}"),
        None => source_name.to_owned(),
    }
}

const TOP_KEYS: &str =
    "url, workspace, pipelines, environment, log_domain, history, [poll], [cases]";
const POLL_KEYS: &str = "running_secs, idle_secs";

/// Where the value being applied came from: the name used in messages, and (for TOML)
/// the text, so spans become line numbers.
struct Origin<'a> {
    name: &'a str,
    text: Option<&'a str>,
}

impl<'a> Origin<'a> {
    fn new(name: &'a str, text: Option<&'a str>) -> Self {
        Origin { name, text }
    }

    /// The 1-based line of byte `offset`. It counts from the start of the text, so it is
    /// called only for the one error a parse reports: computing every key's line up
    /// front made parsing quadratic (issue 17: 50,000 `[cases]` entries took 5.7 s).
    fn line(&self, offset: usize) -> Option<usize> {
        let text = self.text?;
        let end = offset.min(text.len());
        let before = text.get(..end).unwrap_or(text);
        Some(memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1)
    }
}

/// A value from either source, reduced to what the keys need.
enum Raw<'a> {
    Str(&'a str),
    /// An integer (None when it does not fit an i128: still "an integer" to the user).
    Int(Option<i128>),
    Other(&'static str),
    StrList(Vec<Option<&'a str>>),
    Table(Vec<Entry<'a>>),
}

struct Entry<'a> {
    key: String,
    offset: Option<usize>,
    value: Raw<'a>,
}

fn toml_type(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn from_toml<'a>(value: &'a DeValue<'a>, depth: u8) -> Raw<'a> {
    match value {
        DeValue::String(s) => Raw::Str(s),
        DeValue::Integer(i) => {
            let digits = i.as_str().replace('_', "");
            Raw::Int(i128::from_str_radix(&digits, i.radix()).ok())
        }
        DeValue::Array(items) => {
            let all_strings = items.iter().all(|v| v.get_ref().is_str());
            if all_strings {
                Raw::StrList(items.iter().map(|v| v.get_ref().as_str()).collect())
            } else if items.iter().all(|v| v.get_ref().is_table()) {
                Raw::Other("an array of tables")
            } else {
                Raw::Other("an array with non-string items")
            }
        }
        DeValue::Table(table) if depth > 0 => Raw::Table(toml_entries(table, depth - 1)),
        other => Raw::Other(toml_type(other)),
    }
}

/// Table entries in source order (the parser keeps them sorted by name).
fn toml_entries<'a>(table: &'a DeTable<'a>, depth: u8) -> Vec<Entry<'a>> {
    let mut entries: Vec<(&Spanned<_>, &Spanned<DeValue<'a>>)> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
        .into_iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().to_string(),
            offset: Some(k.span().start),
            value: from_toml(v.get_ref(), depth),
        })
        .collect()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn from_json(value: &Value, depth: u8) -> Raw<'_> {
    match value {
        Value::String(s) => Raw::Str(s),
        Value::Number(n) if !n.is_f64() => Raw::Int(
            n.as_i64()
                .map(i128::from)
                .or_else(|| n.as_u64().map(i128::from)),
        ),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            Raw::StrList(items.iter().map(Value::as_str).collect())
        }
        Value::Array(_) => Raw::Other("an array with non-string items"),
        Value::Object(obj) if depth > 0 => Raw::Table(
            obj.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| Entry {
                    key: k.clone(),
                    offset: None,
                    value: from_json(v, depth - 1),
                })
                .collect(),
        ),
        other => Raw::Other(json_type(other)),
    }
}

/// Editor settings are usually camelCase (`logDomain`, `runningSecs`): map them to the
/// file's snake_case names. File keys are taken as written.
fn canonical_key(key: &str, settings: bool) -> String {
    if !settings {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a top-level key looks like a place for the token (`token`, `api_token`...).
fn is_token_key(key: &str) -> bool {
    key.to_ascii_lowercase().contains("token")
}

/// How unknown keys are treated: an error in the file, ignored in editor settings
/// (VS Code sends its extension-only settings in the same section).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Strictness {
    File,
    Settings,
}

impl Config {
    /// Parses `testany.toml` text. `source_name` names the file in messages (e.g.
    /// the path). Checks syntax, keys, types and ranges; whether a URL is present at
    /// all is left to [`Config::validate`], since the environment may supply it.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Config, ConfigError> {
        let origin = Origin::new(source_name, Some(text));
        let table = DeTable::parse(text).map_err(|e| ConfigError::Syntax {
            source_name: source_name.to_owned(),
            line: e.span().and_then(|s| origin.line(s.start)).unwrap_or(1),
            message: e.message().trim().trim_end_matches('.').to_owned(),
        })?;
        let entries = toml_entries(table.get_ref(), 2);
        let mut config = Config::default();
        config.apply_entries(entries, &origin, Strictness::File)?;
        Ok(config)
    }

    /// Overlays LSP `initializationOptions` or `didChangeConfiguration` settings (the
    /// `testany` section): any key of the file, snake_case or camelCase. `null`, empty
    /// strings and unknown keys are ignored; `token` is ignored here (the client reads
    /// it separately) and never stored. `[poll]` keys override one by one, a `cases`
    /// object replaces the whole mapping. A wrong type is an error and changes nothing.
    pub fn merge_json(&mut self, settings: &Value) -> Result<(), ConfigError> {
        let origin = Origin::new("editor settings", None);
        // didChangeConfiguration may send the whole settings object: take its section.
        let settings = settings
            .get("testany")
            .filter(|v| v.is_object())
            .unwrap_or(settings);
        let Raw::Table(entries) = from_json(settings, 3) else {
            if settings.is_null() {
                return Ok(());
            }
            return Err(ConfigError::WrongType {
                source_name: origin.name.to_owned(),
                key: "testany".to_owned(),
                expected: "an object",
                found: json_type(settings),
                line: None,
            });
        };
        let mut next = self.clone();
        next.apply_entries(entries, &origin, Strictness::Settings)?;
        *self = next;
        Ok(())
    }

    fn apply_entries(
        &mut self,
        entries: Vec<Entry<'_>>,
        origin: &Origin<'_>,
        strictness: Strictness,
    ) -> Result<(), ConfigError> {
        let settings = strictness == Strictness::Settings;
        // A token in the file is reported before anything else: it is the one mistake
        // that leaks a secret into a file that may be committed.
        if let Some(token) = entries.iter().find(|e| is_token_key(&e.key))
            && !settings
        {
            return Err(ConfigError::Token {
                source_name: origin.name.to_owned(),
                key: token.key.clone(),
                line: token.offset.and_then(|o| origin.line(o)),
            });
        }
        for entry in entries {
            let name = canonical_key(&entry.key, settings);
            let key = name.as_str();
            let ctx = Ctx {
                origin,
                key,
                offset: entry.offset,
                settings,
            };
            // Editor settings send "" for settings the user never filled in.
            if settings && matches!(entry.value, Raw::Str(s) if s.trim().is_empty()) {
                continue;
            }
            match key {
                "url" => {
                    let url = ctx.string(&entry.value)?;
                    ctx.check(check_url(url))?;
                    self.url = Some(url.trim().to_owned());
                }
                "workspace" => self.workspace = Some(ctx.string(&entry.value)?.to_owned()),
                "environment" => self.environment = Some(ctx.string(&entry.value)?.to_owned()),
                "log_domain" => {
                    let domain = ctx.string(&entry.value)?;
                    ctx.check(check_domain(domain))?;
                    self.log_domain = Some(domain.to_owned());
                }
                "pipelines" => self.pipelines = ctx.string_list(&entry.value)?,
                "history" => {
                    let n = ctx.int(&entry.value)?;
                    self.history = ctx.check(positive(n, u32::MAX.into()))?;
                }
                "poll" => {
                    let Raw::Table(poll) = &entry.value else {
                        return Err(ctx.wrong_type("a table", &entry.value));
                    };
                    self.apply_poll(poll, origin, settings)?;
                }
                "cases" => {
                    let cases = match entry.value {
                        Raw::Table(cases) => cases,
                        other => return Err(ctx.wrong_type("a table", &other)),
                    };
                    // Keys are moved, not copied, and the map is built in one go: a
                    // `[cases]` table may hold hundreds of thousands of entries.
                    let mut pairs = Vec::with_capacity(cases.len());
                    for case in cases {
                        let Raw::Str(path) = case.value else {
                            let case_key = format!("cases.{}", case.key);
                            let ctx = Ctx {
                                key: &case_key,
                                offset: case.offset,
                                ..ctx
                            };
                            return Err(ctx.wrong_type("a string", &case.value));
                        };
                        pairs.push((case.key, path.to_owned()));
                    }
                    self.cases = pairs.into_iter().collect();
                }
                key if is_token_key(key) => {
                    if settings {
                        continue;
                    }
                    return Err(ConfigError::Token {
                        source_name: origin.name.to_owned(),
                        key: key.to_owned(),
                        line: ctx.line(),
                    });
                }
                _ if settings => continue,
                _ => {
                    return Err(ConfigError::UnknownKey {
                        source_name: origin.name.to_owned(),
                        key: key.to_owned(),
                        line: ctx.line(),
                        known: TOP_KEYS,
                    });
                }
            }
        }
        Ok(())
    }

    fn apply_poll(
        &mut self,
        entries: &[Entry<'_>],
        origin: &Origin<'_>,
        settings: bool,
    ) -> Result<(), ConfigError> {
        for entry in entries {
            let name = canonical_key(&entry.key, settings);
            let key = format!("poll.{name}");
            let ctx = Ctx {
                origin,
                key: &key,
                offset: entry.offset,
                settings,
            };
            let slot = match name.as_str() {
                "running_secs" => &mut self.poll.running_secs,
                "idle_secs" => &mut self.poll.idle_secs,
                _ if settings => continue,
                _ => {
                    return Err(ConfigError::UnknownKey {
                        source_name: origin.name.to_owned(),
                        key: key.clone(),
                        line: ctx.line(),
                        known: POLL_KEYS,
                    });
                }
            };
            let n = ctx.int(&entry.value)?;
            *slot = ctx.check(positive(n, 86_400 * 365))?;
        }
        Ok(())
    }

    /// Overrides keys from the environment (see the table on [`Config`]). `get` reads
    /// one variable; empty values count as unset. Never touches the process itself.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(url) = var("TESTANY_URL") {
            self.url = Some(url.trim().to_owned());
        }
        if let Some(workspace) = var("TESTANY_WORKSPACE") {
            self.workspace = Some(workspace.trim().to_owned());
        }
        if let Some(pipelines) = var("TESTANY_PIPELINES") {
            self.pipelines = pipelines
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(environment) = var("TESTANY_ENVIRONMENT") {
            self.environment = Some(environment.trim().to_owned());
        }
        if let Some(domain) = var("TESTANY_LOG_DOMAIN") {
            self.log_domain = Some(domain.trim().to_owned());
        }
    }

    /// A configuration from the environment alone: `Some` when `TESTANY_URL` is set
    /// (CI and the CLI need no file), defaults for everything not given.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Config> {
        get("TESTANY_URL").filter(|u| !u.trim().is_empty())?;
        let mut config = Config::default();
        config.apply_env(get);
        Some(config)
    }

    /// The whole load order in one call: the file when there is one (`(text,
    /// source_name)`), then the environment, then [`Config::validate`]. Without a file the
    /// environment must carry `TESTANY_URL`.
    pub fn resolve(
        file: Option<(&str, &str)>,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some((text, source_name)) => Config::from_toml_str(text, source_name)?,
            None => Config::default(),
        };
        config.apply_env(get);
        config.validate()?;
        Ok(config)
    }

    /// The domain log URLs must belong to: `log_domain` when set, else the host of
    /// `url` (design.md section 9). Lower-case, without port.
    pub fn log_domain(&self) -> Option<String> {
        match &self.log_domain {
            Some(domain) if !domain.trim().is_empty() => {
                Some(domain.trim().trim_end_matches('.').to_ascii_lowercase())
            }
            _ => self.url.as_deref().and_then(url_host),
        }
    }

    /// The `[cases]` entries (case key, file as written) whose file is not in `files`
    /// (the project's workspace-relative files, sorted): they link nothing, and both the
    /// CLI and the language server say so with [`missing_case_file`].
    pub fn missing_case_files<'a>(
        &'a self,
        files: &'a [String],
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.cases
            .iter()
            .filter(|(_, file)| !case_file_listed(files, file))
            .map(|(key, file)| (key.as_str(), file.as_str()))
    }

    /// Checks the merged configuration is usable: a URL is present and is http(s) with
    /// a host, `log_domain` is a bare host name, `history` and poll intervals are >= 1.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, reason| ConfigError::Invalid {
            source_name: "configuration".to_owned(),
            key: key.to_owned(),
            reason,
            line: None,
        };
        let url = self.url.as_deref().ok_or(ConfigError::MissingUrl)?;
        check_url(url).map_err(|r| invalid("url", r))?;
        if let Some(domain) = &self.log_domain {
            check_domain(domain).map_err(|r| invalid("log_domain", r))?;
        }
        let at_least_one = "must be at least 1";
        if self.history == 0 {
            return Err(invalid("history", at_least_one));
        }
        if self.poll.running_secs == 0 {
            return Err(invalid("poll.running_secs", at_least_one));
        }
        if self.poll.idle_secs == 0 {
            return Err(invalid("poll.idle_secs", at_least_one));
        }
        Ok(())
    }
}

/// Context for converting one key's value, so errors name the key and line.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    origin: &'a Origin<'a>,
    key: &'a str,
    /// Byte offset of the key in the file; its line is computed only for an error.
    offset: Option<usize>,
    settings: bool,
}

impl Ctx<'_> {
    fn line(&self) -> Option<usize> {
        self.offset.and_then(|o| self.origin.line(o))
    }

    fn wrong_type(&self, expected: &'static str, found: &Raw<'_>) -> ConfigError {
        let found = match found {
            Raw::Str(_) => "a string",
            Raw::Int(_) => "an integer",
            Raw::Other(t) => t,
            Raw::StrList(_) => "an array",
            Raw::Table(_) if self.settings => "an object",
            Raw::Table(_) => "a table",
        };
        ConfigError::WrongType {
            source_name: self.origin.name.to_owned(),
            key: self.key.to_owned(),
            expected,
            found,
            line: self.line(),
        }
    }

    fn string<'v>(&self, value: &Raw<'v>) -> Result<&'v str, ConfigError> {
        match value {
            Raw::Str(s) => Ok(s),
            other => Err(self.wrong_type("a string", other)),
        }
    }

    fn string_list(&self, value: &Raw<'_>) -> Result<Vec<String>, ConfigError> {
        match value {
            Raw::StrList(items) => Ok(items.iter().flatten().map(|s| (*s).to_owned()).collect()),
            // Editors may hand over a single pipeline as a string.
            Raw::Str(s) if self.settings => Ok(s
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()),
            other => Err(self.wrong_type("an array of strings", other)),
        }
    }

    fn int(&self, value: &Raw<'_>) -> Result<Option<i128>, ConfigError> {
        match value {
            Raw::Int(n) => Ok(*n),
            other => Err(self.wrong_type("an integer", other)),
        }
    }

    fn check<T>(&self, checked: Result<T, &'static str>) -> Result<T, ConfigError> {
        checked.map_err(|reason| ConfigError::Invalid {
            source_name: self.origin.name.to_owned(),
            key: self.key.to_owned(),
            reason,
            line: self.line(),
        })
    }
}

fn positive<T: TryFrom<i128>>(n: Option<i128>, max: i128) -> Result<T, &'static str> {
    match n {
        Some(n) if n < 1 => Err("must be at least 1"),
        Some(n) if n <= max => T::try_from(n).map_err(|_| "is too large"),
        _ => Err("is too large"),
    }
}

fn check_url(url: &str) -> Result<(), &'static str> {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err("must start with https:// or http://");
    }
    let Some(host) = url_host(url) else {
        return Err("must name a host, e.g. https://testany.com.cn/api/v2/mcp/");
    };
    // The token travels with every request: plain http only where it stays on this
    // machine (as for log URLs and the Neovim health check).
    if lower.starts_with("http://") && !crate::loopback::is_loopback_host(&host) {
        return Err(
            "must use https:// (http:// is only for loopback hosts such as testany.localhost)",
        );
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    let d = domain.trim();
    let valid = !d.is_empty()
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if valid {
        Ok(())
    } else {
        Err("must be a bare host name such as testany.com.cn")
    }
}

/// The host of an absolute URL (`scheme://[user@]host[:port]/...`), lower-case and
/// without port; IPv6 literals keep their brackets. `None` when there is no host.
pub fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        let end = host_port.find(']')?;
        host_port.get(..=end)?
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    let host = host.trim_end_matches('.');
    if host.is_empty() {
        None
    } else {
        Some(host.to_ascii_lowercase())
    }
}

/// Whether a `[cases]` file (as written: `./` prefixes allowed) is one of `files`
/// (workspace-relative, sorted).
pub fn case_file_listed(files: &[String], file: &str) -> bool {
    let rel = file.trim_start_matches("./");
    files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
}

/// The one sentence for a `[cases]` entry whose file is not in the project.
pub fn missing_case_file(case_key: &str, file: &str) -> String {
    format!(
        "[cases] entry {case_key} = \"{file}\" in testany.toml names a file that is not in the project: fix the path or remove the entry"
    )
}

/// The nearest `testany.toml` at or above `start` (a file or a directory), checking
/// each candidate with `exists` so the caller decides what I/O means.
pub fn find_config_path(start: &Path, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE_NAME))
        .find(|candidate| exists(candidate))
}
