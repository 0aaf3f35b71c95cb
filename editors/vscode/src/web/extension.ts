// Web entry (VS Code for the Web): the same language server as on desktop, testany-lsp
// compiled to wasm32, runs in a web worker (dist/web/server.js, src/web/server.ts); this
// is its vscode-languageclient/browser client with the shared UI and middleware. Only
// how the server starts differs from src/extension.ts, plus the two requests the worker
// needs because it cannot read the workspace (src/web/files.ts).
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  DocumentSelector,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  State,
} from 'vscode-languageclient/browser';
import { Backoff } from '../desktop/server';
import { clientMiddleware } from '../shared/middleware';
import { serverStart } from '../shared/serverStart';
import { LIST_FILES, ListFilesParams, READ_FILE, ReadFileParams, RequestSender } from '../shared/protocol';
import { hasProject, migrateSettings, settingsConfig, TOKEN_KEY, Ui } from '../shared/ui';
import { listFiles, readFile } from './files';

let extension: WebExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const activated = Date.now();
  await migrateSettings();
  extension = new WebExtension(context, activated);
  context.subscriptions.push(extension);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

class WebExtension implements vscode.Disposable {
  readonly kind = 'web' as const;
  private readonly output = vscode.window.createOutputChannel('Testany');
  private readonly ui: Ui;
  private client: LanguageClient | undefined;
  private worker: Worker | undefined;
  private readonly backoff = new Backoff();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private wasm: Promise<Uint8Array> | undefined;
  private firstDiagnostics = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly activated: number,
  ) {
    this.ui = new Ui(context, this, this.output);
    context.subscriptions.push(this.ui, this.output);
    const watcher = vscode.workspace.createFileSystemWatcher('**/testany.toml');
    context.subscriptions.push(
      watcher,
      watcher.onDidCreate(() => void this.start()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.restart()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('testany')) this.sendSettings();
      }),
      // The time to the first diagnostics (docs/benchmarks.md, issue 16): one console line
      // the benchmark reads; the workbench keeps no other log of a web extension.
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (this.firstDiagnostics) return;
        if (!e.uris.some((u) => vscode.languages.getDiagnostics(u).some((d) => d.source === 'testany'))) return;
        this.firstDiagnostics = true;
        this.ui.log(`first diagnostics ${Date.now() - this.activated} ms after activation`);
      }),
    );
  }

  dispose(): void {
    void this.stop();
  }

  /** Starts the server when some folder has a testany.toml; quiet otherwise. */
  async start(): Promise<void> {
    if (this.client || this.stopping) return;
    if (!vscode.workspace.isTrusted) return;
    this.ui.scheduleRefresh(0);
    if (!(await hasProject()) && !(await hasProjectByWalk())) return;
    this.ui.log('Starting the language server (WASM) in a web worker');
    const token = await this.context.secrets.get(TOKEN_KEY);
    let client: LanguageClient;
    try {
      client = await this.createClient(token);
    } catch (e) {
      this.ui.log(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(
        `Testany: the language server (WASM) did not load: ${e instanceof Error ? e.message : String(e)}`,
      );
      return;
    }
    this.client = client;
    try {
      await client.start();
      this.ui.scheduleRefresh(500);
    } catch (e) {
      this.ui.log(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      this.client = undefined;
      this.terminateWorker();
      this.scheduleRestart();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    if (client && client.state === State.Running) await client.stop().catch(() => undefined);
    this.terminateWorker();
    this.stopping = false;
  }

  private async restart(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state === State.Running) await client.stop().catch(() => undefined);
    this.terminateWorker();
    await this.start();
  }

  private terminateWorker(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    const delay = this.backoff.next(Date.now());
    this.ui.log(`The language server stopped; restarting in ${Math.round(delay / 1000)}s.`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.start();
    }, delay);
  }

  /** The server's .wasm, read once from the extension (the worker cannot fetch by path). */
  private wasmBytes(): Promise<Uint8Array> {
    this.wasm ??= Promise.resolve(
      vscode.workspace.fs.readFile(
        vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'web', 'testany_wasm_bg.wasm'),
      ),
    ).catch((e: unknown) => {
      this.wasm = undefined;
      throw e;
    });
    return this.wasm;
  }

  private async createClient(token: string | undefined): Promise<LanguageClient> {
    const wasm = await this.wasmBytes();
    const worker = new Worker(
      vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'web', 'server.js').toString(true),
    );
    // An uncaught error in the worker is a trap in the wasm (a panic aborts): that
    // instance answers nothing more, so the server restarts as after a crash.
    worker.addEventListener('error', (e) => {
      this.ui.log(`The language server's worker failed: ${e.message}`);
      if (this.stopping || this.worker !== worker) return;
      if (this.client === client) this.client = undefined;
      void client.stop(500).catch(() => undefined);
      this.terminateWorker();
      this.scheduleRestart();
    });
    // No process environment on the web: the worker's vars are the token alone, in its
    // start message, never in JSON-RPC (a verbose trace prints initialize's params).
    const start = serverStart(settingsConfig(), {}, token);
    // A copy: the bytes are kept for a restart, and the worker takes the copy's buffer.
    const copy = wasm.slice().buffer;
    worker.postMessage({ testanyWasm: copy, vars: start.workerVars }, [copy]);
    this.worker = worker;
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: this.output,
      initializationOptions: start.initializationOptions,
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: (): CloseHandlerResult => {
          if (!this.stopping && this.client === client) {
            this.client = undefined;
            this.terminateWorker();
            this.scheduleRestart();
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: clientMiddleware(this.ui),
    };
    const client = new LanguageClient('testany', 'Testany', clientOptions, worker);
    client.onRequest(LIST_FILES, (params: ListFilesParams) => listFiles(params));
    client.onRequest(READ_FILE, (params: ReadFileParams) => readFile(params));
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      this.ui.log(`The language server runs (${Date.now() - this.activated} ms after activation)`);
      this.ui.scheduleRefresh(1000);
    });
    return client;
  }

  private sendSettings(): void {
    const client = this.client;
    if (!client || client.state !== State.Running) return;
    void client.sendNotification('workspace/didChangeConfiguration', { settings: { testany: settingsConfig() } });
  }

  /** The language client while it runs (the shared UI sends its requests through it). */
  languageClient(): RequestSender | undefined {
    const client = this.client;
    return client && client.state === State.Running ? client : undefined;
  }

  /** A token change restarts the server: it only reads the token at initialize. */
  async tokenChanged(): Promise<void> {
    await this.restart();
  }
}

/**
 * Whether some workspace folder holds a testany.toml, by the walk the server's file
 * list uses: `workspace.findFiles` finds nothing where no search provider serves the
 * workspace's scheme (the Code-OSS web workbench's `vscode-test-web:`).
 */
async function hasProjectByWalk(): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  // Most projects keep it at the folder's root: one stat each before any walk.
  for (const folder of folders) {
    const found = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'testany.toml')).then(
      (s) => (s.type & vscode.FileType.File) !== 0,
      () => false,
    );
    if (found) {
      void vscode.commands.executeCommand('setContext', 'testany.hasProject', true);
      return true;
    }
  }
  for (const folder of folders) {
    const { files } = await listFiles({ root: folder.uri.toString() });
    if (files.some((f) => f === 'testany.toml' || f.endsWith('/testany.toml'))) {
      void vscode.commands.executeCommand('setContext', 'testany.hasProject', true);
      return true;
    }
  }
  return false;
}

/** The workspace's own schemes (`vscode-vfs`, `vscode-test-web`, `file`, ...): not outputs or diffs. */
function documentSelector(): DocumentSelector {
  const schemes = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme));
  if (schemes.size === 0) schemes.add('file');
  return [...schemes].map((scheme) => ({ scheme }));
}
