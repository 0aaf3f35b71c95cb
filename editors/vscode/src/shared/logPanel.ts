// The failure log in the WASM log viewer (editors/vscode/webview, built into
// dist/webview/) inside a webview beside the editor. Stack-frame clicks come back as
// {path, line} and open the source.
import * as vscode from 'vscode';
import { viewerHtml } from './render';

/** A log to show: its text, the 0-based line to reveal, and a title. */
export interface LogDocument {
  title: string;
  text: string;
  /** 0-based line to select (the first failure line). */
  line?: number;
  /** Where the log is cached on disk (desktop), for "open as text". */
  uri?: vscode.Uri;
}

export class LogPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private pending: LogDocument | undefined;
  private ready = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: (line: string) => void,
  ) {}

  dispose(): void {
    this.panel?.dispose();
  }

  show(doc: LogDocument): void {
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    if (!this.panel) {
      this.ready = false;
      this.panel = vscode.window.createWebviewPanel(
        'testany.log',
        doc.title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: [root] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
      });
      this.panel.webview.onDidReceiveMessage((m) => this.onMessage(m));
      const panel = this.panel;
      void html(panel.webview, root).then((h) => {
        panel.webview.html = h;
      });
    } else {
      this.panel.title = doc.title;
      this.panel.reveal(vscode.ViewColumn.Beside, false);
    }
    this.pending = doc;
    if (this.ready) this.flush();
  }

  private flush(): void {
    if (!this.panel || !this.pending) return;
    const d = this.pending;
    this.pending = undefined;
    void this.panel.webview.postMessage({ type: 'load', title: d.title, text: d.text, line: d.line ?? null });
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!m || typeof m !== 'object') return;
    // {type: 'ready'} and {type: 'openLocation', path, line, column} (editors/vscode/webview).
    const msg = m as { type?: unknown; path?: unknown; line?: unknown; column?: unknown };
    if (msg.type === 'ready') {
      this.ready = true;
      this.flush();
      return;
    }
    if (msg.type === 'openLocation' && typeof msg.path === 'string' && typeof msg.line === 'number') {
      this.log(`log viewer: open ${msg.path}:${msg.line}`);
      // The viewer reports 1-based lines as printed in the log.
      await vscode.commands.executeCommand('testany.openLocation', { path: msg.path, line: Math.max(0, msg.line - 1) });
    }
  }
}

async function html(webview: vscode.Webview, root: vscode.Uri): Promise<string> {
  try {
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'index.html')));
    return viewerHtml(page, webview.cspSource, (file) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString());
  } catch {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><p>The Testany log viewer is not part of this build (editors/vscode/webview/dist is missing): run <code>cargo xtask vsix</code>.</p></body></html>`;
  }
}
