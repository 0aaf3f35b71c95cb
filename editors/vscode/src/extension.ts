// Desktop entry: runs `testany lsp` (the language server gives lenses, diagnostics and
// hovers); without a native binary, the same server built for wasm32 (bundled in the
// .vsix) in a Node worker thread (src/node/host.ts). Everything else is the extension
// both entries share (src/shared/extension.ts).
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, ServerOptions } from 'vscode-languageclient/node';
import { chooseServer, findServer, parseMockBanner, ServerChoice, ServerLookup } from './desktop/server';
import { startWasmServer } from './node/host';
import * as shared from './shared/extension';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return shared.activate(context, new DesktopHost(context));
}

export const deactivate = shared.deactivate;

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

class DesktopHost implements shared.ServerHost {
  readonly kind = 'desktop' as const;
  private noticed = false;
  private mock: cp.ChildProcess | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  env(): Record<string, string | undefined> {
    return process.env;
  }

  documentSelector(): { scheme: string }[] {
    return [{ scheme: 'file' }];
  }

  restartsOn(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration('testany.serverPath');
  }

  restarted(): void {
    this.noticed = false;
  }

  dispose(): void {
    this.mock?.kill();
    this.mock = undefined;
  }

  private lookup(): ServerLookup {
    return {
      setting: vscode.workspace.getConfiguration('testany').get<string>('serverPath'),
      extensionPath: this.context.extensionPath,
      pathEnv: process.env.PATH,
      platform: process.platform,
      isExecutable,
    };
  }

  /** The native server when found, else the bundled WASM one; one notice (per start-up or restart) says which and why. */
  private choose(log: (line: string) => void): ServerChoice {
    const { choice, notice, warn } = chooseServer(this.lookup());
    log(notice);
    if (!this.noticed && choice.kind === 'wasm') {
      this.noticed = true;
      const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(notice, 'Open Setting').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', 'testany.serverPath');
      });
    }
    return choice;
  }

  async start({ options, start, log }: shared.StartRequest): Promise<shared.StartedServer> {
    const choice = this.choose(log);
    let worker: { terminate(): unknown } | undefined;
    const serverOptions: ServerOptions =
      choice.kind === 'native'
        ? { command: choice.location.command, args: ['lsp'], options: { env: start.nativeEnv } }
        : async () => {
            const server = await startWasmServer(path.join(this.context.extensionPath, 'dist'), start.workerVars);
            void worker?.terminate();
            worker = server.worker;
            return { reader: server.reader, writer: server.writer };
          };
    const client = new LanguageClient('testany', 'Testany', serverOptions, options);
    return {
      client,
      dispose: () => {
        void worker?.terminate();
        worker = undefined;
      },
    };
  }

  /** Runs `testany mock --port 0` and points this workspace's testany.url at it. */
  async startDemoServer(log: (line: string) => void): Promise<void> {
    const location = findServer(this.lookup());
    if (!location) {
      void vscode.window.showErrorMessage(
        'Testany: the demo server needs the native `testany` binary: install it (see the README) or set testany.serverPath.',
      );
      return;
    }
    this.mock?.kill();
    const child = cp.spawn(location.command, ['mock', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.mock = child;
    child.stderr?.on('data', (d: Buffer) => log(`[mock] ${d.toString().trimEnd()}`));
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
      return;
    }
    log(`Demo server listening on ${url}`);
    await vscode.workspace.getConfiguration('testany').update('url', url, vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage(`Testany: demo server running at ${url}; this workspace now uses it.`);
  }
}
