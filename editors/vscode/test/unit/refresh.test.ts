// The Test Explorer and status bar ask `testany/caseStates` again when the server says its
// data changed (published diagnostics, workspace/codeLens/refresh: the client's message
// strategy, middleware.ts `serverSignals`), and never on a timer: polling is the server's.
import { fakeContext } from './fakeVscode';
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'vscode-languageclient';
import { serverSignals } from '../../src/shared/middleware';
import { Ui } from '../../src/shared/ui';

/** Lets the refresh's promises (caseStates, the tree) settle; setImmediate is not mocked. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('caseStates is asked after a change signal from the server, and not without one', async (t) => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  t.after(() => mock.timers.reset());
  const asked: string[] = [];
  const client = {
    sendRequest: async <R>(method: string): Promise<R> => {
      asked.push(method);
      return [] as R;
    },
  };
  const host = { kind: 'desktop' as const, tokenChanged: async () => undefined, languageClient: () => client };
  const ui = new Ui(fakeContext(), host, { appendLine: () => undefined } as never);
  t.after(() => ui.dispose());

  // A quiet minute: no signal, no request.
  for (let s = 0; s < 60; s++) {
    mock.timers.tick(1000);
    await settle();
  }
  assert.deepEqual(asked, []);

  const strategy = serverSignals(ui);
  const passed: Message[] = [];
  const next = (m: Message) => passed.push(m);
  const diagnostics = {
    jsonrpc: '2.0',
    method: 'textDocument/publishDiagnostics',
    params: { uri: 'file:///w/a.py', diagnostics: [] },
  };
  strategy.handleMessage(diagnostics as Message, next);
  // Other messages from the server are no signal.
  strategy.handleMessage({ jsonrpc: '2.0', method: 'window/logMessage', params: {} } as Message, next);
  strategy.handleMessage({ jsonrpc: '2.0', id: 7, result: null } as Message, next);
  mock.timers.tick(300);
  await settle();
  assert.deepEqual(asked, ['testany/caseStates']);

  // The lens refresh request (sent when no editor shows a lens: VS Code asks for none).
  strategy.handleMessage({ jsonrpc: '2.0', id: 8, method: 'workspace/codeLens/refresh' } as Message, next);
  mock.timers.tick(300);
  await settle();
  assert.deepEqual(asked, ['testany/caseStates', 'testany/caseStates']);
  // Every message still reaches the client, in order.
  assert.deepEqual(
    passed.map((m) => (m as { method?: string }).method ?? 'response'),
    ['textDocument/publishDiagnostics', 'window/logMessage', 'response', 'workspace/codeLens/refresh'],
  );

  for (let s = 0; s < 60; s++) {
    mock.timers.tick(1000);
    await settle();
  }
  assert.equal(asked.length, 2);
});
