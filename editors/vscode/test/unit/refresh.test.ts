// The Test Explorer and status bar ask `testany/caseStates` again when the server says its
// data changed (published diagnostics, workspace/codeLens/refresh: the client's message
// strategy, middleware.ts `serverSignals`), and never on a timer: polling is the server's.
import { fakeContext, statusItems } from './fakeVscode';
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
  assert.deepEqual(asked, ['testany/caseStates', 'testany/pipelineStates']);

  // The lens refresh request (sent when no editor shows a lens: VS Code asks for none).
  strategy.handleMessage({ jsonrpc: '2.0', id: 8, method: 'workspace/codeLens/refresh' } as Message, next);
  mock.timers.tick(300);
  await settle();
  assert.deepEqual(asked, [
    'testany/caseStates',
    'testany/pipelineStates',
    'testany/caseStates',
    'testany/pipelineStates',
  ]);
  // Every message still reaches the client, in order.
  assert.deepEqual(
    passed.map((m) => (m as { method?: string }).method ?? 'response'),
    ['textDocument/publishDiagnostics', 'window/logMessage', 'response', 'workspace/codeLens/refresh'],
  );

  for (let s = 0; s < 60; s++) {
    mock.timers.tick(1000);
    await settle();
  }
  assert.equal(asked.length, 4);
});

// Issue 16: the status bar counted caseStates entries itself (`byPipeline`, once per
// execution and case key) and worded the text; now it shows what the server counted and
// wrote, adding only the icon and the tooltip.
test('the status bar shows testany/pipelineStates as the server words it', async (t) => {
  const answers: Record<string, unknown> = {
    'testany/caseStates': [],
    'testany/pipelineStates': [
      {
        pipeline: 'SHP-0603',
        execution: 'SHP-0603-0000C',
        state: 'failed',
        passed: 0,
        failed: 4,
        running: 0,
        other: 0,
        text: 'SHP-0603 4 failed, 0 passed',
        stale: false,
      },
      {
        pipeline: 'SHP-0601',
        execution: 'SHP-0601-0000D',
        state: 'running',
        passed: 2,
        failed: 1,
        running: 1,
        other: 0,
        text: 'SHP-0601 running 1',
        stale: true,
      },
    ],
  };
  const client = { sendRequest: async <R>(method: string): Promise<R> => answers[method] as R };
  const host = { kind: 'web' as const, tokenChanged: async () => undefined, languageClient: () => client };
  const ui = new Ui(fakeContext(), host, { appendLine: () => undefined } as never);
  t.after(() => ui.dispose());
  statusItems.length = 0;
  await ui.refresh();
  const shown = statusItems
    .filter((i) => i.shown && !i.disposed)
    .map((i) => [i.id, i.text, i.tooltip, i.command, (i.backgroundColor as { id?: string } | undefined)?.id]);
  assert.deepEqual(shown, [
    [
      'testany.status.SHP-0603',
      '$(error) SHP-0603 4 failed, 0 passed',
      'Testany SHP-0603: latest execution SHP-0603-0000C (0 passed, 4 failed, 0 running). Click to show the execution.',
      { title: 'Show Execution', command: 'testany.pickExecution', arguments: [{ execution: 'SHP-0603-0000C' }] },
      'statusBarItem.errorBackground',
    ],
    [
      'testany.status.SHP-0601',
      '$(sync~spin) SHP-0601 running 1',
      'Testany SHP-0601: latest execution SHP-0601-0000D (2 passed, 1 failed, 1 running; the last poll failed). Click to show the execution.',
      { title: 'Show Execution', command: 'testany.pickExecution', arguments: [{ execution: 'SHP-0601-0000D' }] },
      'statusBarItem.errorBackground',
    ],
  ]);
  // A pipeline the server no longer names loses its item.
  answers['testany/pipelineStates'] = [];
  await ui.refresh();
  assert.deepEqual(
    statusItems.filter((i) => !i.disposed).map((i) => i.id),
    [],
  );
});
