// The web worker's server cannot read the workspace: it asks the extension with
// `testany/listFiles` and `testany/readFile` (docs/protocol.md), answered here through
// `vscode.workspace.fs`, with the native server's walker rules (crates/testany-lsp/src/files.rs;
// the walk itself is src/web/walk.ts). Only inside the workspace folders: a URI elsewhere
// reads as "nothing there" (the server's probe for testany.toml in parent folders stops
// at the folder).
import * as vscode from 'vscode';
import type { ListFilesParams, ListFilesResult, ReadFileParams, ReadFileResult } from '../shared/protocol';
import { walk } from './walk';

/** files.rs `MAX_MARKER_FILE`: larger files are not read. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Whether `uri` is one of the workspace folders or lies below one: same scheme and
 * authority, the folder's path then `/`. A path with `.` or `..` segments (also
 * percent-encoded: the path is decoded) is refused, as it could climb out.
 */
export function inWorkspace(
  uri: vscode.Uri,
  folders: readonly { uri: vscode.Uri }[] = vscode.workspace.workspaceFolders ?? [],
): boolean {
  if (uri.path.split('/').some((s) => s === '.' || s === '..')) return false;
  return folders.some(({ uri: folder }) => {
    if (folder.scheme !== uri.scheme || folder.authority.toLowerCase() !== uri.authority.toLowerCase()) return false;
    const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
    return uri.path === folder.path || uri.path.startsWith(base);
  });
}

/** The folder's files (src/web/walk.ts: the native walker's rules) through `workspace.fs`; none outside the workspace. */
export async function listFiles(params: ListFilesParams): Promise<ListFilesResult> {
  let root: vscode.Uri;
  try {
    root = vscode.Uri.parse(params.root);
  } catch {
    return { files: [], truncated: false };
  }
  if (!inWorkspace(root)) return { files: [], truncated: false };
  return walk((rel) => vscode.workspace.fs.readDirectory(rel ? vscode.Uri.joinPath(root, rel) : root));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A file's UTF-8 text; null when outside the workspace folders, missing, not a file, over MAX_FILE_BYTES or not UTF-8. */
export async function readFile(params: ReadFileParams): Promise<ReadFileResult> {
  try {
    const uri = vscode.Uri.parse(params.uri);
    if (!inWorkspace(uri)) return { text: null };
    const stat = await vscode.workspace.fs.stat(uri);
    if (!(stat.type & vscode.FileType.File) || stat.size > MAX_FILE_BYTES) return { text: null };
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > MAX_FILE_BYTES) return { text: null };
    return { text: utf8.decode(bytes) };
  } catch {
    return { text: null };
  }
}
