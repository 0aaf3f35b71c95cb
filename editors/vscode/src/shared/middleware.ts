// The language client middleware both entries install (desktop: vscode-languageclient/node,
// web: vscode-languageclient/browser): the Test Explorer and status bar refreshed when
// lenses arrive, `testany.openLog` shown in the log viewer
// from `testany/logView`, and the results of the section 6 commands presented. Also the
// client's message strategy, which refreshes them when the server signals a change.
import type { Message, MessageStrategy, Middleware } from 'vscode-languageclient';
import type { Ui } from './ui';

/**
 * What the server sends when its data changed (docs/protocol.md, `testany/caseStates`):
 * diagnostics, and `workspace/codeLens/refresh` right behind them (publish.rs `step`).
 */
const CHANGE_SIGNALS = new Set(['textDocument/publishDiagnostics', 'workspace/codeLens/refresh']);

/**
 * The client's `connectionOptions.messageStrategy`: every message from the server passes
 * here; after a change signal the case states are asked again. The refresh request is
 * seen even when no editor is visible (VS Code re-requests lenses only for visible
 * ones), so the editor needs no poll of its own: polling is the server's.
 */
export function serverSignals(ui: Pick<Ui, 'scheduleRefresh'>): MessageStrategy {
  return {
    handleMessage: (message: Message, next: (message: Message) => void) => {
      next(message);
      const method = (message as { method?: unknown }).method;
      if (typeof method === 'string' && CHANGE_SIGNALS.has(method)) ui.scheduleRefresh(300);
    },
  };
}

/** Commands whose results the UI presents (documents, a quick pick). */
const PRESENTED = new Set(['testany.showExecution', 'testany.pipelineHealth', 'testany.recentFailures']);

export function clientMiddleware(ui: Ui): Middleware {
  return {
    // vscode-languageclient re-requests lenses on the server's workspace/codeLens/refresh:
    // the sign that case states changed (docs/protocol.md, testany/caseStates). Lens
    // titles and diagnostics arrive sanitised (the server's convert::display).
    provideCodeLenses: async (document, token, next) => {
      const lenses = await next(document, token);
      ui.scheduleRefresh(300);
      return lenses;
    },
    executeCommand: async (command, args, next) => {
      // The viewer renders what the server computed for the log; openLog's own
      // window/showDocument (a plain text file) is not needed.
      if (command === 'testany.openLog') return ui.openLog(args[0]);
      const result = await next(command, args);
      // A test lens's "Run locally": the server gives the command, the editor runs it.
      if (command === 'testany.runLocally') ui.runLocally(result, args[0]);
      if (PRESENTED.has(command)) {
        await ui.present(command, (args[0] ?? {}) as Record<string, unknown>, result);
      }
      return result;
    },
  };
}
