// Where `testany lsp` comes from, and how often it may be restarted. Pure (file checks
// are passed in) so node:test covers it.

/** Where the server binary was found, for the output channel. */
export interface ServerLocation {
  command: string;
  source: 'setting' | 'bundled' | 'path';
}

export interface ServerLookup {
  /** The testany.serverPath setting (may be empty). */
  setting: string | undefined;
  /** The extension's install directory. */
  extensionPath: string;
  /** PATH as the process sees it. */
  pathEnv: string | undefined;
  platform: string;
  /** True when a regular executable file exists there. */
  isExecutable: (path: string) => boolean;
}

/** testany.serverPath, else server/ inside the extension, else PATH; `undefined` when none. */
export function findServer(l: ServerLookup): ServerLocation | undefined {
  const exe = l.platform === 'win32' ? 'testany.exe' : 'testany';
  const sep = l.platform === 'win32' ? '\\' : '/';
  const setting = l.setting?.trim();
  if (setting) {
    // An explicit setting that points nowhere is an error, not a reason to fall back.
    return l.isExecutable(setting) ? { command: setting, source: 'setting' } : undefined;
  }
  const bundled = `${l.extensionPath}${sep}server${sep}${exe}`;
  if (l.isExecutable(bundled)) return { command: bundled, source: 'bundled' };
  const delimiter = l.platform === 'win32' ? ';' : ':';
  for (const dir of (l.pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = `${dir.replace(/[\\/]+$/, '')}${sep}${exe}`;
    if (l.isExecutable(candidate)) return { command: candidate, source: 'path' };
  }
  return undefined;
}

/** Which server the desktop entry runs: the native binary, else the bundled WASM server. */
export type ServerChoice = { kind: 'native'; location: ServerLocation } | { kind: 'wasm' };

/**
 * The native `testany lsp` when findServer finds one, else the WASM server the .vsix
 * bundles (in a Node worker thread), with the one notice that says which runs and why.
 * `warn`: the user should act (a serverPath setting that points nowhere).
 */
export function chooseServer(l: ServerLookup): { choice: ServerChoice; notice: string; warn: boolean } {
  const location = findServer(l);
  if (location) {
    const from = { setting: 'testany.serverPath', bundled: 'bundled with the extension', path: 'found on PATH' }[
      location.source
    ];
    return {
      choice: { kind: 'native', location },
      notice: `Testany: running the native language server ${location.command} (${from}).`,
      warn: false,
    };
  }
  const setting = l.setting?.trim();
  const why = setting
    ? `testany.serverPath (${setting}) is not an executable file`
    : 'no native `testany` binary is bundled or on PATH';
  return {
    choice: { kind: 'wasm' },
    notice: `Testany: running the bundled WASM language server: ${why}. Install \`testany\` or set testany.serverPath for the native server (faster).`,
    warn: Boolean(setting),
  };
}

/**
 * Restart policy after crashes: exponential backoff (1 s, 2 s, 4 s ... 60 s); crashes more
 * than 5 minutes apart reset it. Time comes in as a parameter.
 */
export class Backoff {
  private attempts = 0;
  private lastCrash = -Infinity;

  constructor(
    private readonly baseMs = 1000,
    private readonly maxMs = 60_000,
    private readonly resetAfterMs = 300_000,
  ) {}

  /** Delay before the next restart after a crash at `nowMs`. */
  next(nowMs: number): number {
    if (nowMs - this.lastCrash > this.resetAfterMs) this.attempts = 0;
    this.lastCrash = nowMs;
    const delay = Math.min(this.baseMs * 2 ** this.attempts, this.maxMs);
    this.attempts++;
    return delay;
  }

  reset(): void {
    this.attempts = 0;
    this.lastCrash = -Infinity;
  }
}

/** The URL line `testany mock` prints first on stdout. */
export function parseMockBanner(line: string): string | undefined {
  const m = /listening on (https?:\/\/\S+)/.exec(line);
  return m ? m[1] : undefined;
}
