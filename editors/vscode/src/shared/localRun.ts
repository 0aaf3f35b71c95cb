// "Run locally" (issue 15): the server's `testany.runLocally` answer run in a terminal as
// its process, argv as given: no shell reads it, so there is nothing to quote (review
// round 2, finding 2: PowerShell splits `-Da.b=c` at the dot and ends strings at
// typographic quotes, fish reads `\'` in single quotes; Neovim runs argv the same way).
import * as vscode from 'vscode';
import type { LocalCommandResult } from './protocol';

/**
 * Opens a terminal named after `label` whose process is `result.argv[0]` with the rest as
 * its arguments, started in `result.cwd`; returns the argv as JSON, for the output channel.
 * The terminal closes when the process exits with 0 (the API has no "keep open"); on a
 * failure VS Code keeps it open with the exit code.
 */
export function openLocalRun(result: LocalCommandResult, label: string): string {
  const [program, ...args] = result.argv;
  if (program === undefined) throw new Error('runLocally gave no command to run.');
  const terminal = vscode.window.createTerminal({
    name: `Testany: ${label}`,
    shellPath: program,
    shellArgs: args,
    cwd: result.cwd,
  });
  terminal.show();
  return JSON.stringify(result.argv);
}
