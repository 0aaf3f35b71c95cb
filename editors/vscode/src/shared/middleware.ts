// The language client middleware both entries install (desktop: vscode-languageclient/node,
// web: vscode-languageclient/browser): service text made visible, the Test Explorer and
// status bar refreshed when lenses arrive, `testany.openLog` shown in the log viewer
// from `testany/logView`, and the results of the section 6 commands presented.
import type { Middleware } from 'vscode-languageclient';
import { forDisplay } from './display';
import type { Ui } from './ui';

/** Commands whose results the UI presents (documents, a quick pick). */
const PRESENTED = new Set(['testany.showExecution', 'testany.pipelineHealth', 'testany.recentFailures']);

export function clientMiddleware(ui: Ui): Middleware {
  return {
    // vscode-languageclient re-requests lenses on the server's workspace/codeLens/refresh:
    // the sign that case states changed (docs/protocol.md, testany/caseStates).
    // Lens titles and diagnostics quote service text: shown with controls visible
    // (the server sanitises too; forDisplay leaves clean text as it is).
    provideCodeLenses: async (document, token, next) => {
      const lenses = await next(document, token);
      if (!lenses) return lenses;
      for (const l of lenses) if (l.command) l.command.title = forDisplay(l.command.title);
      ui.scheduleRefresh(300);
      return lenses;
    },
    handleDiagnostics: (uri, diagnostics, next) => {
      for (const d of diagnostics) d.message = forDisplay(d.message);
      next(uri, diagnostics);
    },
    executeCommand: async (command, args, next) => {
      // The viewer renders what the server computed for the log; openLog's own
      // window/showDocument (a plain text file) is not needed.
      if (command === 'testany.openLog') return ui.openLog(args[0]);
      const result = await next(command, args);
      if (PRESENTED.has(command)) {
        await ui.present(command, (args[0] ?? {}) as Record<string, unknown>, result);
      }
      return result;
    },
  };
}
