// The files of each configured folder and the markers in them, listed once and kept
// current by a file watcher, so the Test Explorer and the web entry can follow the
// language server's walker limit (MAX_WORKSPACE_FILES) without listing and reading
// the whole tree at every refresh.
import * as vscode from 'vscode';
import { EXCLUDE_GLOB, isIgnored, MAX_MARKER_FILE_BYTES, MAX_WORKSPACE_FILES } from './limits';
import { scanMarkers } from './markers';

/** A marker's case key and 0-based line. */
export interface MarkerAt {
  key: string;
  line: number;
}

export class WorkspaceIndex implements vscode.Disposable {
  /** Base folder URI -> its files (at most MAX_WORKSPACE_FILES). */
  private readonly lists = new Map<string, Promise<vscode.Uri[]>>();
  /** File URI -> its markers (empty: none, or not readable as text). */
  private readonly markers = new Map<string, MarkerAt[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const listChanged = (uri: vscode.Uri) => {
      if (this.ignored(uri)) return;
      this.markers.delete(uri.toString());
      for (const base of [...this.lists.keys()]) if (uri.toString().startsWith(base.replace(/\/*$/, '/'))) this.lists.delete(base);
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(listChanged),
      watcher.onDidDelete(listChanged),
      watcher.onDidChange((uri) => this.markers.delete(uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => this.markers.delete(e.document.uri.toString())),
      vscode.workspace.onDidCloseTextDocument((d) => this.markers.delete(d.uri.toString())),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Forgets everything (configuration or folders changed). */
  clear(): void {
    this.lists.clear();
    this.markers.clear();
  }

  private ignored(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const base = folder ? folder.uri.path.replace(/\/+$/, '') : '';
    const rel = base && uri.path.startsWith(`${base}/`) ? uri.path.slice(base.length + 1) : uri.path;
    return isIgnored(rel);
  }

  /** The files under `base`, hidden and skipped directories left out. */
  files(base: vscode.Uri): Promise<vscode.Uri[]> {
    const k = base.toString();
    let list = this.lists.get(k);
    if (!list) {
      list = Promise.resolve(
        vscode.workspace.findFiles(new vscode.RelativePattern(base, '**/*'), EXCLUDE_GLOB, MAX_WORKSPACE_FILES),
      );
      this.lists.set(k, list);
      list.then(undefined, () => this.lists.delete(k));
    }
    return list;
  }

  /** The markers of `uri`: from its open document, else read once from disk. */
  async markersOf(uri: vscode.Uri): Promise<MarkerAt[]> {
    const k = uri.toString();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === k);
    if (open) return found(open.getText());
    const cached = this.markers.get(k);
    if (cached) return cached;
    let markers: MarkerAt[] = [];
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (bytes.byteLength <= MAX_MARKER_FILE_BYTES) markers = found(new TextDecoder().decode(bytes));
    } catch {
      // Unreadable: no markers.
    }
    this.markers.set(k, markers);
    return markers;
  }
}

function found(text: string): MarkerAt[] {
  return text.includes('testany:') ? scanMarkers(text).map((m) => ({ key: m.key, line: m.line })) : [];
}
