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
    runLocally: (result: unknown, arg: unknown) => {
      calls.push(['runLocally', result, arg]);
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

test("a test lens's testany.runLocally: the server's command is opened in a terminal", async () => {
  const { ui, calls } = fakeUi();
  const ref = {
    execution: 'SHP-0603-0000C',
    caseIndex: 0,
    testId: 'tests/api/test_orders.py::test_order_total_includes_tax',
  };
  const local = {
    argv: ['python', '-m', 'pytest', 'tests/api/test_orders.py::test_order_total_includes_tax'],
    cwd: '/w/shop',
  };
  const sent: unknown[] = [];
  const got = await clientMiddleware(ui).executeCommand!('testany.runLocally', [ref], async (command, args) => {
    sent.push([command, args]);
    return local;
  });
  assert.deepEqual(got, local);
  assert.deepEqual(sent, [['testany.runLocally', [ref]]]);
  assert.deepEqual(calls, [['runLocally', local, ref]]);
});
