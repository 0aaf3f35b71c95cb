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
use testany_core::health::{DayStat, FlakyCase, PipelineHealth, SlowCase};
use testany_core::model::{CaseResult, Execution, ExecutionResult, ExecutionStatus, Trigger};
use testany_core::plan::format_duration;
use tower_lsp_server::ls_types::Range;
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

/// `testany.showExecution`: the execution as model JSON, durations also as text.
pub enum ShowExecution {}

impl Command for ShowExecution {
    const NAME: &'static str = "testany.showExecution";
    const USAGE: &'static str = "{execution}";
    type Args = ExecutionRef;
    type Result = ExecutionView;
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
    type Result = ExecutionView;
}

/// Core's `Execution` in its model JSON (snake_case, every field present, `null` when
/// absent, RFC 3339 times) with each duration also as text (`duration_text`), written
/// by core's one formatter (`plan::format_duration`: `1s` for 1,500 ms, `2m`, `2m 15s`),
/// so editors show what lenses show and never format milliseconds (issue 16). The
/// milliseconds stay, as data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionView {
    pub key: String,
    pub status: ExecutionStatus,
    pub result: Option<ExecutionResult>,
    pub pipeline_key: Option<String>,
    pub pipeline_name: Option<String>,
    pub workspace: Option<String>,
    pub environment: Option<String>,
    pub trigger: Option<Trigger>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub duration_ms: Option<u64>,
    /// `duration_ms` as text; `null` with it.
    pub duration_text: Option<String>,
    pub cases: Vec<CaseView>,
}

/// One case of an [`ExecutionView`]: core's `CaseResult` and its duration as text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: CaseResult,
    /// `duration_ms` as text; `null` with it.
    pub duration_text: Option<String>,
}

impl From<Execution> for ExecutionView {
    fn from(e: Execution) -> Self {
        ExecutionView {
            duration_text: e.duration_ms.map(format_duration),
            cases: e.cases.into_iter().map(CaseView::from).collect(),
            key: e.key,
            status: e.status,
            result: e.result,
            pipeline_key: e.pipeline_key,
            pipeline_name: e.pipeline_name,
            workspace: e.workspace,
            environment: e.environment,
            trigger: e.trigger,
            started_at: e.started_at.map(|t| t.to_string()),
            completed_at: e.completed_at.map(|t| t.to_string()),
            duration_ms: e.duration_ms,
        }
    }
}

impl From<CaseResult> for CaseView {
    fn from(case: CaseResult) -> Self {
        CaseView {
            duration_text: case.duration_ms.map(format_duration),
            case,
        }
    }
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
    type Result = PipelineHealthView;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineHealthArgs {
    pub pipeline: String,
    /// Default 7, at least 1.
    pub days: Option<u32>,
}

/// Core's `PipelineHealth` (snake_case, from testany-core's `health`) with each slowest
/// case's durations also as text, as [`ExecutionView`] gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineHealthView {
    pub days: u32,
    pub from: String,
    pub to: String,
    pub runs: u32,
    pub passed: u32,
    pub failed: u32,
    pub other: u32,
    pub pass_rate: Option<f64>,
    pub flaky: Vec<FlakyCase>,
    pub slowest: Vec<SlowCaseView>,
    pub series: Vec<DayStat>,
}

/// One of the slowest cases: core's `SlowCase` and its mean and max as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlowCaseView {
    #[serde(flatten)]
    pub case: SlowCase,
    /// `mean_ms` as text.
    pub mean_text: String,
    /// `max_ms` as text.
    pub max_text: String,
}

impl From<PipelineHealth> for PipelineHealthView {
    fn from(h: PipelineHealth) -> Self {
        PipelineHealthView {
            days: h.days,
            from: h.from,
            to: h.to,
            runs: h.runs,
            passed: h.passed,
            failed: h.failed,
            other: h.other,
            pass_rate: h.pass_rate,
            flaky: h.flaky,
            slowest: h.slowest.into_iter().map(SlowCaseView::from).collect(),
            series: h.series,
        }
    }
}

impl From<SlowCase> for SlowCaseView {
    fn from(case: SlowCase) -> Self {
        SlowCaseView {
            mean_text: format_duration(case.mean_ms),
            max_text: format_duration(case.max_ms),
            case,
        }
    }
}

/// `testany/caseStates`: the state of every case lens (a marker, a `[cases]` entry, a
/// trigger file's first line, else the first line of each file of an unanchored case's
/// linked tests; open or not), so clients need not read lens titles.
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
    /// 0-based line of the case's lens (the marker's; 0 for a `[cases]` entry, a
    /// trigger file or a file of an unanchored case's tests).
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
    /// A failed test's failing line, where its diagnostic is (edits since followed):
    /// editors put the test's failure message there and never match diagnostics to
    /// tests themselves (issue 16). Absent when no diagnostic shows the failure.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub failure: Option<TestFailure>,
}

/// Where a failed test's diagnostic is: its document and its range (in the negotiated
/// position encoding), as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestFailure {
    pub uri: String,
    pub range: Range,
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

/// `testany/pipelineStates`: per pipeline, how its cases stand in their newest runs and
/// the status bar's text, so editors count nothing themselves (issue 16).
pub enum PipelineStates {}

impl Request for PipelineStates {
    type Params = PipelineStatesParams;
    type Result = Vec<PipelineState>;
    const METHOD: &'static str = "testany/pipelineStates";
}

/// No options yet (`{}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PipelineStatesParams {}

/// One pipeline's cases, each counted once however many places show it (a case lens on
/// each file of its tests, a marker and its trigger file), in the state its
/// `testany/caseStates` case entries give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineState {
    /// The pipeline key, e.g. `SHP-0603`.
    pub pipeline: String,
    /// The newest execution that ran one of these cases (what a click shows).
    pub execution: String,
    /// `running` while a case runs or waits, else `failed` when one failed (failed,
    /// error, timeout), else `passed` when one passed, else `unknown`.
    pub state: TestState,
    pub passed: u32,
    /// Failed, error and timeout.
    pub failed: u32,
    /// Running and pending.
    pub running: u32,
    /// Skipped, and no result.
    pub other: u32,
    /// The status bar's text: `SHP-0603 4 failed, 0 passed`, `SHP-0603 running 1`,
    /// `SHP-0603 2 passed`, `SHP-0603`.
    pub text: String,
    /// The last poll of one of its projects failed: the counts may be out of date.
    pub stale: bool,
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use testany_core::health::{PipelineHealth, SlowCase};
    use testany_core::model::Execution;

    use super::{ExecutionView, PipelineHealthView};

    /// `value` without the `*_text` members the views add, in objects at any depth.
    fn without_texts(mut value: Value) -> Value {
        match &mut value {
            Value::Object(m) => {
                m.retain(|k, _| !k.ends_with("_text"));
                for v in m.values_mut() {
                    *v = without_texts(v.take());
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|v| *v = without_texts(v.take())),
            _ => {}
        }
        value
    }

    /// The view is core's model JSON plus duration texts: every member core writes, as
    /// core writes it (a field added to `Execution` and not to the view fails here), and
    /// the texts of core's `format_duration` (issue 16: 1,500 ms is `1s`, not `2s`).
    #[test]
    fn execution_view_is_the_model_json_with_duration_texts() {
        let exec = Execution::from_json(&json!({
            "execution_id": "SHP-1-00007", "status": "COMPLETED", "result": "FAILED",
            "pipeline_key": "SHP-1", "pipeline_name": "Shop", "environment": "staging",
            "trigger": "MANUAL", "started_at": "2026-11-26T04:00:00Z",
            "completed_at": "2026-11-26T04:02:00Z", "duration_ms": 120_000,
            "cases": [
                {"case_key": "A1", "index": 0, "status": "FAILED", "duration_ms": 1500,
                 "error": "boom"},
                {"case_key": "B2", "index": 1, "status": "PASSED", "duration_ms": 3_659_000},
            ],
        }))
        .expect("execution");
        let view = serde_json::to_value(ExecutionView::from(exec.clone())).expect("json");
        assert_eq!(
            without_texts(view.clone()),
            serde_json::to_value(&exec).expect("json")
        );
        assert_eq!(view["duration_text"], "2m");
        assert_eq!(view["cases"][0]["duration_text"], "1s");
        assert_eq!(view["cases"][1]["duration_text"], "1h");
        assert_eq!(view["started_at"], "2026-11-26T04:00:00Z");
        let mut no_times = exec;
        no_times.duration_ms = None;
        no_times.cases.truncate(1);
        no_times.cases[0].duration_ms = None;
        let view = serde_json::to_value(ExecutionView::from(no_times)).expect("json");
        assert_eq!(view["duration_text"], Value::Null);
        assert_eq!(view["cases"][0]["duration_text"], Value::Null);
    }

    #[test]
    fn pipeline_health_view_is_core_health_with_duration_texts() {
        let health = PipelineHealth {
            days: 7,
            from: "2026-11-20".into(),
            to: "2026-11-26".into(),
            runs: 3,
            passed: 2,
            failed: 1,
            other: 0,
            pass_rate: Some(2.0 / 3.0),
            flaky: Vec::new(),
            slowest: vec![SlowCase {
                case_key: "K2".into(),
                name: Some("pay".into()),
                runs: 3,
                mean_ms: 1500,
                max_ms: 120_000,
            }],
            series: Vec::new(),
        };
        let view = serde_json::to_value(PipelineHealthView::from(health.clone())).expect("json");
        assert_eq!(
            without_texts(view.clone()),
            serde_json::to_value(&health).expect("json")
        );
        assert_eq!(
            view["slowest"][0],
            json!({
                "case_key": "K2", "name": "pay", "runs": 3, "mean_ms": 1500, "max_ms": 120_000,
                "mean_text": "1s", "max_text": "2m",
            })
        );
    }
}
