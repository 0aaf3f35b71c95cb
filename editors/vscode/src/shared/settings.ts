// The extension's settings (VS Code's camelCase names) and the testany.toml keys they
// override (snake_case, as the server reads them). Pure: no `vscode` import.

/** Setting (under `testany.`) -> path of the testany.toml key it overrides. */
export const SETTINGS: readonly (readonly [string, readonly string[]])[] = [
  ['url', ['url']],
  ['workspace', ['workspace']],
  ['pipelines', ['pipelines']],
  ['environment', ['environment']],
  ['logDomain', ['log_domain']],
  ['history', ['history']],
  ['poll.runningSecs', ['poll', 'running_secs']],
  ['poll.idleSecs', ['poll', 'idle_secs']],
  ['cases', ['cases']],
];

/** Settings renamed to VS Code's convention (issue 18): old name -> new name. */
export const RENAMED: readonly (readonly [string, string])[] = [
  ['log_domain', 'logDomain'],
  ['poll.running_secs', 'poll.runningSecs'],
  ['poll.idle_secs', 'poll.idleSecs'],
];

/**
 * The explicitly set settings as testany.toml-shaped options (`initializationOptions`,
 * `workspace/didChangeConfiguration`): unset (null or undefined) settings leave the
 * file's value. `get` reads a setting under `testany.`.
 */
export function settingsToOptions(get: (setting: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [setting, path] of SETTINGS) {
    const value = get(setting);
    if (value === null || value === undefined) continue;
    let at = out;
    for (const part of path.slice(0, -1)) {
      const next = at[part];
      at = (next && typeof next === 'object' ? next : (at[part] = {})) as Record<string, unknown>;
    }
    at[path[path.length - 1]] = value;
  }
  return out;
}

/** The notice shown once after old setting names were moved to their new names. */
export function renameNotice(moved: readonly string[]): string | undefined {
  if (moved.length === 0) return undefined;
  const list = moved
    .map((old) => {
      const renamed = RENAMED.find(([from]) => from === old)?.[1] ?? old;
      return `testany.${old} → testany.${renamed}`;
    })
    .join(', ');
  return `Testany: settings renamed to VS Code's style and moved: ${list}.`;
}
