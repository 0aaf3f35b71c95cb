//! Scenarios: the TOML file that scripts what the emulated service knows and does.

use serde::Deserialize;

use crate::Error;

/// The scenario shipped with the emulator, matched to `examples/shop` (SHP-0603) and to
/// the marker tests' overlay `tests/fixtures/shop-markers` (SHP-0601, SHP-0602).
pub const SHOP_TOML: &str = include_str!("../scenarios/shop.toml");

/// Whether MCP responses are plain JSON or an SSE stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseMode {
    /// `Content-Type: application/json`, one JSON-RPC object.
    #[default]
    Json,
    /// `Content-Type: text/event-stream`, notifications before the response.
    Sse,
}

/// A whole scenario: workspace, operator, pipelines with their cases, history, faults.
/// `Debug` redacts the token and the operator e-mail.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Workspace key, e.g. `SHP`.
    pub workspace: String,
    /// The operator e-mail that log_sign returns and the log proxy requires.
    pub operator: String,
    /// When set, every MCP request needs `Authorization: Bearer <token>`.
    #[serde(default)]
    pub token: Option<String>,
    /// Default response mode (the `--sse` flag overrides it).
    #[serde(default)]
    pub response: ResponseMode,
    /// CI checkout directory that log stack traces start with.
    #[serde(default = "default_build_root")]
    pub build_root: String,
    /// Faults in the `--faults` syntax; the flag's entries win.
    #[serde(default)]
    pub faults: String,
    /// How many past executions exist and when they ran.
    #[serde(default)]
    pub history: History,
    /// The pipelines of the workspace.
    pub pipelines: Vec<Pipeline>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |set: bool| if set { "[redacted]" } else { "None" };
        f.debug_struct("Scenario")
            .field("workspace", &self.workspace)
            .field("operator", &format_args!("[redacted]"))
            .field("token", &format_args!("{}", redacted(self.token.is_some())))
            .field("response", &self.response)
            .field("build_root", &self.build_root)
            .field("faults", &self.faults)
            .field("history", &self.history)
            .field("pipelines", &self.pipelines)
            .finish()
    }
}

/// Past executions generated at start, relative to the current time.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// Past executions per pipeline.
    #[serde(default = "default_history_count")]
    pub count: u32,
    /// Minutes between two past executions.
    #[serde(default = "default_interval")]
    pub interval_minutes: u64,
    /// Age in minutes of the newest past execution.
    #[serde(default = "default_newest")]
    pub newest_minutes_ago: u64,
}

impl Default for History {
    fn default() -> Self {
        History {
            count: default_history_count(),
            interval_minutes: default_interval(),
            newest_minutes_ago: default_newest(),
        }
    }
}

/// One pipeline: an ordered list of cases run one after another.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pipeline {
    /// Pipeline key, e.g. `SHP-0601`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Default environment of a run.
    pub environment: String,
    /// Environments a run may target (the default is added when missing).
    #[serde(default)]
    pub environments: Vec<String>,
    /// Seconds a new execution stays PENDING (divided by the speed).
    #[serde(default = "default_pending")]
    pub pending_secs: f64,
    /// The newest past execution looks stuck in RUNNING (its last case running) until
    /// `testany_refresh_execution` is called on it, as the skill's troubleshooting flow expects.
    #[serde(default)]
    pub stuck: bool,
    /// The cases, in run order; the position is the case index.
    pub cases: Vec<CaseDef>,
}

/// One scripted case.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    /// Case key, e.g. `A1B2C3D4`.
    pub key: String,
    /// Test name as the framework prints it.
    pub name: String,
    /// Source file relative to the project root (used in logs).
    pub file: String,
    /// 1-based line of the failing statement (used in logs).
    #[serde(default)]
    pub line: u32,
    /// 1-based column for stack frames that carry one (Node).
    #[serde(default)]
    pub column: Option<u32>,
    /// The failing statement as written at `line` (shown in pytest and Playwright logs).
    #[serde(default)]
    pub source: Option<String>,
    /// Run time in seconds (divided by the speed for new runs).
    pub duration_secs: f64,
    /// Outcome per run, cycling: P passed, F failed, T timeout, E infrastructure error, S skipped.
    #[serde(default = "default_outcomes")]
    pub outcomes: String,
    /// Error text reported for a non-passing outcome.
    #[serde(default)]
    pub error: Option<String>,
    /// Log template: pytest, playwright, junit, newman, gotest or plain.
    #[serde(default)]
    pub log: LogKind,
    /// `case_meta.trigger_method.executor` of `testany_get_case` (default: from `log`:
    /// pyres, playwright, maven, postman, go, shell).
    #[serde(default)]
    pub executor: Option<String>,
    /// `trigger_path`, relative to `root` (default: `file` for playwright and junit logs).
    #[serde(default)]
    pub trigger_path: Option<String>,
    /// `trigger_command` (default: the command the log shows, for pytest, go and plain logs).
    #[serde(default)]
    pub trigger_command: Option<Vec<String>>,
    /// The case's project folder inside the repository (its ZIP root): the log runs there
    /// and prints test paths relative to it. Default: the repository root.
    #[serde(default)]
    pub root: Option<String>,
    /// The tests the case runs (a case is a test project). Empty: the case is the one
    /// test `name` in `file`, as before.
    #[serde(default)]
    pub tests: Vec<SuiteTest>,
}

/// One test of a case that runs a test project (`[[pipelines.cases.tests]]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiteTest {
    /// As the framework prints it: a pytest function, a Playwright title, a JUnit
    /// method, a `pm.test` title.
    pub name: String,
    /// The file as the log prints it, relative to the case's `root`.
    pub file: String,
    /// The enclosing suite: a pytest class, a `describe` title, a fully qualified JUnit
    /// class, a Postman request.
    #[serde(default)]
    pub suite: Option<String>,
    /// 1-based line of the definition (Playwright prints it; for Postman the `pm.test`
    /// line of the collection).
    #[serde(default)]
    pub line: u32,
    /// 1-based column of the definition (Playwright).
    #[serde(default)]
    pub column: Option<u32>,
    /// 1-based line of the failing statement.
    #[serde(default)]
    pub fail_line: Option<u32>,
    /// 1-based column of the failing call (Playwright, JUnit `[line,col]`).
    #[serde(default)]
    pub fail_column: Option<u32>,
    /// The failing statement as written at `fail_line`.
    #[serde(default)]
    pub source: Option<String>,
    /// Fails whenever its case fails (otherwise it passes).
    #[serde(default)]
    pub fails: bool,
    /// Always skipped, with this reason.
    #[serde(default)]
    pub skip: Option<String>,
    /// The failure message (first line as the framework prints it).
    #[serde(default)]
    pub error: Option<String>,
    /// Further failure lines (pytest `E` lines, Playwright's expected/received).
    #[serde(default)]
    pub details: Vec<String>,
    /// Postman: the request line, e.g. `POST /orders`, on the request's first test.
    #[serde(default)]
    pub request: Option<String>,
    /// Run time in milliseconds.
    #[serde(default = "default_test_ms")]
    pub duration_ms: u64,
}

/// Which framework's output a case log imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogKind {
    /// Python pytest.
    Pytest,
    /// Playwright test runner (Node).
    Playwright,
    /// Maven Surefire with JUnit 5.
    Junit,
    /// Newman's CLI reporter (Postman collections).
    Newman,
    /// `go test -v`.
    Gotest,
    /// A plain shell script.
    #[default]
    Plain,
}

/// The scripted result of one case in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The case passed.
    Passed,
    /// An assertion failed.
    Failed,
    /// The case exceeded its time limit.
    Timeout,
    /// The runner or environment failed.
    Error,
    /// The case was skipped.
    Skipped,
}

impl Outcome {
    fn from_letter(c: char) -> Option<Outcome> {
        match c.to_ascii_uppercase() {
            'P' => Some(Outcome::Passed),
            'F' => Some(Outcome::Failed),
            'T' => Some(Outcome::Timeout),
            'E' => Some(Outcome::Error),
            'S' => Some(Outcome::Skipped),
            _ => None,
        }
    }

    /// The status word of a finished case.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Passed => "PASSED",
            Outcome::Failed => "FAILED",
            Outcome::Timeout => "TIMEOUT",
            Outcome::Error => "ERROR",
            Outcome::Skipped => "SKIPPED",
        }
    }
}

/// The trigger method `testany_get_case` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTrigger {
    pub executor: String,
    pub trigger_path: Option<String>,
    pub trigger_command: Option<Vec<String>>,
}

impl CaseDef {
    /// The case's trigger method: the scenario's, else one that fits its log.
    pub fn trigger(&self) -> CaseTrigger {
        let (executor, path, command): (&str, Option<String>, Option<Vec<String>>) = match self.log
        {
            LogKind::Pytest => {
                let target = if self.tests.is_empty() {
                    format!("{}::{}", self.file, self.name)
                } else {
                    self.file.clone()
                };
                (
                    "pyres",
                    None,
                    Some(words(&["python", "-m", "pytest", &target, "-v"])),
                )
            }
            LogKind::Playwright => ("playwright", Some(self.file.clone()), None),
            LogKind::Junit => ("maven", Some(self.file.clone()), None),
            LogKind::Newman => ("postman", Some(self.file.clone()), None),
            LogKind::Gotest => {
                let dir = format!("./{}", self.file.rsplit_once('/').map_or(".", |(d, _)| d));
                let run = format!("^{}$", self.name);
                (
                    "go",
                    None,
                    Some(words(&["go", "test", "-v", "-run", &run, &dir])),
                )
            }
            LogKind::Plain => ("shell", None, Some(words(&["./run-case.sh", &self.key]))),
        };
        let explicit = self.trigger_path.is_some() || self.trigger_command.is_some();
        CaseTrigger {
            executor: self.executor.clone().unwrap_or_else(|| executor.to_owned()),
            trigger_path: if explicit {
                self.trigger_path.clone()
            } else {
                path
            },
            trigger_command: if explicit {
                self.trigger_command.clone()
            } else {
                command
            },
        }
    }

    /// The outcome of this case in the pipeline's `run`-th execution (0-based).
    pub fn outcome(&self, run: u64) -> Outcome {
        let letters: Vec<char> = self.outcomes.chars().collect();
        if letters.is_empty() {
            return Outcome::Passed;
        }
        let i = (run % letters.len() as u64) as usize;
        letters
            .get(i)
            .and_then(|c| Outcome::from_letter(*c))
            .unwrap_or(Outcome::Passed)
    }

    /// The error text for a non-passing outcome.
    pub fn error_for(&self, outcome: Outcome) -> Option<String> {
        match outcome {
            Outcome::Passed | Outcome::Skipped => None,
            Outcome::Failed => Some(
                self.error
                    .clone()
                    .unwrap_or_else(|| format!("{}:{}: assertion failed", self.file, self.line)),
            ),
            Outcome::Timeout => Some(self.error.clone().unwrap_or_else(|| {
                format!(
                    "Timeout: case exceeded its 300s limit at {}:{}",
                    self.file, self.line
                )
            })),
            Outcome::Error => Some(self.error.clone().unwrap_or_else(|| {
                "Infrastructure error: the runner lost its connection to the executor".to_string()
            })),
        }
    }
}

/// Longest scripted wait (one year): keeps the lifecycle arithmetic far from overflow.
const MAX_SECS: f64 = 31_536_000.0;
/// Most past executions per pipeline: the store holds them all in memory.
const MAX_HISTORY: u32 = 100_000;
/// Oldest past execution (100 years): creation times must stay representable.
const MAX_HISTORY_MINUTES: u64 = 52_560_000;

impl Scenario {
    /// The built-in scenario for `examples/shop`.
    pub fn shop() -> Result<Scenario, Error> {
        Scenario::from_toml(SHOP_TOML)
    }

    /// Parses and checks a scenario.
    pub fn from_toml(text: &str) -> Result<Scenario, Error> {
        let scenario: Scenario =
            toml::from_str(text).map_err(|e| Error::Scenario(e.message().to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario file.
    pub fn load(path: &std::path::Path) -> Result<Scenario, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Scenario(format!("cannot read {}: {e}", path.display())))?;
        Scenario::from_toml(&text)
    }

    fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Scenario(m));
        if self.pipelines.is_empty() {
            return bad("a scenario needs at least one [[pipelines]] entry".into());
        }
        let h = &self.history;
        if h.count > MAX_HISTORY {
            return bad(format!("history.count must be at most {MAX_HISTORY}"));
        }
        let oldest = u64::from(h.count)
            .checked_mul(h.interval_minutes)
            .and_then(|m| m.checked_add(h.newest_minutes_ago));
        if oldest.is_none_or(|m| m > MAX_HISTORY_MINUTES) {
            return bad(format!(
                "history reaches back more than {MAX_HISTORY_MINUTES} minutes (100 years)"
            ));
        }
        for (i, p) in self.pipelines.iter().enumerate() {
            if self.pipelines[..i].iter().any(|q| q.key == p.key) {
                return bad(format!("pipeline {} is defined twice", p.key));
            }
            if p.cases.is_empty() {
                return bad(format!("pipeline {} has no cases", p.key));
            }
            if !(0.0..=MAX_SECS).contains(&p.pending_secs) {
                return bad(format!(
                    "pipeline {}: pending_secs must be between 0 and {MAX_SECS}",
                    p.key
                ));
            }
            for c in &p.cases {
                if !(0.0..=MAX_SECS).contains(&c.duration_secs) {
                    return bad(format!(
                        "case {}: duration_secs must be between 0 and {MAX_SECS}",
                        c.key
                    ));
                }
                if c.tests.len() > MAX_SUITE_TESTS {
                    return bad(format!(
                        "case {}: at most {MAX_SUITE_TESTS} tests per case",
                        c.key
                    ));
                }
                if let Some(ch) = c
                    .outcomes
                    .chars()
                    .find(|ch| Outcome::from_letter(*ch).is_none())
                {
                    return bad(format!(
                        "case {}: outcome letter `{ch}` is not one of P, F, T, E, S",
                        c.key
                    ));
                }
            }
        }
        Ok(())
    }

    /// The pipeline with this key.
    pub fn pipeline(&self, key: &str) -> Option<(usize, &Pipeline)> {
        self.pipelines
            .iter()
            .enumerate()
            .find(|(_, p)| p.key == key)
    }
}

impl Pipeline {
    /// Environments a run may target, the default first.
    pub fn all_environments(&self) -> Vec<String> {
        let mut envs = vec![self.environment.clone()];
        for e in &self.environments {
            if !envs.contains(e) {
                envs.push(e.clone());
            }
        }
        envs
    }
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| (*s).to_owned()).collect()
}

fn default_test_ms() -> u64 {
    250
}

/// Most tests per case: each run renders them all into its log.
const MAX_SUITE_TESTS: usize = 10_000;

fn default_build_root() -> String {
    "/builds/acme/project".to_string()
}
fn default_history_count() -> u32 {
    12
}
fn default_interval() -> u64 {
    360
}
fn default_newest() -> u64 {
    45
}
fn default_pending() -> f64 {
    3.0
}
fn default_outcomes() -> String {
    "P".to_string()
}
