// The web worker's server cannot read the workspace: it asks the extension with
// `testany/listFiles` and `testany/readFile` (docs/protocol.md), answered here through
// `vscode.workspace.fs`, with the native server's walker rules (crates/testany-lsp/src/files.rs).
import * as vscode from 'vscode';
import type { ListFilesParams, ListFilesResult, ReadFileParams, ReadFileResult } from '../shared/protocol';

/** files.rs `MAX_FILES`: the listing stops there (`truncated`). */
export const MAX_FILES = 200_000;
/** files.rs `MAX_MARKER_FILE`: larger files are not read. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** files.rs `SKIPPED_DIRS`; hidden directories (a leading `.`) are skipped too (`skipped_dir`). */
export const SKIPPED_DIRS = ['target', 'node_modules', 'venv', '__pycache__', 'build', 'dist'];

/** Whether the walker descends into a directory of this name. */
export function walksInto(name: string): boolean {
  return !name.startsWith('.') && !SKIPPED_DIRS.includes(name);
}

/** The folder's files, relative and `/`-separated, breadth first, at most MAX_FILES. */
export async function listFiles(params: ListFilesParams): Promise<ListFilesResult> {
  const root = vscode.Uri.parse(params.root);
  const files: string[] = [];
  let queue: string[] = [''];
  while (queue.length > 0) {
    const next: string[] = [];
    // One level at a time, its directories read together (each read is a round trip).
    const levels = await Promise.all(
      queue.map(async (dir) => {
        try {
          return { dir, entries: await vscode.workspace.fs.readDirectory(dir ? vscode.Uri.joinPath(root, dir) : root) };
        } catch {
          return { dir, entries: [] as [string, vscode.FileType][] };
        }
      }),
    );
    for (const { dir, entries } of levels) {
      for (const [name, type] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const rel = dir ? `${dir}/${name}` : name;
        if (type & vscode.FileType.Directory) {
          if (walksInto(name)) next.push(rel);
        } else if (type & vscode.FileType.File) {
          if (files.length >= MAX_FILES) return { files, truncated: true };
          files.push(rel);
        }
      }
    }
    queue = next;
  }
  return { files, truncated: false };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file's UTF-8 text; null when missing, not a file, over MAX_FILE_BYTES or not UTF-8. */
export async function readFile(params: ReadFileParams): Promise<ReadFileResult> {
  try {
    const uri = vscode.Uri.parse(params.uri);
    const stat = await vscode.workspace.fs.stat(uri);
    if (!(stat.type & vscode.FileType.File) || stat.size > MAX_FILE_BYTES) return { text: null };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > MAX_FILE_BYTES) return { text: null };
    return { text: utf8.decode(bytes) };
  } catch {
    return { text: null };
  }
}
