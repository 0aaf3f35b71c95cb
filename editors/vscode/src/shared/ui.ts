// The UI both entries share: palette commands, token storage, result documents, the
// per-pipeline status bar, the Test Explorer and the log viewer. It talks to the language
// server only through the typed protocol (src/shared/protocol.ts: `testany/caseStates`,
// `testany/logView`, the section 6 commands) of whichever client the entry started, so
// desktop and web behave the same.
import * as vscode from 'vscode';
import { ExecutionInfo, executionInfo, isFailed, logExcerpt, resultWord, statusItem } from './cases';
import { LogPanel } from './logPanel';
import { openLocalRun } from './localRun';
import {
  CaseRef,
  caseStates,
  executeCommand,
  LocalCommandResult,
  logView,
  OpenLogResult,
  PipelineState,
  pipelineStates,
  RequestSender,
  runLocally,
  TestState,
} from './protocol';
import { failureItems, renderExecution, renderHealth } from './render';
import { RENAMED, renameNotice, settingsToOptions } from './settings';
import { testItemText } from './testItems';
import { testMessageOf } from './testMessage';
import { isTestEntry, testLabel, testTree, TreeNode, walk } from './testTree';

export const TOKEN_KEY = 'testany.token';
const DOC_SCHEME = 'testany';

/** What an entry provides to the shared UI. */
export interface Host {
  readonly kind: 'desktop' | 'web';
  /** Called after the token was set or cleared. */
  tokenChanged(token: string | undefined): Promise<void>;
  /** The language client while it runs (a vscode-languageclient client, node or browser). */
  languageClient(): RequestSender | undefined;
  /** Desktop only: start `testany mock` and point the workspace at it. */
  startDemoServer?(): Promise<void>;
}

/** Settings under `testany` that are explicitly set, as testany.toml-shaped options. */
export function settingsConfig(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const c = vscode.workspace.getConfiguration('testany', scope);
  return settingsToOptions((setting) => {
    const value = c.get(setting);
    if (value !== null && value !== undefined) return value;
    // An old name the move could not rewrite (e.g. a read-only settings file) still counts.
    const old = RENAMED.find(([, renamed]) => renamed === setting)?.[0];
    return old ? c.get(old) : undefined;
  });
}

/**
 * Moves settings set under their old names (`testany.log_domain`, `testany.poll.running_secs`,
 * `testany.poll.idle_secs`) to the new ones, at the level they were set, once; one notice
 * says what moved.
 */
export async function migrateSettings(): Promise<void> {
  const moved: string[] = [];
  const scopes: [vscode.ConfigurationScope | undefined, vscode.ConfigurationTarget][] = [
    [undefined, vscode.ConfigurationTarget.Global],
    [undefined, vscode.ConfigurationTarget.Workspace],
    ...(vscode.workspace.workspaceFolders ?? []).map(
      (f) => [f.uri, vscode.ConfigurationTarget.WorkspaceFolder] as [vscode.Uri, vscode.ConfigurationTarget],
    ),
  ];
  for (const [scope, target] of scopes) {
    const c = vscode.workspace.getConfiguration('testany', scope);
    for (const [old, renamed] of RENAMED) {
      const o = c.inspect(old);
      const n = c.inspect(renamed);
      const level = (i: typeof o) =>
        target === vscode.ConfigurationTarget.Global
          ? i?.globalValue
          : target === vscode.ConfigurationTarget.Workspace
            ? i?.workspaceValue
            : i?.workspaceFolderValue;
      const value = level(o);
      if (value === undefined || value === null) continue;
      try {
        if (level(n) === undefined || level(n) === null) await c.update(renamed, value, target);
        await c.update(old, undefined, target);
        if (!moved.includes(old)) moved.push(old);
      } catch {
        // Unwritable settings: settingsConfig still reads the old name.
      }
    }
  }
  const notice = renameNotice(moved);
  if (notice) void vscode.window.showInformationMessage(notice);
}

/**
 * Whether some workspace folder holds a testany.toml (the extension is quiet otherwise);
 * also the `testany.hasProject` context the walkthrough's second step completes on.
 */
export async function hasProject(): Promise<boolean> {
  const found = await vscode.workspace.findFiles('**/testany.toml', '{**/node_modules/**,**/target/**,**/.git/**}', 1);
  const has = found.length > 0;
  void vscode.commands.executeCommand('setContext', 'testany.hasProject', has);
  return has;
}

/** One anchored case (a marker or a `[cases]` mapping) with its server-given state. */
export interface CaseView {
  key: string;
  name?: string;
  uri: vscode.Uri;
  line: number;
  state: TestState;
  stale: boolean;
  execution?: string;
  pipeline?: string;
  caseIndex?: number;
  diagnostics: vscode.Diagnostic[];
  locations: { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[];
}

/** How many failed cases' logs the Test Explorer asks for per change (each is a logView request). */
const MAX_EXCERPTS = 10;
/** How many terminals one "Run locally" of a case or pipeline opens (one per test). */
const MAX_LOCAL_RUNS = 10;

export class Ui implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly docs = new Map<string, string>();
  private readonly docChange = new vscode.EventEmitter<vscode.Uri>();
  private readonly statusItems = new Map<string, vscode.StatusBarItem>();
  private readonly controller: vscode.TestController;
  private readonly panel: LogPanel;
  private cases: CaseView[] = [];
  /** The per-test tree (issue 15) from caseStates' test entries, and its nodes by id. */
  private tree: TreeNode[] = [];
  private nodes = new Map<string, TreeNode>();
  private treeItems = new Map<string, vscode.TestItem>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRunSignature = '';
  /** Execution key -> its case indices (`testany.showExecution`, asked once; caseStates gives the pipeline). */
  private readonly executions = new Map<string, ExecutionInfo & { at: number }>();
  private refreshing: Promise<void> | undefined;
  private hasResults = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: Host,
    readonly output: vscode.OutputChannel,
  ) {
    this.panel = new LogPanel(context, (line) => this.log(line));
    this.controller = vscode.tests.createTestController('testany', 'Testany');
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile(
      'Re-run pipeline on Testany',
      vscode.TestRunProfileKind.Run,
      (req) => this.rerunFromTests(req),
      true,
    );
    this.controller.createRunProfile(
      'Run locally',
      vscode.TestRunProfileKind.Run,
      (req) => this.runLocallyFromTests(req),
      false,
    );
    this.disposables.push(
      this.controller,
      this.panel,
      this.docChange,
      vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, {
        onDidChange: this.docChange.event,
        provideTextDocumentContent: (uri) => this.docs.get(uri.toString()) ?? '',
      }),
    );
    this.registerCommands();
    // docs/protocol.md: caseStates is asked again when the server signals a change (its
    // diagnostics and workspace/codeLens/refresh: the client's message strategy,
    // middleware.ts `serverSignals`) and when lenses arrive; never on a timer.
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduleRefresh(100)));
  }

  /** The output channel; on the web also the worker's console, the only log it keeps. */
  log(line: string): void {
    this.output.appendLine(line);
    if (this.host.kind === 'web') console.log(`testany: ${line}`);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.statusItems.values()) s.dispose();
    for (const d of this.disposables) d.dispose();
  }

  get logPanel(): LogPanel {
    return this.panel;
  }

  private register(id: string, fn: (...args: never[]) => unknown): void {
    this.disposables.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          this.reportError(id, e);
          return undefined;
        }
      }),
    );
  }

  private reportError(what: string, e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    this.log(`${what}: ${msg}`);
    void vscode.window.showErrorMessage(`Testany: ${msg}`);
  }

  private registerCommands(): void {
    this.register('testany.setToken', async () => {
      const token = await vscode.window.showInputBox({
        title: 'Testany API token',
        prompt: 'Stored in VS Code SecretStorage, never in settings or files.',
        password: true,
        ignoreFocusOut: true,
      });
      if (!token) return;
      await this.context.secrets.store(TOKEN_KEY, token.trim());
      await this.host.tokenChanged(token.trim());
      void vscode.window.showInformationMessage('Testany: API token saved.');
    });
    this.register('testany.clearToken', async () => {
      await this.context.secrets.delete(TOKEN_KEY);
      await this.host.tokenChanged(undefined);
      void vscode.window.showInformationMessage('Testany: API token cleared.');
    });
    this.register('testany.openFailureLog', () => this.openFailureLogAtCursor());
    this.register('testany.pickExecution', async (arg?: { execution?: string }) => {
      const execution = arg?.execution ?? (await this.pickExecution());
      if (execution) await vscode.commands.executeCommand('testany.showExecution', { execution });
    });
    this.register('testany.rerunPipeline', async (arg?: { pipeline?: string }) => {
      const pipeline = arg?.pipeline ?? (await this.pickPipeline('Re-run which pipeline?'));
      if (pipeline) await vscode.commands.executeCommand('testany.runPipeline', { pipeline });
    });
    this.register('testany.showRecentFailures', async () => {
      const pipeline = await this.pickPipeline('Recent failures of which pipeline?');
      if (!pipeline) return;
      // The client middleware presents the result.
      await vscode.commands.executeCommand('testany.recentFailures', { pipeline, days: 7 });
    });
    this.register('testany.showPipelineHealth', async () => {
      const pipeline = await this.pickPipeline('Health of which pipeline?');
      if (!pipeline) return;
      await vscode.commands.executeCommand('testany.pipelineHealth', { pipeline, days: 7 });
    });
    this.register('testany.startDemoServer', async () => {
      if (!this.host.startDemoServer) {
        void vscode.window.showInformationMessage(
          'Testany: the demo server needs a process; run `testany mock` in a terminal and set testany.url.',
        );
        return;
      }
      await this.host.startDemoServer();
    });
    this.register('testany.openLocation', async (arg: { uri?: string; line?: number }) => {
      await this.openLocation(arg);
    });
  }

  /** Shows a command's result (from the language client middleware). */
  async present(command: string, args: Record<string, unknown>, result: unknown): Promise<void> {
    if (result === undefined || result === null) return;
    if (command === 'testany.showExecution') {
      await this.showDoc(`Execution ${String(args.execution ?? '')}`, renderExecution(result));
    } else if (command === 'testany.pipelineHealth') {
      await this.showDoc(`Health ${String(args.pipeline ?? '')}`, renderHealth(String(args.pipeline ?? ''), result));
    } else if (command === 'testany.recentFailures') {
      const items = failureItems(result);
      if (items.length === 0) {
        void vscode.window.showInformationMessage(
          `Testany: no recent failures${args.pipeline ? ` in ${String(args.pipeline)}` : ''}.`,
        );
        return;
      }
      const pick = await vscode.window.showQuickPick(items, { title: 'Testany: recent failures', matchOnDetail: true });
      if (pick?.uri) await this.openLocation({ uri: pick.uri, line: pick.line });
      else if (pick?.execution && pick.caseIndex !== undefined) {
        await this.openLog({ execution: pick.execution, caseIndex: pick.caseIndex });
      }
    }
  }

  /**
   * `testany.openLog` as the viewer shows it: the server's `testany/logView` (the log
   * fetched and cached as openLog does, escape-free text, styles, failure lines, frames)
   * rendered in the log panel at the line openLog selects.
   */
  async openLog(arg: unknown): Promise<OpenLogResult | undefined> {
    const a = (arg ?? {}) as { execution?: unknown; caseIndex?: unknown; line?: unknown };
    if (typeof a.execution !== 'string' || typeof a.caseIndex !== 'number') {
      this.reportError('testany.openLog', new Error('openLog needs {execution, caseIndex}.'));
      return undefined;
    }
    const client = this.host.languageClient();
    if (!client) {
      this.reportError('testany.openLog', new Error('the language server is not running.'));
      return undefined;
    }
    const ref: CaseRef = { execution: a.execution, caseIndex: a.caseIndex };
    try {
      const view = await logView(client, ref);
      // A test's lens (and openLog's `line`) asks for the line where the log reports the test.
      const line = typeof a.line === 'number' && Number.isInteger(a.line) && a.line >= 0 ? a.line : view.firstFailure;
      this.panel.show({
        title: `Log ${ref.execution} #${ref.caseIndex}`,
        view: { ...view, firstFailure: line },
      });
      return { uri: view.uri, line };
    } catch (e) {
      this.reportError('testany.openLog', e);
      return undefined;
    }
  }

  private async showDoc(title: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${title.replace(/[^\w .-]/g, '_')}.md` });
    this.docs.set(uri.toString(), markdown);
    this.docChange.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** Opens a workspace file (a URI the server resolved) at a 0-based line. */
  async openLocation(arg: { uri?: string; line?: number }): Promise<void> {
    this.log(`open ${arg.uri ?? ''}:${arg.line ?? 0}`);
    if (!arg.uri) {
      void vscode.window.showWarningMessage('Testany: that location is not in this workspace.');
      return;
    }
    const line = Math.max(0, Math.floor(arg.line ?? 0));
    const pos = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(vscode.Uri.parse(arg.uri), {
      selection: new vscode.Range(pos, pos),
      viewColumn: vscode.ViewColumn.One,
    });
  }

  /** Pipelines of the executions the cases come from. */
  private knownPipelines(): string[] {
    return [...new Set(this.cases.map((c) => c.pipeline).filter((p): p is string => !!p))].sort();
  }

  private async pickPipeline(title: string): Promise<string | undefined> {
    const pipelines = this.knownPipelines();
    if (pipelines.length === 0) {
      return vscode.window.showInputBox({ title, prompt: 'Pipeline key, e.g. Y2K-0601' });
    }
    if (pipelines.length === 1) return pipelines[0];
    return vscode.window.showQuickPick(pipelines, { title });
  }

  private async pickExecution(): Promise<string | undefined> {
    const known = [...new Set(this.cases.map((c) => c.execution).filter((e): e is string => !!e))].sort().reverse();
    if (known.length === 1) return known[0];
    if (known.length > 1) return vscode.window.showQuickPick(known, { title: 'Show which execution?' });
    return vscode.window.showInputBox({ title: 'Show which execution?', prompt: 'Execution key, e.g. Y2K-0601-0000A' });
  }

  private async openFailureLogAtCursor(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const client = this.host.languageClient();
    if (!editor || !client) return;
    const cursor = editor.selection.active.line;
    const states = await caseStates(client, { uri: editor.document.uri.toString() });
    const at = states.filter((s) => s.line <= cursor).pop();
    if (!at) {
      void vscode.window.showInformationMessage('Testany: no `testany:` case marker at or above the cursor.');
      return;
    }
    if (isTestEntry(at) && isFailed(at.state)) {
      await this.openLog({ execution: at.execution, caseIndex: at.caseIndex, line: at.logLine });
      return;
    }
    const caseIndex = at.execution
      ? (await this.executionInfo(client, at.execution, at.key))?.caseIndex.get(at.key)
      : undefined;
    if (!at.execution || !isFailed(at.state) || caseIndex === undefined) {
      void vscode.window.showInformationMessage(`Testany: case ${at.key} has no failed result with a log.`);
      return;
    }
    await this.openLog({ execution: at.execution, caseIndex });
  }

  /** Run profile: re-runs the pipelines of the chosen cases (all known pipelines when none chosen). */
  private async rerunFromTests(request: vscode.TestRunRequest): Promise<void> {
    const chosen = new Set((request.include ?? []).map((item) => item.id));
    const selected = new Set<string>();
    for (const c of this.cases) {
      if (!c.pipeline) continue;
      if (chosen.size === 0 || chosen.has(caseId(c)) || chosen.has(c.uri.toString())) selected.add(c.pipeline);
    }
    for (const n of this.nodes.values()) {
      if (n.pipeline && (chosen.size === 0 || chosen.has(n.id))) selected.add(n.pipeline);
    }
    for (const pipeline of selected) await vscode.commands.executeCommand('testany.runPipeline', { pipeline });
  }

  /**
   * Run profile "Run locally": each chosen test (or the tests under a chosen case, file or
   * pipeline, at most MAX_LOCAL_RUNS) in its own terminal, with the framework's command the
   * server gives (`testany.runLocally`).
   */
  private async runLocallyFromTests(request: vscode.TestRunRequest): Promise<void> {
    const client = this.host.languageClient();
    if (!client) {
      this.reportError('Run locally', new Error('the language server is not running.'));
      return;
    }
    const roots = (request.include ?? []).map((item) => this.nodes.get(item.id)).filter((n): n is TreeNode => !!n);
    const tests = [...walk(roots)].filter((n) => n.kind === 'test' && n.ref);
    if (tests.length === 0) {
      void vscode.window.showInformationMessage(
        'Testany: Run locally runs the tests read from a case log; choose one under a pipeline.',
      );
      return;
    }
    if (tests.length > MAX_LOCAL_RUNS) {
      void vscode.window.showInformationMessage(
        `Testany: running the first ${MAX_LOCAL_RUNS} of ${tests.length} tests locally (one terminal each).`,
      );
    }
    for (const t of tests.slice(0, MAX_LOCAL_RUNS)) {
      if (!t.ref) continue;
      try {
        this.openTerminal(await runLocally(client, t.ref), t.label);
      } catch (e) {
        this.reportError('Run locally', e);
      }
    }
  }

  /** `testany.runLocally`'s result (a lens's action or the run profile) in a new terminal. */
  runLocally(result: unknown, arg?: unknown): void {
    try {
      // The terminal is named after the test's display name (its tree item's label), not
      // the raw testId the lens passes.
      this.openTerminal(result, testLabel(this.nodes.values(), arg) ?? 'test');
    } catch (e) {
      this.reportError('testany.runLocally', e);
    }
  }

  private openTerminal(result: unknown, label: string): void {
    const r = (result ?? {}) as Partial<LocalCommandResult>;
    if (!Array.isArray(r.argv) || !r.argv.every((a) => typeof a === 'string') || typeof r.cwd !== 'string') {
      throw new Error('runLocally gave no {argv, cwd} to run.');
    }
    if (this.host.kind === 'web') {
      throw new Error('Run locally needs VS Code desktop (the browser has no terminal to run tests in).');
    }
    const command: LocalCommandResult = { argv: r.argv, cwd: r.cwd };
    const text = openLocalRun(command, label);
    this.log(`run locally in ${command.cwd}: ${text}`);
  }

  scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /** Asks the server for every case's state; updates the status bar and the Test Explorer. */
  async refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = this.doRefresh()
      .catch((e) => this.log(`refresh failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const client = this.host.languageClient();
    const states = client ? await caseStates(client) : [];
    const pipelines = client
      ? await pipelineStates(client).catch((e: unknown) => {
          this.log(`pipelineStates: ${e instanceof Error ? e.message : String(e)}`);
          return [];
        })
      : [];
    const diagnostics = vscode.languages
      .getDiagnostics()
      .map(([u, ds]) => [u, ds.filter((d) => d.source === 'testany')] as const)
      .filter(([, ds]) => ds.length > 0);
    const cases: CaseView[] = [];
    // Test entries (issue 15) make the per-test tree, grouped by their caseStates
    // `pipeline`; case entries the items they always did.
    this.tree = testTree(states, (u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u)));
    this.nodes = new Map([...walk(this.tree)].map((n) => [n.id, n]));
    for (const s of states) {
      if (isTestEntry(s)) continue;
      const uri = vscode.Uri.parse(s.uri);
      const info = client && s.execution ? await this.executionInfo(client, s.execution, s.key) : undefined;
      const fileDiags = diagnostics.find(([u]) => u.toString() === uri.toString())?.[1] ?? [];
      const locations: CaseView['locations'] = [];
      for (const [u, ds] of diagnostics) {
        for (const d of ds) {
          const rel = d.relatedInformation?.find(
            (r) => r.location.uri.toString() === uri.toString() && r.location.range.start.line === s.line,
          );
          if (rel && !(u.toString() === uri.toString() && d.range.start.line === s.line)) {
            locations.push({ uri: u, diagnostic: d });
          }
        }
      }
      cases.push({
        key: s.key,
        name: s.name,
        uri,
        line: s.line,
        state: s.state,
        stale: s.stale,
        execution: s.execution,
        pipeline: s.pipeline,
        caseIndex: info?.caseIndex.get(s.key),
        diagnostics: fileDiags.filter((d) => d.range.start.line === s.line),
        locations,
      });
    }
    this.cases = cases;
    // The walkthrough's last step ("see the first lens") completes once a case has a result.
    const hasResults = cases.some((c) => c.execution !== undefined);
    if (hasResults !== this.hasResults) {
      this.hasResults = hasResults;
      void vscode.commands.executeCommand('setContext', 'testany.hasResults', hasResults);
    }
    this.updateStatus(pipelines);
    await this.updateTests(client);
  }

  /**
   * An execution's pipeline and case indices, from `testany.showExecution` (sent to the
   * server directly: VS Code's command would present it). Asked once per execution, again
   * after 30 s when it did not list `key` yet (a run that is still starting).
   */
  private async executionInfo(
    client: RequestSender,
    execution: string,
    key: string,
  ): Promise<ExecutionInfo | undefined> {
    const known = this.executions.get(execution);
    if (known && (known.caseIndex.has(key) || Date.now() - known.at < 30_000)) return known;
    try {
      const info = {
        ...executionInfo(await executeCommand(client, 'testany.showExecution', { execution })),
        at: Date.now(),
      };
      if (this.executions.size >= 200) this.executions.delete(this.executions.keys().next().value as string);
      this.executions.set(execution, info);
      return info;
    } catch (e) {
      this.log(`showExecution ${execution}: ${e instanceof Error ? e.message : String(e)}`);
      this.executions.set(execution, { caseIndex: new Map(), at: Date.now() });
      return undefined;
    }
  }

  /** One status bar item per pipeline, as `testany/pipelineStates` counts and words it. */
  private updateStatus(pipelines: readonly PipelineState[]): void {
    const wanted = new Map(pipelines.map((p) => [p.pipeline, p]));
    for (const [p, item] of this.statusItems) {
      if (!wanted.has(p)) {
        item.dispose();
        this.statusItems.delete(p);
      }
    }
    let priority = 100;
    for (const [pipeline, p] of wanted) {
      let item = this.statusItems.get(pipeline);
      if (!item) {
        item = vscode.window.createStatusBarItem(
          `testany.status.${pipeline}`,
          vscode.StatusBarAlignment.Left,
          priority--,
        );
        item.name = `Testany ${pipeline}`;
        this.statusItems.set(pipeline, item);
      }
      const shown = statusItem(p);
      item.text = shown.text;
      item.tooltip = shown.tooltip;
      item.command = {
        title: 'Show Execution',
        command: 'testany.pickExecution',
        arguments: [{ execution: p.execution }],
      };
      item.backgroundColor = shown.failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      item.show();
    }
  }

  private async updateTests(client: RequestSender | undefined): Promise<void> {
    const byFile = new Map<string, CaseView[]>();
    for (const c of this.cases) {
      const k = c.uri.toString();
      byFile.set(k, [...(byFile.get(k) ?? []), c]);
    }
    const fileItems: vscode.TestItem[] = [];
    for (const [k, cases] of byFile) {
      const uri = cases[0].uri;
      const fileItem =
        this.controller.items.get(k) ?? this.controller.createTestItem(k, vscode.workspace.asRelativePath(uri), uri);
      const children: vscode.TestItem[] = [];
      for (const c of cases) {
        const id = caseId(c);
        const text = testItemText(c.key, c.name, resultWord(c.state), c.execution, c.stale);
        const item = fileItem.children.get(id) ?? this.controller.createTestItem(id, text.label, uri);
        item.label = text.label;
        item.range = new vscode.Range(c.line, 0, c.line, 0);
        item.description = text.description;
        children.push(item);
      }
      fileItem.children.replace(children);
      fileItems.push(fileItem);
    }
    this.treeItems = new Map();
    const treeItems = this.tree.map((n) => this.treeItem(n, undefined));
    this.controller.items.replace([...fileItems, ...treeItems]);

    const tests = [...this.nodes.values()].filter((n) => n.kind === 'test');
    const signature = JSON.stringify([
      this.cases.map((c) => [caseId(c), c.state, c.execution, c.name, c.diagnostics.length, c.locations.length]),
      tests.map((n) => [n.id, n.state, n.description, n.line, n.message]),
    ]);
    if (signature === this.lastRunSignature) return;
    this.lastRunSignature = signature;
    if (this.cases.length === 0 && tests.length === 0) return;
    const excerpts = new Map<string, string>();
    for (const c of this.cases) {
      if (excerpts.size >= MAX_EXCERPTS) break;
      if (!client || !isFailed(c.state) || !c.execution || c.caseIndex === undefined) continue;
      const view = await logView(client, { execution: c.execution, caseIndex: c.caseIndex }).catch(() => undefined);
      const excerpt = view ? logExcerpt(view) : undefined;
      if (excerpt) excerpts.set(caseId(c), excerpt);
    }
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), 'Testany results', false);
    for (const c of this.cases) {
      const item = this.controller.items.get(c.uri.toString())?.children.get(caseId(c));
      if (!item) continue;
      if (c.state === 'passed') run.passed(item);
      else if (c.state === 'error') run.errored(item, testMessages(c, excerpts.get(caseId(c))));
      else if (isFailed(c.state)) run.failed(item, testMessages(c, excerpts.get(caseId(c))));
      else if (c.state === 'running') run.started(item);
      else if (c.state === 'pending') run.enqueued(item);
      else if (c.state === 'skipped') run.skipped(item);
    }
    for (const n of tests) {
      const item = this.treeItems.get(n.id);
      if (!item) continue;
      const messages = n.message ? [testMessageOf(n)] : [];
      if (n.state === 'passed') run.passed(item);
      else if (n.state === 'error') run.errored(item, messages);
      else if (n.state && isFailed(n.state)) run.failed(item, messages);
      else if (n.state === 'skipped') run.skipped(item);
    }
    run.end();
  }

  /** A tree node's TestItem (reused by id, so expanded nodes stay expanded). */
  private treeItem(n: TreeNode, parent: vscode.TestItem | undefined): vscode.TestItem {
    const uri = n.uri ? vscode.Uri.parse(n.uri) : undefined;
    const siblings = parent ? parent.children : this.controller.items;
    const item = siblings.get(n.id) ?? this.controller.createTestItem(n.id, n.label, uri);
    item.label = n.label;
    item.description = n.description;
    if (n.line !== undefined) item.range = new vscode.Range(n.line, 0, n.line, 0);
    item.children.replace(n.children.map((c) => this.treeItem(c, item)));
    this.treeItems.set(n.id, item);
    return item;
  }
}

function caseId(c: { uri: vscode.Uri; key: string; line: number }): string {
  return `${c.uri.toString()}#${c.key}@${c.line}`;
}

/**
 * A failed case's messages: one per failure location (with the log excerpt), else the
 * marker. Diagnostics and the log view's text arrive as display text from the server.
 */
export function testMessages(c: CaseView, excerpt?: string): vscode.TestMessage[] {
  const error =
    c.diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)?.message ??
    `${resultWord(c.state)} ${c.key}`;
  const head = excerpt ? `${error}\n\nLog:\n${excerpt}` : error;
  const out: vscode.TestMessage[] = [];
  for (const loc of c.locations) {
    const m = new vscode.TestMessage(`${loc.diagnostic.message}\n\n${head}`);
    m.location = new vscode.Location(loc.uri, loc.diagnostic.range);
    out.push(m);
  }
  if (out.length === 0) {
    const m = new vscode.TestMessage(head);
    m.location = new vscode.Location(c.uri, new vscode.Range(c.line, 0, c.line, 0));
    out.push(m);
  }
  return out;
}
