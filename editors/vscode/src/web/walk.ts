// The workspace walk behind `testany/listFiles`, with the native server's rules
// (crates/testany-lsp/src/files.rs `list_bounded`). Pure: the directory reader comes in
// as a function, so node:test covers it; src/web/files.ts passes `workspace.fs`.

/** files.rs `MAX_FILES`: the listing stops there (`truncated`). */
export const MAX_FILES = 200_000;
/** files.rs `SKIPPED_DIRS`; hidden directories (a leading `.`) are skipped too (`skipped_dir`). */
export const SKIPPED_DIRS = ['target', 'node_modules', 'venv', '__pycache__', 'build', 'dist'];
/** Directories read at once (each read is a round trip to the workspace's file system). */
const READS_AT_ONCE = 16;

/** `vscode.FileType`'s bits. */
export const FILE = 1;
export const DIRECTORY = 2;
export const SYMBOLIC_LINK = 64;

/** Whether the walker descends into a directory of this name. */
export function walksInto(name: string): boolean {
  return !name.startsWith('.') && !SKIPPED_DIRS.includes(name);
}

/** Reads a directory (`''` is the root) as `[name, FileType bits]`; throws when it cannot. */
export type ReadDirectory = (rel: string) => PromiseLike<[string, number][]>;

/**
 * The files under the root, relative and `/`-separated, breadth first, at most `limit`.
 * Symbolic links are neither entered nor listed (as files.rs's `file_type()`, which does
 * not follow them: a link to a parent would loop); unreadable directories are skipped.
 */
export async function walk(read: ReadDirectory, limit = MAX_FILES): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  let level: string[] = [''];
  while (level.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += READS_AT_ONCE) {
      const batch = level.slice(i, i + READS_AT_ONCE);
      const listed = await Promise.all(
        batch.map(async (dir) => {
          try {
            return { dir, entries: await read(dir) };
          } catch {
            return { dir, entries: [] as [string, number][] };
          }
        }),
      );
      for (const { dir, entries } of listed) {
        for (const [name, type] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (type & SYMBOLIC_LINK) continue;
          const rel = dir ? `${dir}/${name}` : name;
          if (type & DIRECTORY) {
            if (walksInto(name)) next.push(rel);
          } else if (type & FILE) {
            if (files.length >= limit) return { files, truncated: true };
            files.push(rel);
          }
        }
      }
    }
    level = next;
  }
  return { files, truncated: false };
}
