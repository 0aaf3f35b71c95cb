// The web worker's server cannot read the workspace: it asks the extension with
// `testany/listFiles` and `testany/readFile` (docs/protocol.md), answered here through
// `vscode.workspace.fs`, with the native server's walker rules (crates/testany-lsp/src/files.rs;
// the walk itself is src/web/walk.ts).
import * as vscode from 'vscode';
import type { ListFilesParams, ListFilesResult, ReadFileParams, ReadFileResult } from '../shared/protocol';
import { walk } from './walk';

/** files.rs `MAX_MARKER_FILE`: larger files are not read. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The folder's files (src/web/walk.ts: the native walker's rules) through `workspace.fs`. */
export function listFiles(params: ListFilesParams): Promise<ListFilesResult> {
  const root = vscode.Uri.parse(params.root);
  return walk((rel) => vscode.workspace.fs.readDirectory(rel ? vscode.Uri.joinPath(root, rel) : root));
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
