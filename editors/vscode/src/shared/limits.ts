// Limits the extension shares with the language server. Pure: no `vscode` import.

/**
 * Files listed per workspace root at most: the language server's walker limit
 * (`MAX_FILES` in crates/testany-lsp/src/files.rs), so the Test Explorer and the web
 * entry see the same files as the server. test/unit/limits.test.ts reads files.rs and
 * fails when the two differ; the Neovim plugin's walker is held to it the same way.
 */
export const MAX_WORKSPACE_FILES = 200_000;

/** Files larger than this are not read for markers (the server's `MAX_MARKER_FILE`). */
export const MAX_MARKER_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Directories never searched, besides hidden ones: the server's `SKIPPED_DIRS`
 * (crates/testany-lsp/src/files.rs), checked by the same test.
 */
export const SKIPPED_DIRS = ['target', 'node_modules', 'venv', '__pycache__', 'build', 'dist'] as const;

/** The exclude glob for `workspace.findFiles`: hidden and skipped directories. */
export const EXCLUDE_GLOB = `{**/.*/**,${SKIPPED_DIRS.map((d) => `**/${d}/**`).join(',')}}`;

/** Whether a directory called `name` is never searched (the server's `skipped_dir`). */
export function skippedDir(name: string): boolean {
  return name.startsWith('.') || (SKIPPED_DIRS as readonly string[]).includes(name);
}

/**
 * Whether a file event's relative, `/`-separated path is of no interest: it names a
 * skipped directory or lies in one (the server's `is_ignored`).
 */
export function isIgnored(rel: string): boolean {
  return rel.split('/').some(skippedDir);
}
