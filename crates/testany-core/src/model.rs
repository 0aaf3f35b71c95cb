//! The execution model as Testany describes it (execution-skill.md, facts.md).
//!
//! Every enum keeps values it does not know as `Unknown(raw)`: the service is not
//! documented precisely and must never break the editor by adding a value.

use jiff::Timestamp;

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
