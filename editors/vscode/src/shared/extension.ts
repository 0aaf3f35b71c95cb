// The extension both entries run (issue 16: desktop and web share all extension code but
// how the server starts). src/extension.ts and src/web/extension.ts call `activate` with
// a `ServerHost`, which starts the language server its way (a `testany lsp` process or
// the WASM server in a Node worker thread; the WASM server in a web worker) and hands back
// its vscode-languageclient client; everything else (when to start, restarts with
// backoff, settings, the token, the files requests, the shared UI) lives here.
import * as vscode from 'vscode';
import {
  BaseLanguageClient,
  CloseAction,
  CloseHandlerResult,
  DocumentSelector,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClientOptions,
  State,
} from 'vscode-languageclient';
import { Backoff } from '../desktop/server';
import { listFiles, readFile } from '../web/files';
import { clientMiddleware, serverSignals } from './middleware';
import { LIST_FILES, ListFilesParams, READ_FILE, ReadFileParams, RequestSender } from './protocol';
import { ServerStart, serverStart } from './serverStart';
import { Host, hasProject, migrateSettings, settingsConfig, TOKEN_KEY, Ui } from './ui';

/** A started server: its client (not started yet) and how to end what runs it. */
export interface StartedServer {
  client: BaseLanguageClient;
  /** Ends the worker or thread behind the client, if any (the client is stopped first). */
  dispose(): void;
}

/** What `ServerHost.start` gets. */
export interface StartRequest {
  /** The client's options (selector, middleware, error handler, ...): the host adds none. */
  options: LanguageClientOptions;
  /** The settings, environment and token for the server (src/shared/serverStart.ts). */
  start: ServerStart;
  /** The Testany output channel (and the web worker's console). */
  log: (line: string) => void;
  /**
   * Reports a server that died outside JSON-RPC (a trap in the web worker): it restarts
   * as after a crash.
   */
  failed: (why: string) => void;
}

/** How one entry starts the language server; the only part desktop and web do differently. */
export interface ServerHost {
  readonly kind: Host['kind'];
  /** The extension host's environment (`TESTANY_*` reach the WASM server); `{}` on the web. */
  env(): Record<string, string | undefined>;
  /** The documents the server serves. */
  documentSelector(): DocumentSelector;
  /**
   * Starts the server and creates its client (not started). Throwing means "cannot
   * start" (e.g. the .wasm did not load): said once, no restart.
   */
  start(request: StartRequest): Promise<StartedServer>;
  /** Whether a change of these settings restarts the server (desktop: testany.serverPath). */
  restartsOn?(e: vscode.ConfigurationChangeEvent): boolean;
  /** Whether some folder has a testany.toml, when `hasProject` (workspace.findFiles) is not the way (web). */
  findProject?(): Promise<boolean>;
  /**
   * Called while the project is being looked for: starts what `start` will need (the web
   * reads the .wasm meanwhile); `found` says whether `start` follows (if not, let it go).
   */
  prepare?(): { found(project: boolean): void };
  /** A restart asked for by the user (token, settings): the next start may notify again. */
  restarted?(): void;
  /** Desktop only: start `testany mock` and point the workspace at it. */
  startDemoServer?(log: (line: string) => void): Promise<void>;
  /** Ends what the host started besides the server (the demo server). */
  dispose?(): void;
}

let extension: Extension | undefined;

/** Both entries' `activate`: the shared extension over `host`. */
export async function activate(context: vscode.ExtensionContext, host: ServerHost): Promise<void> {
  const activated = Date.now();
  await migrateSettings();
  extension = new Extension(context, host, activated);
  context.subscriptions.push(extension);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}

class Extension implements vscode.Disposable, Host {
  readonly kind: Host['kind'];
  private readonly output = vscode.window.createOutputChannel('Testany');
  private readonly ui: Ui;
  private client: BaseLanguageClient | undefined;
  private server: StartedServer | undefined;
  /** The document selector the running client was made with. */
  private selector = '';
  private readonly backoff = new Backoff();
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private firstDiagnostics = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly host: ServerHost,
    private readonly activated: number,
  ) {
    this.kind = host.kind;
    this.ui = new Ui(context, this, this.output);
    context.subscriptions.push(this.ui, this.output);
    const watcher = vscode.workspace.createFileSystemWatcher('**/testany.toml');
    context.subscriptions.push(
      watcher,
      watcher.onDidCreate(() => void this.start()),
      // The client tells the server of new folders; only a changed selector (the web's
      // follows the folders' schemes) needs a new client.
      vscode.workspace.onDidChangeWorkspaceFolders(() =>
        JSON.stringify(this.host.documentSelector()) === this.selector ? void this.start() : void this.restart(),
      ),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.host.restartsOn?.(e)) void this.restart();
        else if (e.affectsConfiguration('testany')) this.sendSettings();
      }),
      // The time to the first diagnostics (docs/benchmarks.md, issue 16): one line the
      // benchmark reads (on the web also in the console, the only log it keeps).
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
  start(): Promise<void> {
    // One start at a time: activation, a new testany.toml and a folder change may overlap.
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.client || this.stopping) return;
    if (!vscode.workspace.isTrusted) return;
    this.ui.scheduleRefresh(0);
    const prepared = this.host.prepare?.();
    const found = await (this.host.findProject ? this.host.findProject() : hasProject());
    prepared?.found(found);
    if (!found) return;
    const token = await this.context.secrets.get(TOKEN_KEY);
    let server: StartedServer;
    try {
      server = await this.createClient(token);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.ui.log(`The language server did not start: ${msg}`);
      void vscode.window.showErrorMessage(`Testany: the language server did not start: ${msg}`);
      return;
    }
    this.server = server;
    this.client = server.client;
    try {
      await server.client.start();
    } catch (e) {
      this.ui.log(`The language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      if (this.server === server) this.dropServer();
      this.scheduleRestart();
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.stopClient();
    this.host.dispose?.();
    this.stopping = false;
  }

  private async restart(): Promise<void> {
    await this.stopClient();
    this.host.restarted?.();
    await this.start();
  }

  private async stopClient(): Promise<void> {
    const server = this.server;
    const client = this.client;
    this.client = undefined;
    this.server = undefined;
    if (client && client.state === State.Running) await client.stop().catch(() => undefined);
    server?.dispose();
  }

  /** Forgets a server that died (its client is not stopped: nothing answers). */
  private dropServer(): void {
    const server = this.server;
    this.server = undefined;
    this.client = undefined;
    server?.dispose();
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

  private async createClient(token: string | undefined): Promise<StartedServer> {
    // The token goes in the native server's environment or the worker's start message,
    // never in JSON-RPC: a verbose trace prints initialize's params.
    const start = serverStart(settingsConfig(), this.host.env(), token);
    const selector = this.host.documentSelector();
    // This start's server, once created (the handlers below may run for an older one).
    const mine: { server?: StartedServer } = {};
    const clientOptions: LanguageClientOptions = {
      documentSelector: selector,
      outputChannel: this.output,
      initializationOptions: start.initializationOptions,
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: (): CloseHandlerResult => {
          if (!this.stopping && mine.server && this.server === mine.server) {
            this.dropServer();
            this.scheduleRestart();
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: clientMiddleware(this.ui),
      // Case states are asked again when the server says its data changed (no poll here).
      connectionOptions: { messageStrategy: serverSignals(this.ui) },
    };
    const server = await this.host.start({
      options: clientOptions,
      start,
      log: (line) => this.ui.log(line),
      failed: (why) => {
        this.ui.log(`The language server's worker failed: ${why}`);
        if (this.stopping || !mine.server || this.server !== mine.server) return;
        // A trap in the wasm (a panic aborts): that instance answers nothing more.
        const client = mine.server.client;
        this.dropServer();
        void client.stop(500).catch(() => undefined);
        this.scheduleRestart();
      },
    });
    mine.server = server;
    this.selector = JSON.stringify(selector);
    const client = server.client;
    // Only the WASM server asks (it cannot read files itself); answered through workspace.fs.
    client.onRequest(LIST_FILES, (params: ListFilesParams) => listFiles(params));
    client.onRequest(READ_FILE, (params: ReadFileParams) => readFile(params));
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      this.ui.log(`The language server runs (${Date.now() - this.activated} ms after activation)`);
      this.ui.scheduleRefresh(0);
    });
    return server;
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

  get startDemoServer(): (() => Promise<void>) | undefined {
    const start = this.host.startDemoServer;
    return start ? () => start.call(this.host, (line) => this.ui.log(line)) : undefined;
  }
}
