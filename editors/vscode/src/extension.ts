// Desktop entry: runs `testany lsp` (the language server gives lenses, diagnostics and
// hovers) and puts the shared UI over it; without a native binary, the same server built
// for wasm32 (bundled in the .vsix) in a Node worker thread (src/node/host.ts).
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { Backoff, chooseServer, findServer, parseMockBanner, ServerChoice } from './desktop/server';
import { startWasmServer } from './node/host';
import { clientMiddleware } from './shared/middleware';
import { serverStart } from './shared/serverStart';
import { LIST_FILES, ListFilesParams, READ_FILE, ReadFileParams, RequestSender } from './shared/protocol';
import { listFiles, readFile } from './web/files';
import { hasProject, migrateSettings, settingsConfig, TOKEN_KEY, Ui } from './shared/ui';

let extension: DesktopExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  await migrateSettings();
  extension = new DesktopExtension(context);
  context.subscriptions.push(extension);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

function isExecutable(path: string): boolean {
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(path, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

class DesktopExtension implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('Testany');
  private readonly ui: Ui;
  private client: LanguageClient | undefined;
  private readonly backoff = new Backoff();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private noticed = false;
  private mock: cp.ChildProcess | undefined;
  /** The WASM server's worker thread, when that one runs. */
  private worker: Worker | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.ui = new Ui(context, this, this.output);
    context.subscriptions.push(this.ui, this.output);
    const watcher = vscode.workspace.createFileSystemWatcher('**/testany.toml');
    context.subscriptions.push(
      watcher,
      watcher.onDidCreate(() => void this.start()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.start()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('testany.serverPath')) void this.restart();
        else if (e.affectsConfiguration('testany')) this.sendSettings();
      }),
    );
  }

  readonly kind = 'desktop' as const;

  dispose(): void {
    void this.stop();
  }

  /** Starts the server when some folder has a testany.toml; quiet otherwise. */
  async start(): Promise<void> {
    if (this.client || this.stopping) return;
    if (!vscode.workspace.isTrusted) return;
    this.ui.scheduleRefresh(0);
    if (!(await hasProject())) return;
    const choice = this.choose();
    const token = await this.context.secrets.get(TOKEN_KEY);
    const client = this.createClient(choice, token);
    this.client = client;
    try {
      await client.start();
      this.ui.scheduleRefresh(500);
    } catch (e) {
      this.output.appendLine(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`);
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
    this.mock?.kill();
    this.mock = undefined;
    this.stopping = false;
  }

  private async restart(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client && client.state === State.Running) await client.stop().catch(() => undefined);
    this.terminateWorker();
    this.noticed = false;
    await this.start();
  }

  private terminateWorker(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer) return;
    const delay = this.backoff.next(Date.now());
    this.output.appendLine(`The language server stopped; restarting in ${Math.round(delay / 1000)}s.`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.start();
    }, delay);
  }

  /** The native server when found, else the bundled WASM one; one notice (per start-up or restart) says which and why. */
  private choose(): ServerChoice {
    const { choice, notice, warn } = chooseServer({
      setting: vscode.workspace.getConfiguration('testany').get<string>('serverPath'),
      extensionPath: this.context.extensionPath,
      pathEnv: process.env.PATH,
      platform: process.platform,
      isExecutable,
    });
    this.output.appendLine(notice);
    if (!this.noticed && choice.kind === 'wasm') {
      this.noticed = true;
      const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(notice, 'Open Setting').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'testany.serverPath');
      });
    }
    return choice;
  }

  private createClient(choice: ServerChoice, token: string | undefined): LanguageClient {
    // The token goes in the environment (native) or the worker's start message, never in
    // JSON-RPC: a verbose trace prints initialize's params.
    const start = serverStart(settingsConfig(), process.env, token);
    const serverOptions: ServerOptions =
      choice.kind === 'native'
        ? { command: choice.location.command, args: ['lsp'], options: { env: start.nativeEnv } }
        : async () => {
            const server = await startWasmServer(path.join(this.context.extensionPath, 'dist'), start.workerVars);
            this.terminateWorker();
            this.worker = server.worker;
            return { reader: server.reader, writer: server.writer };
          };
    const ui = this.ui;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file' }],
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
      middleware: clientMiddleware(ui),
    };
    const client = new LanguageClient('testany', 'Testany', serverOptions, clientOptions);
    // Only the WASM server asks (it cannot read files itself); the web entry's answers, through workspace.fs.
    client.onRequest(LIST_FILES, (params: ListFilesParams) => listFiles(params));
    client.onRequest(READ_FILE, (params: ReadFileParams) => readFile(params));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.ui.scheduleRefresh(1000);
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

  /** Runs `testany mock --port 0` and points this workspace's testany.url at it. */
  async startDemoServer(): Promise<void> {
    const location = findServer({
      setting: vscode.workspace.getConfiguration('testany').get<string>('serverPath'),
      extensionPath: this.context.extensionPath,
      pathEnv: process.env.PATH,
      platform: process.platform,
      isExecutable,
    });
    if (!location) {
      void vscode.window.showErrorMessage(
        'Testany: the demo server needs the native `testany` binary: install it (see the README) or set testany.serverPath.',
      );
      return;
    }
    this.mock?.kill();
    const child = cp.spawn(location.command, ['mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.mock = child;
    child.stderr?.on('data', (d: Buffer) => this.output.append(`[mock] ${d.toString()}`));
    const url = await new Promise<string | undefined>((resolve) => {
      let buf = '';
      const timer = setTimeout(() => resolve(undefined), 15_000);
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        for (const line of buf.split('\n')) {
          const u = parseMockBanner(line);
          if (u) {
            clearTimeout(timer);
            resolve(u);
          }
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (!url) {
      void vscode.window.showErrorMessage('Testany: `testany mock` did not start; see the Testany output.');
      this.output.show(true);
      return;
    }
    this.output.appendLine(`Demo server listening on ${url}`);
    await vscode.workspace.getConfiguration('testany').update('url', url, vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage(`Testany: demo server running at ${url}; this workspace now uses it.`);
  }
}
