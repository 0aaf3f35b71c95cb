// The few `vscode` classes testMessage.ts uses (and localRun.ts's window.createTerminal,
// the status bar items and what else the shared `Ui` needs to be built and to refresh
// with no cases, `workspace.fs` and the workspace folders for web/files.ts), as plain objects, answered to
// `require('vscode')` (the bundles keep `vscode` external; it exists only in the
// extension host). Import this before the module under test.
import Module from 'node:module';

export class Uri {
  readonly scheme: string;
  readonly authority: string;
  /** Percent-decoded, as VS Code's. */
  readonly path: string;
  private constructor(private readonly text: string) {
    const m = /^([A-Za-z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)/.exec(text);
    this.scheme = m?.[1] ?? '';
    this.authority = m?.[2] ?? '';
    this.path = decodeURIComponent(m?.[3] ?? '');
  }
  static parse(text: string): Uri {
    return new Uri(text);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri([base.text.replace(/\/+$/, ''), ...parts].join('/'));
  }
  toString(): string {
    return this.text;
  }
}

export class Range {
  readonly start: { line: number; character: number };
  readonly end: { line: number; character: number };
  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    this.start = { line: startLine, character: startCharacter };
    this.end = { line: endLine, character: endCharacter };
  }
}

export class Location {
  constructor(
    readonly uri: Uri,
    readonly range: Range,
  ) {}
}

/** As VS Code's: `diff` sets `expectedOutput` and `actualOutput`, which the Test Explorer shows as a diff. */
export class TestMessage {
  expectedOutput?: string;
  actualOutput?: string;
  location?: Location;
  constructor(readonly message: string) {}
  static diff(message: string, expected: string, actual: string): TestMessage {
    const m = new TestMessage(message);
    m.expectedOutput = expected;
    m.actualOutput = actual;
    return m;
  }
}

/** What `window.createTerminal` was given and what was done with each terminal, in order. */
export const terminalCalls: unknown[][] = [];

/** A status bar item as the shared `Ui` sets it (`statusItems` lists every one created). */
export interface FakeStatusBarItem {
  id: string;
  name?: string;
  text?: string;
  tooltip?: string;
  command?: unknown;
  backgroundColor?: unknown;
  shown: boolean;
  disposed: boolean;
  show(): void;
  dispose(): void;
}
export const statusItems: FakeStatusBarItem[] = [];

export class ThemeColor {
  constructor(readonly id: string) {}
}

export const StatusBarAlignment = { Left: 1, Right: 2 };

export const window = {
  createStatusBarItem(id: string) {
    const item: FakeStatusBarItem = {
      id,
      shown: false,
      disposed: false,
      show: () => (item.shown = true),
      dispose: () => (item.disposed = true),
    };
    statusItems.push(item);
    return item;
  },
  createTerminal(options: unknown) {
    terminalCalls.push(['createTerminal', options]);
    return {
      show: () => terminalCalls.push(['show']),
      sendText: (text: string, addNewLine?: boolean) => terminalCalls.push(['sendText', text, addNewLine]),
    };
  },
};

/** The terminal shell, as `vscode.env.shell` gives it (a path). */
export const env = { shell: '/usr/bin/pwsh' };

const disposable = { dispose: () => undefined };
const noEvent = () => disposable;

export class EventEmitter<T> {
  readonly event = noEvent;
  fire(_value: T): void {}
  dispose(): void {}
}

export const TestRunProfileKind = { Run: 1, Debug: 2, Coverage: 3 };
export const FileType = { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 };

/** A test controller that holds nothing (the Ui's refresh with no cases touches only these). */
export const tests = {
  createTestController: () => ({
    createRunProfile: () => disposable,
    items: { get: () => undefined, replace: () => undefined },
    dispose: () => undefined,
  }),
};

/** Files `workspace.fs` serves: URI text -> content; every `fs` call is recorded in `fsCalls`. */
export const files = new Map<string, string>();
export const fsCalls: string[] = [];

export const workspace = {
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  registerTextDocumentContentProvider: () => disposable,
  onDidChangeWorkspaceFolders: noEvent,
  asRelativePath: (u: Uri) => u.toString(),
  fs: {
    stat: async (u: Uri) => {
      fsCalls.push(`stat ${u.toString()}`);
      const text = files.get(u.toString());
      if (text === undefined) throw new Error('EntryNotFound');
      return { type: FileType.File, size: Buffer.byteLength(text) };
    },
    readDirectory: async (u: Uri): Promise<[string, number][]> => {
      fsCalls.push(`readDirectory ${u.toString()}`);
      const prefix = `${u.toString().replace(/\/+$/, '')}/`;
      const entries = new Map<string, number>();
      for (const name of files.keys()) {
        if (!name.startsWith(prefix)) continue;
        const [first, ...rest] = name.slice(prefix.length).split('/');
        entries.set(first, rest.length > 0 ? FileType.Directory : FileType.File);
      }
      return [...entries];
    },
    readFile: async (u: Uri) => {
      fsCalls.push(`readFile ${u.toString()}`);
      const text = files.get(u.toString());
      if (text === undefined) throw new Error('EntryNotFound');
      return new TextEncoder().encode(text);
    },
  },
};

export const commands = {
  registerCommand: () => disposable,
  executeCommand: async () => undefined,
};

export const languages = {
  getDiagnostics: () => [],
  onDidChangeDiagnostics: noEvent,
};

const fake = {
  ThemeColor,
  StatusBarAlignment,
  Uri,
  Range,
  Location,
  TestMessage,
  window,
  env,
  EventEmitter,
  TestRunProfileKind,
  FileType,
  tests,
  workspace,
  commands,
  languages,
};
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fake : load.call(this, request, ...rest);
};

/** An extension context for the `Ui` (nothing is stored). */
export function fakeContext(): never {
  return {
    subscriptions: [],
    extensionUri: Uri.parse('file:///ext'),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined },
  } as never;
}
