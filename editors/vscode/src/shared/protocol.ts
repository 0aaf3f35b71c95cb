// The server's protocol beyond LSP, as TypeScript types (the twin of
// crates/testany-lsp/src/ext.rs, documented in docs/protocol.md; rust-analyzer keeps
// editors/code/src/lsp_ext.ts the same way). test/unit/protocol.test.ts reads ext.rs and
// fails when a type's wire fields differ from these. Pure: no `vscode` import.

/** `testany/caseStates`: the state of every anchored case, from the last polled data. */
export const CASE_STATES = 'testany/caseStates';
/** `testany/logView`: a case's log ready to render. */
export const LOG_VIEW = 'testany/logView';
/** `testany/pipelineStates`: per pipeline, its cases counted and the status bar's text. */
export const PIPELINE_STATES = 'testany/pipelineStates';

/** ext.rs `CaseStatesParams`: one document, or every document of every project. */
export interface CaseStatesParams {
  uri?: string;
}

/** ext.rs `TestState`: the status lens's reading of a case. */
export type TestState = 'passed' | 'failed' | 'error' | 'timeout' | 'running' | 'pending' | 'skipped' | 'unknown';

/** ext.rs `CaseState`: one marker (or `[cases]` mapping) and its case's newest state. */
export interface CaseState {
  uri: string;
  /** 0-based line of the marker (0 for a `[cases]` mapping). */
  line: number;
  key: string;
  name?: string;
  state: TestState;
  /** The newest execution that ran the case; absent when none did. */
  execution?: string;
  /** The pipeline `execution` belongs to, from the server's data (never split an execution key). */
  pipeline?: string;
  /** The last poll failed: the state may be out of date. */
  stale: boolean;
  // A test's entry (issue 15) also has ext.rs `TestDetail`'s fields, flattened:
  // `uri`/`line` are then its definition, `name` the test's name, `state` its result.
  testId?: string;
  caseIndex?: number;
  caseName?: string;
  message?: string;
  expected?: string;
  actual?: string;
  logLine?: number;
  failure?: TestFailure;
}

/** ext.rs `TestDetail`: what a test's caseStates entry adds (flattened into `CaseState`). */
export interface TestDetail {
  /** The framework's id (pytest node id, `Class#method`, ...), as `testany.runLocally` takes it. */
  testId: string;
  /** The case's position in `execution` (for `testany.openLog`). */
  caseIndex: number;
  caseName?: string;
  message?: string;
  /** Both present when the framework printed both: VS Code shows a diff. */
  expected?: string;
  actual?: string;
  /** 0-based log line where the log reports the test (`testany.openLog`'s `line`). */
  logLine: number;
  /** A failed test's diagnostic: where its message goes (the server's, never matched here). */
  failure?: TestFailure;
}

/** ext.rs `TestFailure`: an LSP `Location`, the failed test's diagnostic as published. */
export interface TestFailure {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** ext.rs `PipelineStatesParams`: no options. */
export type PipelineStatesParams = Record<string, never>;

/** ext.rs `PipelineState`: one pipeline's cases, each counted once, and the status bar's text. */
export interface PipelineState {
  pipeline: string;
  /** The newest execution that ran one of its cases. */
  execution: string;
  /** `running`, `failed`, `passed` or `unknown`. */
  state: TestState;
  passed: number;
  /** Failed, error and timeout. */
  failed: number;
  /** Running and pending. */
  running: number;
  /** Skipped, and no result. */
  other: number;
  /** E.g. `SHP-0603 4 failed, 0 passed`. */
  text: string;
  stale: boolean;
}

/** ext.rs `CaseRef`: one case of one execution (`testany.openLog`, `testany/logView`). */
export interface CaseRef {
  execution: string;
  caseIndex: number;
}

/** ext.rs `OpenLogArgs`: a `CaseRef` with an optional 0-based log line to show (a test's lens passes it). */
export interface OpenLogArgs {
  execution: string;
  caseIndex: number;
  line?: number;
}

/** `testany.runLocally`: the framework's own command for one test (nothing is run by the server). */
export const RUN_LOCALLY = 'testany.runLocally';

/** ext.rs `TestRef`: one test of one case's log. */
export interface TestRef {
  execution: string;
  caseIndex: number;
  testId: string;
}

/** ext.rs `LocalCommandResult`: program and arguments unquoted, and the absolute folder to run it in. */
export interface LocalCommandResult {
  argv: string[];
  cwd: string;
}

/** ext.rs `OpenLogResult`. */
export interface OpenLogResult {
  uri: string;
  line: number;
}

/**
 * ext.rs `ExecutionView` (`testany.showExecution`, `testany.refreshExecution`): core's
 * `Execution` as model JSON (snake_case, `null` when absent), each duration also as text.
 */
export interface ExecutionView {
  key: string;
  status: string;
  result: string | null;
  pipeline_key: string | null;
  pipeline_name: string | null;
  workspace: string | null;
  environment: string | null;
  trigger: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  /** `duration_ms` as core's `plan::format_duration` writes it (`1s`, `2m`, `2m 15s`): shown as given. */
  duration_text: string | null;
  cases: CaseView[];
}

/** ext.rs `CaseView`: core's `CaseResult` (flattened) and its duration as text. */
export interface CaseView {
  index: number;
  case_key: string;
  name: string | null;
  status: string | null;
  result: string | null;
  duration_ms: number | null;
  error: string | null;
  runtime_uuid: string | null;
  started_at: string | null;
  completed_at: string | null;
  duration_text: string | null;
}

/** ext.rs `PipelineHealthView` (`testany.pipelineHealth`): core's `PipelineHealth`, slowest durations also as text. */
export interface PipelineHealthView {
  days: number;
  from: string;
  to: string;
  runs: number;
  passed: number;
  failed: number;
  other: number;
  pass_rate: number | null;
  flaky: { case_key: string; name: string | null; runs: number; passed: number; failed: number; flips: number }[];
  slowest: SlowCaseView[];
  series: { date: string; runs: number; passed: number; failed: number }[];
}

/** ext.rs `SlowCaseView`: core's `SlowCase` (flattened) and its mean and max as text. */
export interface SlowCaseView {
  case_key: string;
  name: string | null;
  runs: number;
  mean_ms: number;
  max_ms: number;
  mean_text: string;
  max_text: string;
}

/** testany-core `ansi::Color`. */
export type Color =
  | { kind: 'basic'; index: number }
  | { kind: 'indexed'; index: number }
  | { kind: 'rgb'; r: number; g: number; b: number };

/** testany-core `ansi::Style`. */
export interface Style {
  fg: Color | null;
  bg: Color | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

/** testany-core `ansi::StyledSpan`. */
export interface StyledSpan {
  text: string;
  style: Style;
}

/** ext.rs `LineStyle`: a line's spans; concatenated, their texts are the line. */
export interface LineStyle {
  line: number;
  spans: StyledSpan[];
}

/** ext.rs `LogFrame`: a location in the log resolved to a workspace file. */
export interface LogFrame {
  /** 0-based line of the log. */
  logLine: number;
  uri: string;
  /** 0-based line of the file. */
  line: number;
  /** 1-based column, when the tool printed one. */
  column: number | null;
}

/** ext.rs `LogViewResult`. */
export interface LogViewResult {
  uri: string;
  /** The log without escapes, lines joined by `\n`. */
  text: string;
  styles: LineStyle[];
  /** 0-based lines that read as a failure or hold a workspace frame, ascending. */
  failureLines: number[];
  /** The 0-based line `testany.openLog` selects. */
  firstFailure: number;
  frames: LogFrame[];
}

/** The requests the shared UI sends; a vscode-languageclient `LanguageClient` (node or browser) is one. */
export interface RequestSender {
  sendRequest<R>(method: string, params: unknown): Promise<R>;
}

export function caseStates(client: RequestSender, params: CaseStatesParams = {}): Promise<CaseState[]> {
  return client.sendRequest<CaseState[]>(CASE_STATES, params);
}

export function pipelineStates(client: RequestSender): Promise<PipelineState[]> {
  const params: PipelineStatesParams = {};
  return client.sendRequest<PipelineState[]>(PIPELINE_STATES, params);
}

export function logView(client: RequestSender, params: CaseRef): Promise<LogViewResult> {
  return client.sendRequest<LogViewResult>(LOG_VIEW, params);
}

/** A `workspace/executeCommand` sent to the server directly (not through VS Code's command, which presents results). */
export function executeCommand<R>(client: RequestSender, command: string, args: object): Promise<R> {
  return client.sendRequest<R>('workspace/executeCommand', { command, arguments: [args] });
}

export function runLocally(client: RequestSender, ref: TestRef): Promise<LocalCommandResult> {
  return executeCommand<LocalCommandResult>(client, RUN_LOCALLY, ref);
}

/** `testany/listFiles` (server → client, hosts without a disk: the web worker). */
export const LIST_FILES = 'testany/listFiles';
/** `testany/readFile` (server → client, hosts without a disk). */
export const READ_FILE = 'testany/readFile';

/** ext.rs `ListFilesParams`: the workspace folder's URI, as the client named it. */
export interface ListFilesParams {
  root: string;
}

/** ext.rs `ListFilesResult`: `/`-separated paths relative to `root`. */
export interface ListFilesResult {
  files: string[];
  /** The client stopped listing at its limit (default false). */
  truncated?: boolean;
}

/** ext.rs `ReadFileParams`. */
export interface ReadFileParams {
  uri: string;
}

/** ext.rs `ReadFileResult`: the UTF-8 text, or null (missing, a directory, not UTF-8, over 2 MiB). */
export interface ReadFileResult {
  text: string | null;
}
