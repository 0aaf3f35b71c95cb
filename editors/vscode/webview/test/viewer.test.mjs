// Playwright (playwright-core + Debian Chromium) test of the log viewer page on a
// generated 100 MiB log. Run by `npm test` (after `npm run build`); screenshots go to
// target/artifacts/ (or $TESTANY_ARTIFACTS).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOSTILE, artifacts, generateLog, launch, serve } from './lib.mjs';

const MIB = 1024 * 1024;
const size = Number(process.env.VIEWER_TEST_MIB ?? 100) * MIB;
const tmp = mkdtempSync(join(tmpdir(), 'testany-viewer-'));
const results = [];
const check = async (name, fn) => {
  const t0 = Date.now();
  try {
    await fn();
    results.push(name);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`FAIL ${name}`);
    throw e;
  }
};

const log = generateLog(join(tmp, 'big.log'), size);
console.log(`generated ${(log.bytes / MIB).toFixed(1)} MiB, ${log.lines} lines, ${log.failures.length} failures`);
const server = await serve({ '/big.log': log.path });
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const opened = [];
  await page.exposeFunction('reportLocation', (loc) => opened.push(loc));

  await check('the page loads a 100 MiB log from ?log= and paints', async () => {
    await page.goto(`${server.url}/?log=/big.log`);
    await page.waitForSelector('#lines .l', { timeout: 60_000 });
    await page.evaluate(() => {
      window.testanyViewer.onOpenLocation = (loc) => window.reportLocation(loc);
    });
    await page.waitForFunction(() => window.testanyViewer.state().ready, null, { timeout: 120_000 });
    const state = await page.evaluate(() => window.testanyViewer.state());
    assert.equal(state.lineCount, log.lines);
    await page.screenshot({ path: join(artifacts, 'viewer-top.png') });
  });

  await check('hostile HTML renders as text and runs nothing', async () => {
    const rows = await page.evaluate((lines) => lines.map((n) => {
      const row = document.querySelector(`#lines .l[data-line="${n}"] .t`);
      return row ? row.textContent : null;
    }), log.hostileLines.slice(0, 3));
    assert.deepEqual(rows, HOSTILE);
    const injected = await page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      elements: document.querySelectorAll('#lines script, #lines img, #lines b').length,
    }));
    assert.deepEqual(injected, { pwned: null, elements: 0 });
  });

  await check('ANSI colours become classes', async () => {
    const cls = await page.$eval('#lines .l[data-line="4"] .t span', (s) => s.className);
    assert.equal(cls, 'ansi-fg-2');
  });

  await check('failures: count, categories, gutter marks', async () => {
    const failures = await page.evaluate(() => window.testanyViewer.failures());
    assert.deepEqual(failures.map((f) => f.line), log.failures.map((f) => f.line));
    assert.ok(failures.every((f) => f.category === 'assertion'));
    const label = await page.textContent('#fail-count');
    assert.equal(label, `${log.failures.length} failures`);
  });

  await check('n and F8 jump to the next failure, N and Shift+F8 back', async () => {
    await page.click('#scroller', { position: { x: 600, y: 300 } });
    await page.keyboard.press('n');
    const current = () => page.$eval('#lines .l.current', (r) => Number(r.dataset.line));
    assert.equal(await current(), log.failures[0].line);
    assert.ok(await page.$eval('#lines .l.current', (r) => r.classList.contains('fail')));
    await page.keyboard.press('F8');
    assert.equal(await current(), log.failures[1].line);
    await page.keyboard.press('Shift+F8');
    assert.equal(await current(), log.failures[0].line);
    await page.keyboard.press('Shift+N'); // wraps to the last failure
    assert.equal(await current(), log.failures.at(-1).line);
    await page.keyboard.press('n'); // and back to the first
    assert.equal(await current(), log.failures[0].line);
    await page.screenshot({ path: join(artifacts, 'viewer-failure.png') });
  });

  await check('a stack-frame click calls back with {path, line}', async () => {
    const f = log.failures[0];
    await page.click(`#lines .l[data-line="${f.line}"] .loc`);
    await page.waitForFunction(() => true);
    assert.deepEqual(opened.at(-1), { path: f.path, line: f.lineNo, column: 11 });
  });

  await check('plain search counts matching lines', async () => {
    await page.fill('#search', 'needle-failure');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => / of \d+ matching line/.test(document.getElementById('count').textContent), null, {
      timeout: 120_000,
    });
    const label = await page.textContent('#count');
    assert.match(label, new RegExp(`of ${log.failures.length} matching lines$`));
    const matchCount = await page.evaluate(() => window.testanyViewer.search('needle-failure', false));
    assert.equal(matchCount, log.failures.length);
    const all = await page.evaluate(() => window.testanyViewer.search('step', false));
    assert.equal(all, log.steps);
  });

  await check('regex search counts, and an invalid regex is reported', async () => {
    await page.check('#regex');
    await page.fill('#search', String.raw`case_\d+\.test\.ts:\d+:11\)$`);
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => / of \d+ matching line/.test(document.getElementById('count').textContent), null, {
      timeout: 120_000,
    });
    assert.match(await page.textContent('#count'), new RegExp(`of ${log.failures.length} matching lines$`));
    await page.screenshot({ path: join(artifacts, 'viewer-search.png') });
    await page.fill('#search', '(unclosed');
    await page.press('#search', 'Enter');
    await page.waitForFunction(() => document.getElementById('count').classList.contains('error'));
    const err = await page.textContent('#count');
    assert.match(err, /^invalid regular expression: /);
    assert.ok(await page.$eval('#count', (c) => c.classList.contains('error')));
    await page.fill('#search', '');
    await page.uncheck('#regex');
  });

  await check('scrolls to the very end', async () => {
    await page.click('#scroller', { position: { x: 600, y: 300 } });
    await page.keyboard.press('Control+End');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const last = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#lines .l')];
      const scroller = document.getElementById('scroller').getBoundingClientRect();
      const row = rows.at(-1);
      const box = row.getBoundingClientRect();
      return {
        line: Number(row.dataset.line),
        text: row.querySelector('.t').textContent,
        visible: box.top >= scroller.top && box.bottom <= scroller.bottom + 1,
      };
    });
    assert.deepEqual(last, { line: log.lines - 1, text: log.lastLine, visible: true });
    const endHostile = await page.$eval(
      `#lines .l[data-line="${log.hostileLines[3]}"] .t`,
      (t) => t.textContent,
    );
    assert.equal(endHostile, HOSTILE[0]);
    await page.screenshot({ path: join(artifacts, 'viewer-end.png') });
  });

  await check('load(text, line) makes a line past the first chunk current and shows it', async () => {
    // 200,000 lines (~2.6 MB): line 150,000 is indexed only after the first paint.
    const state = await page.evaluate(async () => {
      const text = Array.from({ length: 200000 }, (_, i) => `row ${i}`).join('\n');
      await window.testanyViewer.load(text, 150000);
      const lines = document.getElementById('lines');
      const busyWhileLoading = lines.getAttribute('aria-busy');
      await window.testanyViewer.whenReady();
      const busyWhenReady = lines.getAttribute('aria-busy');
      await new Promise((r) => requestAnimationFrame(() => r()));
      const rows = [...document.querySelectorAll('#lines .l.current')];
      const sc = document.getElementById('scroller').getBoundingClientRect();
      return {
        busy: [busyWhileLoading, busyWhenReady],
        current: window.testanyViewer.state().currentLine,
        rows: rows.map((r) => {
          const box = r.getBoundingClientRect();
          return {
            line: r.dataset.line,
            text: r.querySelector('.t').textContent,
            visible: box.top >= sc.top && box.bottom <= sc.bottom,
          };
        }),
      };
    });
    assert.deepEqual(state, {
      busy: ['true', 'false'],
      current: 150000,
      rows: [{ line: '150000', text: 'row 150000', visible: true }],
    });
  });

  await check('in a VS Code webview: the server\'s log view by postMessage, links posted to the host', async () => {
    const vs = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    vs.on('pageerror', (e) => errors.push(String(e)));
    await vs.addInitScript(() => {
      window.__posted = [];
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m) });
    });
    await vs.goto(`${server.url}/`);
    await vs.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    // A `testany/logView` result as the language server sends it: 400 filler lines
    // first, so `firstFailure` needs a scroll; the server's failure lines (401: a frame
    // line) and styles are rendered as given, nothing is re-read from the text.
    const filler = Array.from({ length: 400 }, (_, i) => `step ${i} ok`);
    const plain = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };
    const view = {
      uri: 'file:///cache/testany/logs/SHP-1-00001/0.log',
      text: [
        ...filler,
        'Error: expect(received).toBe(expected)',
        '    at Object.<anonymous> (/w/shop/src/cart.test.ts:17:11)',
        '<script>window.__pwned = 9</script>',
      ].join('\n'),
      styles: [
        {
          line: 400,
          spans: [
            { text: 'Error:', style: { ...plain, fg: { kind: 'basic', index: 1 }, bold: true } },
            { text: ' expect(received).toBe(expected)', style: { ...plain, fg: { kind: 'rgb', r: 255, g: 0, b: 0 } } },
          ],
        },
      ],
      failureLines: [400, 401],
      firstFailure: 401,
      frames: [{ logLine: 401, uri: 'file:///w/shop/src/cart.test.ts', line: 16, column: 11 }],
    };
    await vs.evaluate((v) => window.postMessage({ type: 'view', title: 'cart', view: v }, '*'), view);
    await vs.waitForSelector('#lines .l.current');
    const current = await vs.$$eval('#lines .l.current', (rows) =>
      rows.map((r) => {
        const box = r.getBoundingClientRect();
        const sc = document.getElementById('scroller').getBoundingClientRect();
        return { line: r.dataset.line, visible: box.top >= sc.top && box.bottom <= sc.bottom };
      }),
    );
    assert.deepEqual(current, [{ line: '401', visible: true }]);
    assert.equal(await vs.evaluate(() => window.testanyViewer.state().currentLine), 401);
    assert.deepEqual(await vs.$$eval('#lines .l.fail', (rows) => rows.map((r) => r.dataset.line)), ['400', '401']);
    assert.equal(await vs.textContent('#fail-count'), '2 failures');
    assert.deepEqual(
      await vs.$$eval('#lines .l[data-line="400"] .t span', (spans) => spans.map((s) => [s.className, s.textContent])),
      [
        ['ansi-fg-1 ansi-bold', 'Error:'],
        ['ansi-fg-196', ' expect(received).toBe(expected)'],
      ],
    );
    // n/F8 stop at the server's failure lines: from 401 forward wraps to 400.
    assert.equal(await vs.evaluate(() => window.testanyViewer.nextFailure()), 400);
    await vs.click('#lines .l[data-line="401"] .loc');
    const posted = await vs.evaluate(() => window.__posted.filter((m) => m.type === 'openLocation'));
    assert.deepEqual(posted, [{ type: 'openLocation', uri: 'file:///w/shop/src/cart.test.ts', line: 16 }]);
    assert.equal(await vs.evaluate(() => window.__pwned ?? null), null);
    assert.equal(await vs.textContent('#lines .l[data-line="402"] .t'), '<script>window.__pwned = 9</script>');
    // The server read the log: the page never loaded the wasm.
    assert.equal(await vs.evaluate(() => window.testanyViewer.state().wasmMemoryBytes), 0);
    await vs.screenshot({ path: join(artifacts, 'viewer-vscode.png') });
    await vs.close();
  });

  await check('no script errors and no CSP violations', async () => {
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${results.length} checks passed; screenshots in ${artifacts}`);
