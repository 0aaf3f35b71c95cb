// The client middleware both entries install: testany.openLog becomes the log viewer over
// testany/logView (the server's own showDocument of a plain .log is not asked for), the
// section 6 results are presented, and arriving lenses refresh the Test Explorer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientMiddleware } from '../../src/shared/middleware';
import type { Ui } from '../../src/shared/ui';

function fakeUi() {
  const calls: unknown[][] = [];
  const ui = {
    openLog: async (arg: unknown) => {
      calls.push(['openLog', arg]);
      return { uri: 'file:///cache/E-1/3.log', line: 24 };
    },
    present: async (command: string, args: unknown, result: unknown) => {
      calls.push(['present', command, args, result]);
    },
    scheduleRefresh: (ms: number) => {
      calls.push(['scheduleRefresh', ms]);
    },
  };
  return { ui: ui as unknown as Ui, calls };
}

test('testany.openLog is shown from testany/logView, never sent as the command', async () => {
  const { ui, calls } = fakeUi();
  const sent: unknown[] = [];
  const next = async (command: string, args: unknown[]) => {
    sent.push([command, args]);
    return null;
  };
  const result = await clientMiddleware(ui).executeCommand!(
    'testany.openLog',
    [{ execution: 'E-1', caseIndex: 3 }],
    next,
  );
  assert.deepEqual(result, { uri: 'file:///cache/E-1/3.log', line: 24 });
  assert.deepEqual(sent, []);
  assert.deepEqual(calls, [['openLog', { execution: 'E-1', caseIndex: 3 }]]);
});

test('section 6 results are presented after the server answered; others pass through', async () => {
  const { ui, calls } = fakeUi();
  const next = async (command: string) => ({ from: command });
  const mw = clientMiddleware(ui);
  assert.deepEqual(await mw.executeCommand!('testany.showExecution', [{ execution: 'E-1' }], next), {
    from: 'testany.showExecution',
  });
  assert.deepEqual(await mw.executeCommand!('testany.runPipeline', [{ pipeline: 'P' }], next), {
    from: 'testany.runPipeline',
  });
  assert.deepEqual(await mw.executeCommand!('testany.recentFailures', [], next), { from: 'testany.recentFailures' });
  assert.deepEqual(calls, [
    ['present', 'testany.showExecution', { execution: 'E-1' }, { from: 'testany.showExecution' }],
    ['present', 'testany.recentFailures', {}, { from: 'testany.recentFailures' }],
  ]);
});

test('lenses arriving (after workspace/codeLens/refresh) refresh the case states', async () => {
  const { ui, calls } = fakeUi();
  const lenses = [{ range: {}, isResolved: true }];
  const provide = clientMiddleware(ui).provideCodeLenses!;
  const got = await provide({} as never, {} as never, async () => lenses as never);
  assert.equal(got, lenses);
  assert.deepEqual(calls, [['scheduleRefresh', 300]]);
});
