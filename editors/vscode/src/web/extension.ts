// Web entry (VS Code for the Web): no process can be spawned, so testany-wasm runs in the
// extension host: its TestanyClient fetches, its planner feeds lenses and diagnostics.
import * as vscode from 'vscode';
import init, * as wasm from 'testany-wasm';
import { resolveBySuffix, scanMarkers } from '../shared/markers';
import { caseFailed, caseResult, ExecutionJson, health, hoverMarkdown, isActive, newestFirst } from '../shared/executions';
import { FolderConfig, folderConfigs, TOKEN_KEY, Ui } from '../shared/ui';
import { forDisplay } from '../shared/display';
import { Service, wasmService } from './service';

let engine: WebEngine | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Testany');
  context.subscriptions.push(output);
  engine = new WebEngine(context, output);
  context.subscriptions.push(engine);
  await engine.start();
}

export function deactivate(): void {
  engine?.dispose();
  engine = undefined;
}

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const range = (r: wasm.WasmRange) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

interface Folder {
  fc: FolderConfig;
  service: Service;
  /** pipeline -> executions, newest first. */
  executions: Map<string, ExecutionJson[]>;
  stale: boolean;
  warned: boolean;
  timer?: ReturnType<typeof setTimeout>;
  files: string[];
}

interface Located {
  path: string;
  /** 0-based */
  line: number;
}

class WebEngine implements vscode.Disposable {
  readonly kind = 'web' as const;
  private readonly ui: Ui;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('testany');
  private readonly lensChange = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private folders: Folder[] = [];
  private ready: Promise<void> | undefined;
  /** `${execution}#${caseIndex}` -> resolved failure locations. */
  private readonly locationCache = new Map<string, Located[]>();
  private readonly logCache = new Map<string, string>();
  /** Finished executions with their cases, by key. */
  private readonly finished = new Map<string, ExecutionJson>();
  private generation = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {
    this.ui = new Ui(context, this, output);
    this.disposables.push(this.ui, this.diagnostics, this.lensChange);
    const selector: vscode.DocumentSelector = [{ pattern: '**/*' }];
    this.disposables.push(
      vscode.languages.registerCodeLensProvider(selector, {
        onDidChangeCodeLenses: this.lensChange.event,
        provideCodeLenses: (doc) => this.lenses(doc),
      }),
      vscode.languages.registerHoverProvider(selector, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      vscode.commands.registerCommand('testany.openLog', (a) => this.guard('openLog', () => this.openLog(a))),
      vscode.commands.registerCommand('testany.showExecution', (a) => this.guard('showExecution', () => this.showExecution(a))),
      vscode.commands.registerCommand('testany.refreshExecution', (a) =>
        this.guard('refreshExecution', () => this.refreshExecution(a)),
      ),
      vscode.commands.registerCommand('testany.runPipeline', (a) => this.guard('runPipeline', () => this.runPipeline(a))),
      vscode.commands.registerCommand('testany.recentFailures', (a) => this.guard('recentFailures', () => this.recentFailures(a))),
      vscode.commands.registerCommand('testany.pipelineHealth', (a) => this.guard('pipelineHealth', () => this.pipelineHealth(a))),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.folderOf(e.document.uri)) this.lensChange.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('testany')) void this.start();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.start()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/testany.toml');
    this.disposables.push(watcher, watcher.onDidChange(() => void this.start()), watcher.onDidCreate(() => void this.start()));
  }

  /** The output channel, and the worker's console (the only log a web workbench keeps). */
  private log(line: string): void {
    this.output.appendLine(line);
    console.log(`testany: ${line}`);
  }

  dispose(): void {
    for (const f of this.folders) if (f.timer) clearTimeout(f.timer);
    for (const d of this.disposables) d.dispose();
  }

  private async guard<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.log(`testany.${name}: ${msg}`);
      void vscode.window.showErrorMessage(forDisplay(`Testany: ${msg}`));
      return undefined;
    }
  }

  private loadWasm(): Promise<void> {
    this.ready ??= (async () => {
      const bytes = await vscode.workspace.fs.readFile(
        vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'web', 'testany_wasm_bg.wasm'),
      );
      await init({ module_or_path: bytes });
    })();
    return this.ready;
  }

  /** (Re)reads every folder's configuration and starts polling; quiet without testany.toml. */
  async start(): Promise<void> {
    const generation = ++this.generation;
    for (const f of this.folders) if (f.timer) clearTimeout(f.timer);
    this.folders = [];
    const configs = await folderConfigs();
    this.log(`configuration found in ${configs.length} folder(s)`);
    if (configs.length === 0) {
      this.diagnostics.clear();
      this.lensChange.fire();
      this.ui.scheduleRefresh(0);
      return;
    }
    try {
      await this.loadWasm();
    } catch (e) {
      this.ready = undefined;
      this.log(`testany-wasm did not load: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Testany: the WASM engine did not load (${e instanceof Error ? e.message : String(e)}).`);
      return;
    }
    const token = await this.context.secrets.get(TOKEN_KEY);
    if (generation !== this.generation) return;
    for (const fc of configs) {
      if (!fc.config.url) {
        this.log(`${fc.tomlUri.toString()}: no \`url\`; set it in testany.toml or the testany.url setting.`);
        continue;
      }
      try {
        const service = wasmService(fc.config, token);
        this.folders.push({ fc, service, executions: new Map(), stale: false, warned: false, files: [] });
      } catch (e) {
        this.log(`${fc.tomlUri.toString()}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const f of this.folders) void this.poll(f, generation);
  }

  async tokenChanged(): Promise<void> {
    await this.start();
  }

  /** An execution this engine polled (the Test Explorer reads case names from it). */
  async execution(key: string): Promise<unknown> {
    for (const f of this.folders) for (const e of this.allExecutions(f)) if (e.key === key && (e.cases?.length ?? 0) > 0) return e;
    return this.finished.get(key);
  }

  /** Logs fetched for failure locations stay cached; the Test Explorer quotes them. */
  async logText(execution: string, caseIndex: number): Promise<string | undefined> {
    return this.logCache.get(`${execution}#${caseIndex}`);
  }

  /** The folder whose testany.toml is nearest above `uri` (several may nest). */
  private folderOf(uri: vscode.Uri): Folder | undefined {
    return this.folders
      .filter((f) => this.contains(f, uri))
      .sort((a, b) => baseOf(b).path.length - baseOf(a).path.length)[0];
  }

  private contains(f: Folder, uri: vscode.Uri): boolean {
    const base = baseOf(f);
    const dir = base.path.replace(/\/+$/, '');
    return uri.scheme === base.scheme && uri.authority === base.authority && uri.path.startsWith(`${dir}/`);
  }

  private relPath(f: Folder, uri: vscode.Uri): string {
    const dir = baseOf(f).path.replace(/\/+$/, '');
    return uri.path.startsWith(`${dir}/`) ? uri.path.slice(dir.length + 1) : uri.path;
  }

  private allExecutions(f: Folder): ExecutionJson[] {
    return [...f.executions.values()].flat();
  }

  private async poll(f: Folder, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const history = f.fc.config.history ?? 10;
    let ok = true;
    for (const pipeline of f.fc.config.pipelines ?? []) {
      try {
        const raw = await f.service.listExecutions(pipeline, f.fc.config.environment, history);
        const execs: ExecutionJson[] = [];
        for (const row of raw) {
          const e = wasm.parseExecution(row) as ExecutionJson;
          execs.push((e.cases?.length ?? 0) > 0 || !e.key ? e : await this.detailed(f, e));
        }
        f.executions.set(pipeline, newestFirst(execs));
      } catch (e) {
        ok = false;
        this.log(`polling ${pipeline} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (generation !== this.generation) return;
    f.stale = !ok;
    if (!ok && !f.warned) {
      f.warned = true;
      void vscode.window.showWarningMessage('Testany: the service is unreachable; showing the last known results (stale).');
    }
    if (ok) f.warned = false;
    this.output.appendLine(`polled ${[...f.executions.values()].map((e) => e.length).join('+')} executions${ok ? '' : ' (stale)'}`);
    try {
      await this.publish(f);
    } catch (e) {
      this.log(`publishing results failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    const active = this.allExecutions(f).some(isActive);
    const secs = active ? (f.fc.config.poll?.running_secs ?? 5) : (f.fc.config.poll?.idle_secs ?? 60);
    f.timer = setTimeout(() => void this.poll(f, generation), Math.max(1, secs) * 1000 * (ok ? 1 : 2));
  }

  /** List rows carry no cases: fetch the execution; finished ones never change, so keep them. */
  private async detailed(f: Folder, row: ExecutionJson): Promise<ExecutionJson> {
    const key = row.key ?? '';
    const cached = this.finished.get(key);
    if (cached) return cached;
    const e = wasm.parseExecution(await f.service.getExecution(key)) as ExecutionJson;
    if (!isActive(e) && (e.cases?.length ?? 0) > 0) {
      if (this.finished.size > 500) this.finished.delete(this.finished.keys().next().value as string);
      this.finished.set(key, e);
    }
    return e;
  }

  private plan(f: Folder, uri: vscode.Uri, text: string): wasm.WasmPlan {
    return wasm.planLenses(text, this.allExecutions(f), {
      uri: uri.toString(),
      path: this.relPath(f, uri),
      mapping: f.fc.config.cases ?? {},
      encoding: 'utf-16',
      history: f.fc.config.history ?? 10,
      stale: f.stale,
    });
  }

  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  /** Diagnostics for every marked file of the folder plus the failure locations. */
  private async publish(f: Folder): Promise<void> {
    const base = vscode.Uri.joinPath(f.fc.tomlUri, '..');
    // The language server's walker rule and limit; listed and read once, then kept current.
    const uris = await this.ui.index.files(base);
    f.files = uris.map((u) => this.relPath(f, u));
    const mapped = new Set(Object.values(f.fc.config.cases ?? {}));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const markerAt = new Map<string, vscode.Location>();
    for (const uri of uris) {
      const markers = await this.ui.index.markersOf(uri);
      if (markers.length === 0 && !mapped.has(this.relPath(f, uri))) continue;
      const text = await this.readText(uri);
      if (text === undefined) continue;
      for (const m of markers) markerAt.set(m.key, new vscode.Location(uri, new vscode.Range(m.line, 0, m.line, 0)));
      const plan = this.plan(f, uri, text);
      byFile.set(uri.toString(), plan.diagnostics.map((d) => toDiagnostic(d)));
    }
    // Failure locations of the latest execution of each pipeline.
    for (const execs of f.executions.values()) {
      const latest = execs.find((e) => !isActive(e)) ?? execs[0];
      if (!latest?.key) continue;
      for (const c of latest.cases ?? []) {
        if (!caseFailed(c) || c.index === undefined || !c.case_key) continue;
        const locs = await this.failureLocations(f, latest.key, c.index, c.error ?? '');
        const marker = markerAt.get(c.case_key);
        for (const loc of locs) {
          const uri = vscode.Uri.joinPath(base, loc.path);
          if (marker && marker.uri.toString() === uri.toString() && marker.range.start.line === loc.line) continue;
          const d = new vscode.Diagnostic(
            new vscode.Range(loc.line, 0, loc.line, Number.MAX_SAFE_INTEGER),
            forDisplay(`${caseResult(c)} ${c.case_key}${c.name ? ` ${c.name}` : ''}: ${(c.error ?? '').split('\n')[0]} (${latest.key})`),
            vscode.DiagnosticSeverity.Error,
          );
          d.source = 'testany';
          if (marker) d.relatedInformation = [new vscode.DiagnosticRelatedInformation(marker, `case ${c.case_key}`)];
          const list = byFile.get(uri.toString()) ?? [];
          if (!list.some((x) => x.range.start.line === loc.line && x.message === d.message)) list.push(d);
          byFile.set(uri.toString(), list);
        }
      }
    }
    this.diagnostics.clear();
    for (const [u, ds] of byFile) this.diagnostics.set(vscode.Uri.parse(u), ds);
    this.lensChange.fire();
    this.ui.scheduleRefresh(200);
  }

  /** Stack frames of a failed case's error text and log, resolved to workspace files. */
  private async failureLocations(f: Folder, execution: string, caseIndex: number, error: string): Promise<Located[]> {
    const key = `${execution}#${caseIndex}`;
    const cached = this.locationCache.get(key);
    if (cached) return cached;
    const found: Located[] = [];
    const add = (text: string) => {
      const view = new wasm.LogView(text);
      try {
        while (!view.analyze(1 << 20)) {
          /* analysis runs in bounded steps */
        }
        for (const l of view.locations()) {
          const rel = resolveBySuffix(l.path, f.files);
          const line = Math.max(0, l.line - 1);
          if (rel && !found.some((x) => x.path === rel && x.line === line)) found.push({ path: rel, line });
        }
      } finally {
        view.free();
      }
    };
    if (error) add(error);
    try {
      add(await this.fetchLog(f, execution, caseIndex));
    } catch (e) {
      this.log(`log of ${execution} case ${caseIndex}: ${e instanceof Error ? e.message : String(e)}`);
      return found; // not cached: retried at the next poll
    }
    this.locationCache.set(key, found);
    return found;
  }

  private async fetchLog(f: Folder, execution: string, caseIndex: number): Promise<string> {
    const key = `${execution}#${caseIndex}`;
    const cached = this.logCache.get(key);
    if (cached !== undefined) return cached;
    const text = await f.service.fetchLog(execution, caseIndex);
    if (this.logCache.size > 20) this.logCache.delete(this.logCache.keys().next().value as string);
    this.logCache.set(key, text);
    return text;
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const f = this.folderOf(doc.uri);
    if (!f) return [];
    const text = doc.getText();
    if (!text.includes('testany:') && !(f.fc.config.cases && Object.values(f.fc.config.cases).includes(this.relPath(f, doc.uri)))) {
      return [];
    }
    return this.plan(f, doc.uri, text).lenses.map(
      (l) =>
        new vscode.CodeLens(range(l.range), {
          title: forDisplay(l.title),
          command: l.command ?? '',
          arguments: l.arguments === null || l.arguments === undefined ? [] : [l.arguments],
        }),
    );
  }

  private hover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const f = this.folderOf(doc.uri);
    if (!f) return undefined;
    const marker = scanMarkers(doc.lineAt(pos.line).text)[0];
    if (!marker) return undefined;
    const md = hoverMarkdown(marker.key, this.allExecutions(f), f.fc.config.history ?? 10);
    return md ? new vscode.Hover(new vscode.MarkdownString(md)) : undefined;
  }

  private folderFor(execution?: string, pipeline?: string): Folder {
    const f =
      this.folders.find((x) => pipeline && (x.fc.config.pipelines ?? []).includes(pipeline)) ??
      this.folders.find((x) => execution && (x.fc.config.pipelines ?? []).some((p) => execution.startsWith(`${p}-`))) ??
      this.folders[0];
    if (!f) throw new Error('no workspace folder has a testany.toml with a url');
    return f;
  }

  private async openLog(arg: { execution?: string; caseIndex?: number }): Promise<unknown> {
    if (!arg?.execution || typeof arg.caseIndex !== 'number') throw new Error('openLog needs {execution, caseIndex}');
    const f = this.folderFor(arg.execution);
    const text = await this.fetchLog(f, arg.execution, arg.caseIndex);
    const view = new wasm.LogView(text);
    let line = 0;
    try {
      while (!view.analyze(1 << 20)) {
        /* bounded steps */
      }
      line = view.failures()[0]?.line ?? 0;
    } finally {
      view.free();
    }
    this.ui.logPanel.show({ title: forDisplay(`Log ${arg.execution} #${arg.caseIndex}`), text, line });
    return { uri: `testany-log:/${arg.execution}/${arg.caseIndex}.log`, line };
  }

  private async showExecution(arg: { execution?: string }): Promise<unknown> {
    if (!arg?.execution) throw new Error('showExecution needs {execution}');
    const f = this.folderFor(arg.execution);
    const e = wasm.parseExecution(await f.service.getExecution(arg.execution));
    await this.ui.present('testany.showExecution', arg, e);
    return e;
  }

  private async refreshExecution(arg: { execution?: string }): Promise<unknown> {
    if (!arg?.execution) throw new Error('refreshExecution needs {execution}');
    const f = this.folderFor(arg.execution);
    const e = await f.service.refreshExecution(arg.execution);
    if (f.timer) clearTimeout(f.timer);
    void this.poll(f, this.generation);
    return e;
  }

  private async runPipeline(arg: { pipeline?: string }): Promise<unknown> {
    if (!arg?.pipeline) throw new Error('runPipeline needs {pipeline}');
    const pipeline = arg.pipeline;
    const f = this.folderFor(undefined, pipeline);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testany: running ${pipeline}`, cancellable: false },
      async (progress) => {
        let e = wasm.parseExecution(await f.service.executePipeline(pipeline)) as ExecutionJson;
        const key = e.key;
        if (!key) return e;
        progress.report({ message: forDisplay(`${key} ${e.status ?? ''}`) });
        if (f.timer) clearTimeout(f.timer);
        void this.poll(f, this.generation);
        const deadline = Date.now() + 30 * 60_000;
        while (isActive(e) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, (f.fc.config.poll?.running_secs ?? 5) * 1000));
          e = wasm.parseExecution(await f.service.getExecution(key)) as ExecutionJson;
          const done = (e.cases ?? []).filter((c) => c.result).length;
          progress.report({ message: forDisplay(`${key} ${e.status ?? ''} ${done}/${(e.cases ?? []).length} cases`) });
        }
        if (f.timer) clearTimeout(f.timer);
        await this.poll(f, this.generation);
        void vscode.window.showInformationMessage(forDisplay(`Testany: ${key} ${e.status ?? ''} ${e.result ?? ''}`.trim()));
        return e;
      },
    );
  }

  private async recentFailures(arg: { pipeline?: string; days?: number }): Promise<unknown> {
    const out: unknown[] = [];
    for (const f of this.folders) {
      for (const [pipeline, execs] of f.executions) {
        if (arg?.pipeline && pipeline !== arg.pipeline) continue;
        const latest = execs.find((e) => !isActive(e));
        if (!latest?.key) continue;
        for (const c of latest.cases ?? []) {
          if (!caseFailed(c) || c.index === undefined) continue;
          const locs = this.locationCache.get(`${latest.key}#${c.index}`) ?? [];
          // The language server's row shape (testany.recentFailures).
          out.push({
            execution: latest.key,
            pipeline,
            caseKey: c.case_key,
            caseIndex: c.index,
            name: c.name,
            result: caseResult(c),
            error: c.error,
            locations: locs.map((l) => ({
              uri: vscode.Uri.joinPath(baseOf(f), l.path).toString(),
              path: l.path,
              line: l.line,
            })),
          });
        }
      }
    }
    await this.ui.present('testany.recentFailures', arg ?? {}, out);
    return out;
  }

  private async pipelineHealth(arg: { pipeline?: string; days?: number }): Promise<unknown> {
    if (!arg?.pipeline) throw new Error('pipelineHealth needs {pipeline}');
    const pipeline = arg.pipeline;
    const f = this.folderFor(undefined, pipeline);
    const raw = await f.service.listExecutions(pipeline, f.fc.config.environment, 100);
    const execs = raw.map((e) => wasm.parseExecution(e) as ExecutionJson);
    const result = health(execs, arg.days ?? 7, Date.now());
    await this.ui.present('testany.pipelineHealth', arg, result);
    return result;
  }
}

function baseOf(f: Folder): vscode.Uri {
  return vscode.Uri.joinPath(f.fc.tomlUri, '..');
}

function toDiagnostic(d: wasm.WasmPlan['diagnostics'][number]): vscode.Diagnostic {
  const out = new vscode.Diagnostic(range(d.range), forDisplay(d.message), SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error);
  out.source = 'testany';
  if (d.code) out.code = d.code;
  if (d.relatedInformation?.length) {
    out.relatedInformation = d.relatedInformation.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.parse(r.uri), range(r.range)), r.message),
    );
  }
  return out;
}
