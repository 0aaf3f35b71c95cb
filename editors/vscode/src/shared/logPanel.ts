// The failure log in the log viewer (editors/vscode/webview, built into dist/webview/)
// inside a webview beside the editor. The viewer renders the server's `testany/logView`
// result as it is (text, style spans, failure lines, frames resolved to {uri, line});
// a frame click comes back as {uri, line} and opens the source.
import * as vscode from 'vscode';
import type { LogViewResult } from './protocol';
import { viewerHtml } from './render';

/** A log to show: the server's view of it and a title. */
export interface LogDocument {
  title: string;
  view: LogViewResult;
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
    void this.panel.webview.postMessage({ type: 'view', title: d.title, view: d.view });
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!m || typeof m !== 'object') return;
    // {type: 'ready'} and {type: 'openLocation', uri, line} (editors/vscode/webview; line 0-based).
    const msg = m as { type?: unknown; uri?: unknown; line?: unknown };
    if (msg.type === 'ready') {
      this.ready = true;
      this.flush();
      return;
    }
    if (msg.type === 'openLocation' && typeof msg.uri === 'string' && typeof msg.line === 'number') {
      this.log(`log viewer: open ${msg.uri}:${msg.line}`);
      await vscode.commands.executeCommand('testany.openLocation', { uri: msg.uri, line: msg.line });
    }
  }
}

async function html(webview: vscode.Webview, root: vscode.Uri): Promise<string> {
  try {
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'index.html')));
    return viewerHtml(page, webview.cspSource, (file) =>
      webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString(),
    );
  } catch {
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><p>The Testany log viewer is not part of this build (editors/vscode/webview/dist is missing): run <code>cargo xtask vsix</code>.</p></body></html>`;
  }
}
