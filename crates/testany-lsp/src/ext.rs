//! The server's protocol beyond LSP, in one place (as rust-analyzer's `lsp/ext.rs`):
//! every `workspace/executeCommand` command with its argument and result types, and
//! every custom request. Clients are written against these types; docs/protocol.md
//! documents each one and a test fails when this file changes without it.
//!
//! Field names are camelCase on the wire. A command takes one JSON object (absent,
//! `null`, `[]` and `{}` mean "no options"; a field set to `null` is a field not given).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use testany_core::ansi::StyledSpan;
use testany_core::health::PipelineHealth;
use testany_core::model::Execution;
use tower_lsp_server::ls_types::request::Request;

/// A `workspace/executeCommand` command: its name, its one argument object and what it
/// returns. The dispatch table in `handler::execute_command` is built from these.
pub trait Command {
    const NAME: &'static str;
    /// The argument's shape as error messages quote it, e.g. `{execution, caseIndex}`.
    const USAGE: &'static str;
    type Args: DeserializeOwned;
    type Result: Serialize;
}

/// `testany.openLog`: fetches a case's log into the cache and shows it.
pub enum OpenLog {}

impl Command for OpenLog {
    const NAME: &'static str = "testany.openLog";
    const USAGE: &'static str = "{execution, caseIndex}";
    type Args = OpenLogArgs;
    type Result = OpenLogResult;
}

/// [`CaseRef`] with an optional 0-based log `line` to show instead of the first
/// failure line: a test's lens passes the line where the log reports that test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenLogArgs {
    pub execution: String,
    pub case_index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// One case of one execution (the `caseIndex` of the service's log sign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseRef {
    pub execution: String,
    pub case_index: usize,
}

/// Where the cached log is and the 0-based line shown first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenLogResult {
    pub uri: String,
    pub line: usize,
}

/// `testany.showExecution`: the execution as model JSON.
pub enum ShowExecution {}

impl Command for ShowExecution {
    const NAME: &'static str = "testany.showExecution";
    const USAGE: &'static str = "{execution}";
    type Args = ExecutionRef;
    type Result = Execution;
}

/// An execution by key, e.g. `SHP-0601-0000C`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionRef {
    pub execution: String,
}

/// `testany.refreshExecution`: asks the service to refresh it; returns it.
pub enum RefreshExecution {}

impl Command for RefreshExecution {
    const NAME: &'static str = "testany.refreshExecution";
    const USAGE: &'static str = "{execution}";
    type Args = ExecutionRef;
    type Result = Execution;
}

/// `testany.runPipeline`: executes a pipeline and follows it to the end.
pub enum RunPipeline {}

impl Command for RunPipeline {
    const NAME: &'static str = "testany.runPipeline";
    const USAGE: &'static str = "{pipeline}";
    type Args = RunPipelineArgs;
    type Result = RunPipelineResult;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPipelineArgs {
    pub pipeline: String,
}

/// The finished execution: its key, status word and result word (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPipelineResult {
    pub execution: String,
    pub status: String,
    pub result: Option<String>,
}

/// `testany.recentFailures`: failed cases of the known executions of the last days.
pub enum RecentFailures {}

impl Command for RecentFailures {
    const NAME: &'static str = "testany.recentFailures";
    const USAGE: &'static str = "{pipeline?, days?}";
    type Args = RecentFailuresArgs;
    type Result = Vec<RecentFailure>;
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RecentFailuresArgs {
    pub pipeline: Option<String>,
    /// Default 7, at least 1.
    pub days: Option<u32>,
}

/// One failed case of one execution; `name`, `error` and location messages are display
/// text (`convert::recent_failure`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentFailure {
    pub execution: String,
    pub pipeline: String,
    pub case_key: String,
    pub case_index: usize,
    pub name: Option<String>,
    /// The result word, else the status word (`TIMEOUT`, `CANCELLED`).
    pub result: Option<String>,
    /// `assertion` | `timeout` | `error` | `infrastructure` | `flaky`.
    pub category: Option<String>,
    pub error: Option<String>,
    pub locations: Vec<FailurePlace>,
}

/// A failure location resolved to a workspace file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailurePlace {
    pub uri: String,
    /// Workspace-relative, `/`-separated.
    pub path: String,
    /// 0-based, where the diagnostic is (edits since the run are followed).
    pub line: u32,
    /// 1-based, as the tool printed it.
    pub column: Option<u32>,
    pub message: Option<String>,
}

/// `testany.runLocally`: the framework's own command for one test of a case's log
/// (`python -m pytest path::name`, `mvn -Dtest=Class#method test`, `npx playwright test
/// file:line`, `newman run c.json --folder "R"`...), for the editor to run in a terminal.
pub enum RunLocally {}

impl Command for RunLocally {
    const NAME: &'static str = "testany.runLocally";
    const USAGE: &'static str = "{execution, caseIndex, testId}";
    type Args = TestRef;
    type Result = LocalCommandResult;
}

/// One test of one case's log: `testId` is the framework's id (a pytest node id,
/// `Class#method`, ...), as `testany/caseStates` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestRef {
    pub execution: String,
    pub case_index: usize,
    pub test_id: String,
}

/// A command to run: program and arguments unquoted, and the absolute folder to run it
/// in (the case's project root in the workspace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalCommandResult {
    pub argv: Vec<String>,
    pub cwd: String,
}

/// `testany.pipelineHealth`: pass rate, flaky and slowest cases over some days.
pub enum PipelineHealthCommand {}

impl Command for PipelineHealthCommand {
    const NAME: &'static str = "testany.pipelineHealth";
    const USAGE: &'static str = "{pipeline, days?}";
    type Args = PipelineHealthArgs;
    type Result = PipelineHealth;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineHealthArgs {
    pub pipeline: String,
    /// Default 7, at least 1.
    pub days: Option<u32>,
}

/// `testany/caseStates`: the state of every anchored case (a marker, or a `[cases]`
/// mapping in an open document), so clients need not read lens titles.
pub enum CaseStates {}

impl Request for CaseStates {
    type Params = CaseStatesParams;
    type Result = Vec<CaseState>;
    const METHOD: &'static str = "testany/caseStates";
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseStatesParams {
    /// One document; absent: every document of every project.
    pub uri: Option<String>,
}

/// One marker (or mapped test) and its case's state in the newest execution that ran it.
/// Names and messages are display text (`convert::case_state`); keys, ids and URIs are
/// data. A test entry always has a `name` (its id as display text when the log gave
/// none), so editors never show `testId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub uri: String,
    /// 0-based line of the marker (0 for a `[cases]` mapping).
    pub line: u32,
    /// The case key, e.g. `A1B2C3D4`.
    pub key: String,
    /// The case's name in that execution, when the service gave one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    pub state: TestState,
    /// The execution the state comes from; absent when no execution ran the case.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub execution: Option<String>,
    /// The pipeline `execution` belongs to (its `pipeline_key`, else the pipeline it was
    /// polled for): editors group and filter by it and never take an execution key
    /// apart. Absent with `execution`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pipeline: Option<String>,
    /// The last poll failed: the state may be out of date.
    pub stale: bool,
    /// Present on a test's entry (issue 15): one test of the case's log, at its
    /// definition (`uri`, `line`); `name` is then the test's name and `state` its result.
    #[serde(flatten, skip_serializing_if = "Option::is_none", default)]
    pub test: Option<TestDetail>,
}

/// What a test's entry of `testany/caseStates` adds to a case's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestDetail {
    /// The framework's id (pytest node id, `Class#method`...), as `testany.runLocally`
    /// takes it.
    pub test_id: String,
    /// The case's position in `execution` (for `testany.openLog`).
    pub case_index: usize,
    /// The case's name, when known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub case_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual: Option<String>,
    /// 0-based log line where the log reports the test (`testany.openLog`'s `line`).
    pub log_line: usize,
}

/// A case's state as a test UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestState {
    Passed,
    Failed,
    Error,
    Timeout,
    Running,
    Pending,
    /// Skipped, or cancelled before it ran.
    Skipped,
    /// No execution ran it, or a result word the server does not know.
    Unknown,
}

/// `testany/logView`: a case's log ready to render: escape-free text, styles, failure
/// lines and workspace frames (the log is fetched and cached as `testany.openLog` does).
pub enum LogView {}

impl Request for LogView {
    type Params = CaseRef;
    type Result = LogViewResult;
    const METHOD: &'static str = "testany/logView";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogViewResult {
    /// The cached log file.
    pub uri: String,
    /// The log without escapes, lines joined by `\n`.
    pub text: String,
    /// Styled spans of each line that has a style other than the default; a line's spans
    /// concatenated are its text.
    pub styles: Vec<LineStyle>,
    /// 0-based lines that read as a failure (testany-core's `failure_line` rule) or hold
    /// a frame in the workspace, ascending.
    pub failure_lines: Vec<usize>,
    /// The 0-based line `testany.openLog` selects first.
    pub first_failure: usize,
    /// Frames that resolve to workspace files, by log line.
    pub frames: Vec<LogFrame>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStyle {
    /// 0-based line of the log.
    pub line: usize,
    pub spans: Vec<StyledSpan>,
}

/// A location in the log resolved to a workspace file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFrame {
    /// 0-based line of the log the frame is on.
    pub log_line: usize,
    pub uri: String,
    /// 0-based line of the file.
    pub line: u32,
    /// 1-based column when the tool printed one.
    pub column: Option<u32>,
}

/// `testany/listFiles` (server → client): the files of a workspace folder, for hosts
/// whose server cannot read the disk (the browser worker; `Options::files` is
/// `Files::Client`). The web client answers it through `workspace.fs`.
pub enum ListFiles {}

impl Request for ListFiles {
    type Params = ListFilesParams;
    type Result = ListFilesResult;
    const METHOD: &'static str = "testany/listFiles";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListFilesParams {
    /// The folder's URI, as the client names it (e.g. `vscode-test-web://mount/`).
    pub root: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListFilesResult {
    /// Paths relative to `root`, `/`-separated. Hidden directories and `target/`,
    /// `node_modules/`, `venv/`, `__pycache__/`, `build/`, `dist/` are skipped (the
    /// server drops them too); at most 200,000.
    pub files: Vec<String>,
    /// The client stopped listing at its limit.
    #[serde(default)]
    pub truncated: bool,
}

/// `testany/readFile` (server → client): one file's text, for the same hosts as
/// [`ListFiles`] (testany.toml, marker scans, files holding failure locations).
pub enum ReadFile {}

impl Request for ReadFile {
    type Params = ReadFileParams;
    type Result = ReadFileResult;
    const METHOD: &'static str = "testany/readFile";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadFileParams {
    pub uri: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReadFileResult {
    /// The file's UTF-8 text; `null` when it does not exist, is not a regular file,
    /// is not UTF-8 or is larger than 2 MiB.
    pub text: Option<String>,
}
