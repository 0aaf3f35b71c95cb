// The UI both entries share: palette commands, token storage, result documents, the
// per-pipeline status bar, the Test Explorer and the log viewer. It sees the engine only
// through lenses and diagnostics (which both entries provide to VS Code) and the
// design.md section 6 commands, so desktop and web behave the same.
import * as vscode from 'vscode';
import { mergeConfig, pipelineOf, readConfig, TestanyConfig } from './config';
import { CaseState, countStates, lensSignature, parseLensTitle, resolveBySuffix, scanMarkers, statusText } from './markers';
import { failureItems, logExcerpt, renderExecution, renderHealth } from './render';
import { LogPanel } from './logPanel';
import { WorkspaceIndex } from './workspaceIndex';
import { caseNames, testItemText } from './testItems';
import { forDisplay } from './display';

export const TOKEN_KEY = 'testany.token';
const DOC_SCHEME = 'testany';

/** What an entry provides to the shared UI. */
export interface Host {
  readonly kind: 'desktop' | 'web';
  /** Called after the token was set or cleared. */
  tokenChanged(token: string | undefined): Promise<void>;
  /**
   * An execution in testany-core's canonical shape (the `testany.showExecution` result),
   * fetched without presenting it; the Test Explorer takes case names from it.
   */
  execution?(key: string): Promise<unknown>;
  /** The failure log of a case when the engine already holds it (no fetch). */
  logText?(execution: string, caseIndex: number): Promise<string | undefined>;
  /** Desktop only: start `testany mock` and point the workspace at it. */
  startDemoServer?(): Promise<void>;
}

/** One workspace folder with a testany.toml (merged with the settings). */
export interface FolderConfig {
  folder: vscode.WorkspaceFolder;
  tomlUri: vscode.Uri;
  config: TestanyConfig;
}

/** Settings under `testany` that are explicitly set; unset ones leave the file's value. */
export function settingsConfig(scope?: vscode.ConfigurationScope): TestanyConfig {
  const c = vscode.workspace.getConfiguration('testany', scope);
  const out: Record<string, unknown> = {};
  for (const key of ['url', 'workspace', 'pipelines', 'environment', 'log_domain', 'history', 'cases']) {
    const v = c.get(key);
    if (v !== null && v !== undefined) out[key] = v;
  }
  const running = c.get<number | null>('poll.running_secs');
  const idle = c.get<number | null>('poll.idle_secs');
  if (typeof running === 'number' || typeof idle === 'number') {
    out.poll = {
      ...(typeof running === 'number' ? { running_secs: running } : {}),
      ...(typeof idle === 'number' ? { idle_secs: idle } : {}),
    };
  }
  return out as TestanyConfig;
}

/** The testany.toml of every workspace folder (at its root or below), merged with settings. */
export async function folderConfigs(): Promise<FolderConfig[]> {
  const out: FolderConfig[] = [];
  const found = await vscode.workspace.findFiles('**/testany.toml', '{**/node_modules/**,**/target/**,**/.git/**}', 50);
  for (const tomlUri of found) {
    const folder = vscode.workspace.getWorkspaceFolder(tomlUri);
    if (!folder) continue;
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(tomlUri));
      const { config } = readConfig(text);
      out.push({ folder, tomlUri, config: mergeConfig(config, settingsConfig(folder)) });
    } catch {
      // An unreadable file is reported by the engine; the UI just skips it.
    }
  }
  out.sort((a, b) => a.tomlUri.toString().localeCompare(b.tomlUri.toString()));
  return out;
}

/** One marked case in one file with what the lenses and diagnostics say about it. */
export interface CaseView {
  key: string;
  /** The case's name in its execution, when known. */
  name?: string;
  uri: vscode.Uri;
  line: number;
  state: CaseState;
  result: string;
  execution?: string;
  pipeline?: string;
  openLog?: vscode.Command;
  diagnostics: vscode.Diagnostic[];
  locations: { uri: vscode.Uri; diagnostic: vscode.Diagnostic }[];
}

/** Source files the Test Explorer looks in for markers. */
const SOURCE_FILE = /\.(py|js|jsx|ts|tsx|mjs|cjs|java|kt|kts|go|rs|rb|cs|php|swift|scala|c|cc|cpp|h|hpp|feature|robot|lua|sh)$/;

export class Ui implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly docs = new Map<string, string>();
  private readonly docChange = new vscode.EventEmitter<vscode.Uri>();
  private readonly statusItems = new Map<string, vscode.StatusBarItem>();
  private readonly controller: vscode.TestController;
  private readonly panel: LogPanel;
  /** The files of the configured folders and their markers (shared with the web entry). */
  readonly index = new WorkspaceIndex();
  private cases: CaseView[] = [];
  private configs: FolderConfig[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private lastRunSignature = '';
  /** File URI -> what its lenses showed last (lensSignature). */
  private readonly lensesShown = new Map<string, string>();
  /** Execution key -> its cases' names (a case's name does not change within a run). */
  private readonly names = new Map<string, { names: Map<string, string>; at: number }>();
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: Host,
    readonly output: vscode.OutputChannel,
  ) {
    this.panel = new LogPanel(context, (line) => this.log(line));
    this.controller = vscode.tests.createTestController('testany', 'Testany');
    this.controller.refreshHandler = () => this.refresh();
    this.controller.createRunProfile('Re-run on Testany', vscode.TestRunProfileKind.Run, (req) => this.rerunFromTests(req), true);
    this.disposables.push(
      this.controller,
      this.panel,
      this.index,
      this.docChange,
      vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, {
        onDidChange: this.docChange.event,
        provideTextDocumentContent: (uri) => this.docs.get(uri.toString()) ?? '',
      }),
    );
    this.registerCommands();
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh(300)),
      vscode.workspace.onDidSaveTextDocument(() => this.scheduleRefresh(500)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.index.clear();
        this.scheduleRefresh(100);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('testany')) this.scheduleRefresh(100);
      }),
    );
    // Lenses change without a diagnostics event (PASSED -> RUNNING): a slow safety poll.
    this.pollTimer = setInterval(() => this.scheduleRefresh(0), 5000);
  }

  /** The output channel; on the web also the worker's console, the only log it keeps. */
  log(line: string): void {
    this.output.appendLine(line);
    if (this.host.kind === 'web') console.log(`testany: ${line}`);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const s of this.statusItems.values()) s.dispose();
    for (const d of this.disposables) d.dispose();
  }

  get logPanel(): LogPanel {
    return this.panel;
  }

  private register(id: string, fn: (...args: any[]) => unknown): void {
    this.disposables.push(
      vscode.commands.registerCommand(id, async (...args: any[]) => {
        try {
          return await fn(...args);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          this.log(`${id}: ${msg}`);
          void vscode.window.showErrorMessage(forDisplay(`Testany: ${msg}`));
          return undefined;
        }
      }),
    );
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
      // The entry presents the result (desktop: client middleware; web: its handler).
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
    this.register('testany.openLocation', async (arg: { path?: string; line?: number; uri?: string }) => {
      await this.openLocation(arg);
    });
  }

  /** Shows a command's result (desktop: from the language client middleware). */
  async present(command: string, args: Record<string, unknown>, result: unknown): Promise<void> {
    if (result === undefined || result === null) return;
    if (command === 'testany.showExecution') {
      await this.showDoc(`Execution ${String(args.execution ?? '')}`, renderExecution(result));
    } else if (command === 'testany.pipelineHealth') {
      await this.showDoc(`Health ${String(args.pipeline ?? '')}`, renderHealth(String(args.pipeline ?? ''), result));
    } else if (command === 'testany.recentFailures') {
      const items = failureItems(result);
      if (items.length === 0) {
        void vscode.window.showInformationMessage(`Testany: no recent failures${args.pipeline ? ` in ${args.pipeline}` : ''}.`);
        return;
      }
      const pick = await vscode.window.showQuickPick(items, { title: 'Testany: recent failures', matchOnDetail: true });
      if (pick?.uri || pick?.path) await this.openLocation({ uri: pick.uri, path: pick.path, line: pick.line });
      else if (pick?.execution && pick.caseIndex !== undefined) {
        await vscode.commands.executeCommand('testany.openLog', { execution: pick.execution, caseIndex: pick.caseIndex });
      }
    }
  }

  private async showDoc(title: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${title.replace(/[^\w .-]/g, '_')}.md` });
    this.docs.set(uri.toString(), markdown);
    this.docChange.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  /** Opens a workspace file (path relative to a folder, or a URI) at a 0-based line. */
  async openLocation(arg: { path?: string; line?: number; uri?: string }): Promise<void> {
    let uri: vscode.Uri | undefined;
    if (arg.uri) uri = vscode.Uri.parse(arg.uri);
    else if (arg.path) {
      const uris = (
        await Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.index.files(f.uri)))
      ).flat();
      const byRel = new Map<string, vscode.Uri>();
      for (const u of uris) {
        const folder = vscode.workspace.getWorkspaceFolder(u);
        const base = folder ? folder.uri.path.replace(/\/+$/, '') : '';
        byRel.set(base && u.path.startsWith(`${base}/`) ? u.path.slice(base.length + 1) : u.path, u);
      }
      const rel = resolveBySuffix(arg.path, [...byRel.keys()]);
      if (rel) uri = byRel.get(rel);
    }
    this.log(`open ${arg.path ?? arg.uri ?? ''} -> ${uri?.toString() ?? 'not in the workspace'}`);
    if (!uri) {
      void vscode.window.showWarningMessage(forDisplay(`Testany: ${arg.path ?? arg.uri ?? 'the file'} is not in this workspace.`));
      return;
    }
    const line = Math.max(0, Math.floor(arg.line ?? 0));
    const pos = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
  }

  private async pickPipeline(title: string): Promise<string | undefined> {
    const pipelines = [...new Set(this.configs.flatMap((c) => c.config.pipelines ?? []))];
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
    if (!editor) return;
    const cursor = editor.selection.active.line;
    const markers = scanMarkers(editor.document.getText()).filter((m) => m.line <= cursor);
    const marker = markers[markers.length - 1];
    if (!marker) {
      void vscode.window.showInformationMessage('Testany: no `testany:` case marker at or above the cursor.');
      return;
    }
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 50)) ?? [];
    const lens = lenses.find((l) => l.range.start.line === marker.line && l.command?.command === 'testany.openLog');
    if (!lens?.command) {
      void vscode.window.showInformationMessage(`Testany: case ${marker.key} has no failed result with a log.`);
      return;
    }
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
  }

  /** Run profile: re-runs the pipelines of the chosen cases (all pipelines when none chosen). */
  private async rerunFromTests(request: vscode.TestRunRequest): Promise<void> {
    const chosen = new Set((request.include ?? []).map((item) => item.id));
    const selected = new Set<string>();
    for (const c of this.cases) {
      if (!c.pipeline) continue;
      if (chosen.size === 0 || chosen.has(caseId(c)) || chosen.has(c.uri.toString())) selected.add(c.pipeline);
    }
    if (selected.size === 0) for (const c of this.configs) for (const p of c.config.pipelines ?? []) selected.add(p);
    for (const pipeline of selected) await vscode.commands.executeCommand('testany.runPipeline', { pipeline });
  }

  /**
   * The engine's lenses for `uri` as VS Code just received them (desktop: after the
   * server's workspace/codeLens/refresh). When they show other results than before, the
   * Test Explorer and the status bar follow now, not at the next safety poll.
   */
  lensesProvided(uri: vscode.Uri, lenses: readonly vscode.CodeLens[]): void {
    const signature = lensSignature(
      lenses.map((l) => ({ line: l.range.start.line, title: l.command?.title ?? '', command: l.command?.command })),
    );
    const before = this.lensesShown.get(uri.toString());
    this.lensesShown.set(uri.toString(), signature);
    if (before !== undefined && before !== signature) this.scheduleRefresh(100);
  }

  scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, delayMs);
  }

  /** Re-reads configs, marked files, lenses and diagnostics; updates status bar and tests. */
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
    this.configs = await folderConfigs();
    if (this.configs.length === 0) {
      this.cases = [];
      this.updateStatus();
      await this.updateTests();
      return;
    }
    const pipelines = this.configs.flatMap((c) => c.config.pipelines ?? []);
    const files = await markedFiles(this.configs, this.index);
    const diagnostics = vscode.languages.getDiagnostics().filter(([, ds]) => ds.some((d) => d.source === 'testany'));
    const cases: CaseView[] = [];
    for (const { uri, markers } of files) {
      // Lens providers run on open models only.
      await vscode.workspace.openTextDocument(uri);
      const lenses =
        (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 50)) ?? [];
      const fileDiags = (diagnostics.find(([u]) => u.toString() === uri.toString())?.[1] ?? []).filter(
        (d) => d.source === 'testany',
      );
      for (const m of markers) {
        let info = undefined as ReturnType<typeof parseLensTitle>;
        let openLog: vscode.Command | undefined;
        let execution: string | undefined;
        for (const l of lenses) {
          if (l.range.start.line !== m.line || !l.command) continue;
          const parsed = parseLensTitle(l.command.title);
          if (parsed && !info) info = parsed;
          const arg = l.command.arguments?.[0] as { execution?: unknown } | undefined;
          if (typeof arg?.execution === 'string') execution ??= arg.execution;
          if (l.command.command === 'testany.openLog') openLog = l.command;
        }
        execution ??= info?.execution;
        const markerDiags = fileDiags.filter((d) => d.range.start.line === m.line);
        const locations: CaseView['locations'] = [];
        for (const [u, ds] of diagnostics) {
          for (const d of ds) {
            if (d.source !== 'testany') continue;
            const rel = d.relatedInformation?.find(
              (r) => r.location.uri.toString() === uri.toString() && r.location.range.start.line === m.line,
            );
            if (rel && !(u.toString() === uri.toString() && d.range.start.line === m.line)) locations.push({ uri: u, diagnostic: d });
          }
        }
        cases.push({
          key: m.key,
          uri,
          line: m.line,
          state: info?.state ?? 'unknown',
          result: info?.result ?? 'NO RESULT',
          execution,
          pipeline: execution ? pipelineOf(execution, pipelines) : undefined,
          openLog,
          diagnostics: markerDiags,
          locations,
        });
      }
    }
    await this.nameCases(cases);
    this.cases = cases;
    this.updateStatus();
    await this.updateTests();
  }

  /**
   * Case names from each execution the cases' results come from: asked once per
   * execution; one that named no case (unreachable, or still starting) is asked again
   * after a minute, not at every refresh (desktop: each ask reaches the service).
   */
  private async nameCases(cases: CaseView[]): Promise<void> {
    if (!this.host.execution) return;
    const now = Date.now();
    for (const execution of new Set(cases.map((c) => c.execution).filter((e): e is string => !!e))) {
      const known = this.names.get(execution);
      if (known && (known.names.size > 0 || now - known.at < 60_000)) continue;
      const names = caseNames(await this.host.execution(execution).catch(() => undefined));
      if (this.names.size >= 100) this.names.delete(this.names.keys().next().value as string);
      this.names.set(execution, { names, at: now });
    }
    for (const c of cases) c.name = c.execution ? this.names.get(c.execution)?.names.get(c.key) : undefined;
  }

  private updateStatus(): void {
    const wanted = new Map<string, { states: CaseState[]; execution?: string }>();
    for (const c of this.configs) for (const p of c.config.pipelines ?? []) wanted.set(p, { states: [] });
    for (const c of this.cases) {
      if (!c.pipeline) continue;
      const entry = wanted.get(c.pipeline) ?? { states: [] };
      entry.states.push(c.state);
      if (c.execution && (!entry.execution || c.execution > entry.execution)) entry.execution = c.execution;
      wanted.set(c.pipeline, entry);
    }
    for (const [p, item] of this.statusItems) {
      if (!wanted.has(p)) {
        item.dispose();
        this.statusItems.delete(p);
      }
    }
    let priority = 100;
    for (const [pipeline, entry] of wanted) {
      let item = this.statusItems.get(pipeline);
      if (!item) {
        item = vscode.window.createStatusBarItem(`testany.status.${pipeline}`, vscode.StatusBarAlignment.Left, priority--);
        item.name = `Testany ${pipeline}`;
        this.statusItems.set(pipeline, item);
      }
      const counts = countStates(entry.states);
      item.text = forDisplay(statusText(pipeline, counts));
      item.tooltip = forDisplay(
        `Testany ${pipeline}${entry.execution ? `: latest execution ${entry.execution}` : ''} (${counts.passed} passed, ${counts.failed} failed, ${counts.running} running). Click to show the execution.`,
      );
      item.command = {
        title: 'Show Execution',
        command: 'testany.pickExecution',
        arguments: entry.execution ? [{ execution: entry.execution }] : [],
      };
      item.backgroundColor = counts.failed > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
      item.show();
    }
  }

  private async updateTests(): Promise<void> {
    const byFile = new Map<string, CaseView[]>();
    for (const c of this.cases) {
      const k = c.uri.toString();
      byFile.set(k, [...(byFile.get(k) ?? []), c]);
    }
    const fileItems: vscode.TestItem[] = [];
    for (const [k, cases] of byFile) {
      const uri = cases[0].uri;
      const fileItem = this.controller.items.get(k) ?? this.controller.createTestItem(k, vscode.workspace.asRelativePath(uri), uri);
      const children: vscode.TestItem[] = [];
      for (const c of cases) {
        const id = caseId(c);
        const text = testItemText(c.key, c.name, c.result, c.execution);
        const item = fileItem.children.get(id) ?? this.controller.createTestItem(id, text.label, uri);
        item.label = text.label;
        item.range = new vscode.Range(c.line, 0, c.line, 0);
        item.description = text.description;
        children.push(item);
      }
      fileItem.children.replace(children);
      fileItems.push(fileItem);
    }
    this.controller.items.replace(fileItems);

    const signature = JSON.stringify(
      this.cases.map((c) => [caseId(c), c.state, c.execution, c.diagnostics.length, c.locations.length]),
    );
    if (signature === this.lastRunSignature) return;
    this.lastRunSignature = signature;
    if (this.cases.length === 0) return;
    const excerpts = new Map<string, string>();
    for (const c of this.cases) {
      const arg = c.openLog?.arguments?.[0] as { execution?: unknown; caseIndex?: unknown } | undefined;
      if (c.state !== 'failed' || !this.host.logText || typeof arg?.execution !== 'string' || typeof arg.caseIndex !== 'number') {
        continue;
      }
      const text = await this.host.logText(arg.execution, arg.caseIndex).catch(() => undefined);
      const excerpt = text === undefined ? undefined : logExcerpt(text);
      if (excerpt) excerpts.set(caseId(c), excerpt);
    }
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), 'Testany results', false);
    for (const c of this.cases) {
      const item = this.controller.items.get(c.uri.toString())?.children.get(caseId(c));
      if (!item) continue;
      if (c.state === 'passed') run.passed(item);
      else if (c.state === 'running') run.started(item);
      else if (c.state === 'failed') run.failed(item, testMessages(c, excerpts.get(caseId(c))));
      else run.skipped(item);
    }
    run.end();
  }
}

function caseId(c: { uri: vscode.Uri; key: string; line: number }): string {
  return `${c.uri.toString()}#${c.key}@${c.line}`;
}

/**
 * A failed case's messages: one per failure location (with the log excerpt), else the
 * marker. Service text, so non-printing characters are made visible.
 */
export function testMessages(c: CaseView, excerpt?: string): vscode.TestMessage[] {
  const error = c.diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)?.message ?? `${c.result} ${c.key}`;
  const head = forDisplay(excerpt ? `${error}\n\nLog:\n${excerpt}` : error);
  const out: vscode.TestMessage[] = [];
  for (const loc of c.locations) {
    const m = new vscode.TestMessage(`${forDisplay(loc.diagnostic.message)}\n\n${head}`);
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

/**
 * Files with markers (or `[cases]` mappings) in the configured folders: as many files as
 * the language server lists (MAX_WORKSPACE_FILES), read once and then kept by the index.
 */
async function markedFiles(
  configs: FolderConfig[],
  index: WorkspaceIndex,
): Promise<{ uri: vscode.Uri; markers: { key: string; line: number }[] }[]> {
  const out = new Map<string, { uri: vscode.Uri; markers: { key: string; line: number }[] }>();
  for (const fc of configs) {
    const base = vscode.Uri.joinPath(fc.tomlUri, '..');
    const uris = (await index.files(base)).filter((u) => SOURCE_FILE.test(u.path));
    for (const uri of uris) {
      if (out.has(uri.toString())) continue;
      const markers = [...(await index.markersOf(uri))];
      for (const [key, rel] of Object.entries(fc.config.cases ?? {})) {
        const mapped = vscode.Uri.joinPath(base, rel).toString();
        if (mapped === uri.toString() && !markers.some((m) => m.key === key)) markers.push({ key, line: 0 });
      }
      if (markers.length > 0) out.set(uri.toString(), { uri, markers });
    }
  }
  return [...out.values()].sort((a, b) => a.uri.toString().localeCompare(b.uri.toString()));
}
