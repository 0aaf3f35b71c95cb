// Without a testany.toml the extension stays quiet: no status bar item, no notification,
// no test items, even with `testany:` markers in the files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionRoot, startWorkbench } from './workbench.mjs';

const artifacts = join(extensionRoot, '..', '..', 'target', 'artifacts');
let wb;
let project;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  project = mkdtempSync(join(tmpdir(), 'testany-e2e-quiet-'));
  writeFileSync(join(project, 'test_a.py'), '# testany: A1B2C3D4\ndef test_a():\n    assert True\n');
  wb = await startWorkbench({ extensionDevelopmentPath: extensionRoot, folderMountPath: project });
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
});

after(async () => {
  await wb?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

test('no testany.toml: no status item, notification, lens or test item', async () => {
  const page = wb.page;
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'test_a.py' }).first().click();
  await page.locator('.tab', { hasText: 'test_a.py' }).first().waitFor({ timeout: 60_000 });
  // Give activation (onStartupFinished) and a refresh cycle time to do anything.
  await page.waitForTimeout(6000);
  assert.equal(await page.locator('.statusbar-item', { hasText: /SHP|Testany|testany/ }).count(), 0);
  assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: /Testany/i }).count(), 0);
  assert.equal(await page.locator('.codelens-decoration').count(), 0);
  await page.screenshot({ path: join(artifacts, 'vscode-quiet.png') });
});
