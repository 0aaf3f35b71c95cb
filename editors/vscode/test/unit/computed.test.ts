// The log viewer's rendering of a testany/logView result (webview/src/computed.ts): the
// server's text, spans, failure lines and frames as the same markup the wasm view makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ComputedLog, paletteIndex, styleClasses, type LogViewResult } from '../../webview/src/computed';

const plain = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };

const VIEW: LogViewResult = {
  uri: 'file:///cache/testany/logs/E-1/4.log',
  text: [
    'collected 1 item',
    'E   AssertionError: <b>&"x\'',
    '/builds/a/tests/test_login.py:21: AssertionError',
    'done',
  ].join('\n'),
  styles: [
    {
      line: 1,
      spans: [
        { text: 'E   ', style: { ...plain, fg: { kind: 'basic', index: 9 }, bold: true } },
        { text: 'AssertionError: <b>&"x\'', style: plain },
      ],
    },
  ],
  failureLines: [2, 1, 2, 99],
  firstFailure: 2,
  frames: [{ logLine: 2, uri: 'file:///w/tests/test_login.py', line: 20, column: null }],
};

test('colours map to the 256-colour classes of ansi.css, as the wasm view maps them', () => {
  assert.equal(paletteIndex({ kind: 'basic', index: 9 }), 9);
  assert.equal(paletteIndex({ kind: 'indexed', index: 208 }), 208);
  assert.equal(paletteIndex({ kind: 'rgb', r: 255, g: 0, b: 0 }), 196);
  assert.equal(paletteIndex({ kind: 'rgb', r: 95, g: 135, b: 175 }), 67);
  assert.equal(paletteIndex({ kind: 'rgb', r: 47, g: 48, b: 114 }), 16 + 6 * 1 + 1);
  assert.equal(
    styleClasses({
      ...plain,
      fg: { kind: 'basic', index: 1 },
      bg: { kind: 'indexed', index: 17 },
      dim: true,
      inverse: true,
    }),
    'ansi-fg-1 ansi-bg-17 ansi-dim ansi-inverse',
  );
});

test('lines render with the server failure lines, spans and frame links, text escaped', () => {
  const log = new ComputedLog(VIEW);
  assert.equal(log.lineCount(), 4);
  assert.deepEqual([...log.failureLines()], [1, 2]);
  assert.equal(
    log.renderLines(0, 10),
    [
      '<div class="l" data-line="0"><span class="g">1</span><span class="t">collected 1 item</span></div>',
      '<div class="l fail" data-line="1"><span class="g">2</span><span class="t"><span class="ansi-fg-9 ansi-bold">E   </span>AssertionError: &lt;b&gt;&amp;&quot;x&#39;</span></div>',
      '<div class="l fail" data-line="2"><span class="g">3</span><span class="t"><span class="loc" role="link" tabindex="0" data-loc="0">/builds/a/tests/test_login.py:21: AssertionError</span></span></div>',
      '<div class="l" data-line="3"><span class="g">4</span><span class="t">done</span></div>',
    ].join(''),
  );
  assert.deepEqual(log.locations(), [
    { uri: 'file:///w/tests/test_login.py', path: 'file:///w/tests/test_login.py', line: 21, column: null, logLine: 2 },
  ]);
  assert.deepEqual(log.failures(), [
    { line: 1, message: 'E   AssertionError: <b>&"x\'', category: '' },
    { line: 2, message: '/builds/a/tests/test_login.py:21: AssertionError', category: '' },
  ]);
});

test('search: plain, regex, (?i), a range; an invalid regex throws', () => {
  const log = new ComputedLog(VIEW);
  assert.deepEqual([...log.searchRange('Assertion', false, 0, 4)], [1, 2]);
  assert.deepEqual([...log.searchRange('assertion', false, 0, 4)], []);
  assert.deepEqual([...log.searchRange('(?i)^e\\s', true, 0, 4)], [1]);
  assert.deepEqual([...log.searchRange(':\\d+:', true, 0, 2)], []);
  assert.deepEqual([...log.searchRange('', false, 0, 4)], []);
  assert.throws(() => log.searchRange('(', true, 0, 4), SyntaxError);
  assert.equal(new ComputedLog({ ...VIEW, text: '', styles: [], failureLines: [0], frames: [] }).lineCount(), 0);
});
