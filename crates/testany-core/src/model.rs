//! The execution model as Testany describes it (execution-skill.md, facts.md).
//!
//! Every enum keeps values it does not know as `Unknown(raw)`: the service is not
//! documented precisely and must never break the editor by adding a value.
//!
//! Reading is tolerant ([`Execution::from_json`] and friends, in `model/parse.rs`): string
//! synonyms are matched case-insensitively, snake_case and camelCase field names are both
//! accepted, a field of the wrong type counts as missing. Writing ([`serde::Serialize`])
//! produces one canonical snake_case shape that reads back to the same value.

use std::fmt;

use jiff::Timestamp;

mod list;
mod log_sign;
mod parse;
mod ser;
mod words;

pub use list::ExecutionList;
pub use log_sign::LogSign;
pub use parse::{parse_rfc3339, parse_timestamp};

/// Why a JSON value could not become a model value at all.
///
/// Only a value that is not an object, or an object with no key, is an error; every
/// other oddity is tolerated. Messages never quote the input (it may carry secrets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The value is not a JSON object (the `found` text names its JSON type).
    #[error("expected {what} as a JSON object, found {found}")]
    NotAnObject {
        what: &'static str,
        found: &'static str,
    },
    /// The object carries none of the field names that hold the key.
    #[error("{what} has no key (none of {fields})")]
    MissingKey {
        what: &'static str,
        fields: &'static str,
    },
    /// Neither an array nor an object holding one array of rows.
    #[error("expected a list of executions (an array, or an object holding one), found {found}")]
    NotAList { found: &'static str },
    /// A log-sign reply without a sign (neither `sign` nor an `X-Sign` header).
    #[error("the log-sign reply has no sign")]
    MissingSign,
}

/// Lifecycle of an execution (or of a case while it runs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExecutionStatus {
    Pending,
    Running,
    Completed,
    Cancelled,
    Timeout,
    Unknown(String),
}

/// Outcome of a finished execution or case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExecutionResult {
    Passed,
    Failed,
    Error,
    Skipped,
    Unknown(String),
}

/// What started an execution.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Trigger {
    Manual,
    Plan,
    Gatekeeper,
    Api,
    Unknown(String),
}

/// Why a case failed (execution-skill.md, "Failure Categories").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureCategory {
    Assertion,
    Timeout,
    Error,
    Infrastructure,
}

/// One case of an execution.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseResult {
    /// 0-based position in the execution's case list: the `caseIndex` of log_sign.
    pub index: usize,
    pub case_key: String,
    pub name: Option<String>,
    /// Lifecycle of the case; `Completed` once it has a result.
    pub status: Option<ExecutionStatus>,
    pub result: Option<ExecutionResult>,
    pub duration_ms: Option<u64>,
    pub error: Option<String>,
    pub runtime_uuid: Option<String>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
}

/// One execution of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub key: String,
    pub status: ExecutionStatus,
    pub result: Option<ExecutionResult>,
    pub pipeline_key: Option<String>,
    pub pipeline_name: Option<String>,
    pub workspace: Option<String>,
    pub environment: Option<String>,
    pub trigger: Option<Trigger>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub duration_ms: Option<u64>,
    pub cases: Vec<CaseResult>,
}

impl Execution {
    /// An execution with only its key and status known (the rest filled in by field).
    pub fn new(key: impl Into<String>, status: ExecutionStatus) -> Self {
        Execution {
            key: key.into(),
            status,
            result: None,
            pipeline_key: None,
            pipeline_name: None,
            workspace: None,
            environment: None,
            trigger: None,
            started_at: None,
            completed_at: None,
            duration_ms: None,
            cases: Vec::new(),
        }
    }
}

/// A case as a pipeline declares it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PipelineCase {
    pub case_key: String,
    pub name: Option<String>,
}

/// A pipeline: the ordered set of cases an execution runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    pub key: String,
    pub name: Option<String>,
    pub workspace: Option<String>,
    pub environment: Option<String>,
    pub cases: Vec<PipelineCase>,
}

impl ExecutionStatus {
    /// Reads a status word: case-insensitive, `-`/space same as `_`, synonyms folded
    /// (NOT_STARTED = PENDING, CANCELED = CANCELLED, TIMED_OUT = TIMEOUT, ...).
    /// Anything else is kept verbatim as `Unknown`.
    pub fn parse(raw: &str) -> Self {
        words::status(raw).unwrap_or_else(|| Self::Unknown(raw.to_owned()))
    }

    /// The canonical upper-case word (`Unknown` gives its raw text back).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "PENDING",
            Self::Running => "RUNNING",
            Self::Completed => "COMPLETED",
            Self::Cancelled => "CANCELLED",
            Self::Timeout => "TIMEOUT",
            Self::Unknown(raw) => raw,
        }
    }

    /// Still queued or running: the poller speeds up while any execution is active.
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Pending | Self::Running)
    }

    /// Reached an end state (completed, cancelled or timed out).
    pub fn is_finished(&self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::Timeout)
    }
}

impl ExecutionResult {
    /// Reads a result word: case-insensitive with synonyms (SUCCESS = PASSED,
    /// FAILURE/FAIL = FAILED, FAIL_AS_EXPECTED counts as PASSED). Anything else is
    /// kept verbatim as `Unknown`.
    pub fn parse(raw: &str) -> Self {
        words::result(raw).unwrap_or_else(|| Self::Unknown(raw.to_owned()))
    }

    /// The canonical upper-case word (`Unknown` gives its raw text back).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Passed => "PASSED",
            Self::Failed => "FAILED",
            Self::Error => "ERROR",
            Self::Skipped => "SKIPPED",
            Self::Unknown(raw) => raw,
        }
    }

    /// FAILED or ERROR: the outcomes that get a diagnostic.
    pub fn is_failure(&self) -> bool {
        matches!(self, Self::Failed | Self::Error)
    }

    /// PASSED (FAIL_AS_EXPECTED reads as PASSED).
    pub fn is_passed(&self) -> bool {
        matches!(self, Self::Passed)
    }
}

impl Trigger {
    /// Reads a trigger word case-insensitively (SCHEDULE/SCHEDULED = PLAN, CI = GATEKEEPER).
    pub fn parse(raw: &str) -> Self {
        words::trigger(raw).unwrap_or_else(|| Self::Unknown(raw.to_owned()))
    }

    /// The canonical upper-case word (`Unknown` gives its raw text back).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Manual => "MANUAL",
            Self::Plan => "PLAN",
            Self::Gatekeeper => "GATEKEEPER",
            Self::Api => "API",
            Self::Unknown(raw) => raw,
        }
    }
}

impl FailureCategory {
    /// Every category, in declaration order.
    pub const ALL: [FailureCategory; 4] = [
        Self::Assertion,
        Self::Timeout,
        Self::Error,
        Self::Infrastructure,
    ];

    /// The lower-case name used as the LSP diagnostic `code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Assertion => "assertion",
            Self::Timeout => "timeout",
            Self::Error => "error",
            Self::Infrastructure => "infrastructure",
        }
    }

    /// Reads a category name case-insensitively; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(raw))
    }
}

/// `Display` is `as_str`, except that an empty `Unknown` (the service sent no value)
/// shows as `UNKNOWN` rather than nothing.
macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let word = self.as_str();
                f.write_str(if word.trim().is_empty() { "UNKNOWN" } else { word })
            }
        }
    )*};
}
display_as_str!(ExecutionStatus, ExecutionResult, Trigger, FailureCategory);

impl std::str::FromStr for ExecutionStatus {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

impl std::str::FromStr for ExecutionResult {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

impl std::str::FromStr for Trigger {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

impl CaseResult {
    /// FAILED, ERROR, or a case whose lifecycle ended in TIMEOUT: what gets a diagnostic.
    pub fn is_failure(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(ExecutionResult::is_failure)
            || self.status == Some(ExecutionStatus::Timeout)
    }

    /// The case passed (FAIL_AS_EXPECTED included).
    pub fn is_passed(&self) -> bool {
        self.result.as_ref().is_some_and(ExecutionResult::is_passed)
    }

    /// Still pending or running.
    pub fn is_active(&self) -> bool {
        self.status.as_ref().is_some_and(ExecutionStatus::is_active)
    }
}

impl Execution {
    /// Still pending or running.
    pub fn is_active(&self) -> bool {
        self.status.is_active()
    }

    /// The cases that failed, errored or timed out, in case order.
    pub fn failed_cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.is_failure())
    }

    /// The case at a log_sign `caseIndex` (by its `index`, not its position).
    pub fn case_at(&self, index: usize) -> Option<&CaseResult> {
        self.cases.iter().find(|c| c.index == index)
    }

    /// The first case with this key (keys are compared exactly).
    pub fn case_by_key(&self, case_key: &str) -> Option<&CaseResult> {
        self.cases.iter().find(|c| c.case_key == case_key)
    }
}

impl Pipeline {
    /// The position of a case key in the pipeline (the `caseIndex` it will get).
    pub fn case_index(&self, case_key: &str) -> Option<usize> {
        self.cases.iter().position(|c| c.case_key == case_key)
    }
}
