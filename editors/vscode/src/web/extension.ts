// Web entry (VS Code for the Web): the same language server as on desktop, testany-lsp
// compiled to wasm32, runs in a web worker (dist/web/server.js, src/web/server.ts); this
// is how it starts, behind vscode-languageclient/browser. Everything else is the
// extension both entries share (src/shared/extension.ts), which also answers the
// worker's file requests (src/web/files.ts: it cannot read the workspace itself).
import * as vscode from 'vscode';
import { DocumentSelector, LanguageClient } from 'vscode-languageclient/browser';
import * as shared from '../shared/extension';
import { hasProject } from '../shared/ui';
import { listFiles } from './files';

export function activate(context: vscode.ExtensionContext): Promise<void> {
  return shared.activate(context, new WebHost(context));
}

export const deactivate = shared.deactivate;

class WebHost implements shared.ServerHost {
  readonly kind = 'web' as const;
  private wasm: Promise<Uint8Array> | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  env(): Record<string, string | undefined> {
    // No process environment on the web: the worker's vars are the token alone.
    return {};
  }

  /** The workspace's own schemes (`vscode-vfs`, `vscode-test-web`, `file`, ...): not outputs or diffs. */
  documentSelector(): DocumentSelector {
    const schemes = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme));
    if (schemes.size === 0) schemes.add('file');
    return [...schemes].map((scheme) => ({ scheme }));
  }

  findProject(): Promise<boolean> {
    return findProject();
  }

  /** The .wasm is read while the project is looked for (issue 16: first diagnostics < 1 s). */
  prepare(): { found(project: boolean): void } {
    this.wasmBytes().catch(() => undefined);
    return {
      found: (project) => {
        // No project: the 2 MB are not kept (a testany.toml created later reads them again).
        if (!project) this.wasm = undefined;
      },
    };
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

  async start({ options, start, log, failed }: shared.StartRequest): Promise<shared.StartedServer> {
    log('Starting the language server (WASM) in a web worker');
    // The worker's script loads while the .wasm is read (issue 16: first diagnostics < 1 s).
    const worker = new Worker(
      vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'web', 'server.js').toString(true),
    );
    // An uncaught error in the worker is a trap in the wasm (a panic aborts).
    worker.addEventListener('error', (e) => failed(e.message));
    let wasm: Uint8Array;
    try {
      wasm = await this.wasmBytes();
    } catch (e) {
      worker.terminate();
      throw e;
    }
    // The token (and nothing else: the web has no environment) in the start message,
    // never in JSON-RPC. A copy of the bytes: they are kept for a restart, and the worker
    // takes the copy's buffer.
    const copy = wasm.slice().buffer;
    worker.postMessage({ testanyWasm: copy, vars: start.workerVars }, [copy]);
    return {
      client: new LanguageClient('testany', 'Testany', options, worker),
      dispose: () => worker.terminate(),
    };
  }
}

/**
 * Whether some workspace folder holds a testany.toml: at a folder's root (one stat each,
 * before anything slower: this is on the way to the first diagnostics), else by
 * `workspace.findFiles`, else by the walk the server's file list uses (`findFiles` finds
 * nothing where no search provider serves the workspace's scheme, as the Code-OSS web
 * workbench's `vscode-test-web:`).
 */
async function findProject(): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
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
  if (await hasProject()) return true;
  for (const folder of folders) {
    const { files } = await listFiles({ root: folder.uri.toString() });
    if (files.some((f) => f === 'testany.toml' || f.endsWith('/testany.toml'))) {
      void vscode.commands.executeCommand('setContext', 'testany.hasProject', true);
      return true;
    }
  }
  return false;
}
