// The few `vscode` classes testMessage.ts uses (and localRun.ts's window.createTerminal), as plain objects, answered to
// `require('vscode')` (the bundles keep `vscode` external; it exists only in the
// extension host). Import this before the module under test.
import Module from 'node:module';

export class Uri {
  private constructor(private readonly text: string) {}
  static parse(text: string): Uri {
    return new Uri(text);
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

export const window = {
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

const fake = { Uri, Range, Location, TestMessage, window, env };
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fake : load.call(this, request, ...rest);
};
