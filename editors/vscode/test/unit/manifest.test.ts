// package.json against the code that reads it (issue 18, VS Code conventions): settings
// named the VS Code way, the old names declared deprecated, the walkthrough's media there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RENAMED, SETTINGS } from '../../src/shared/settings';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    configuration: { properties: Record<string, { markdownDeprecationMessage?: string }> };
    walkthroughs: { id: string; steps: { id: string; media: { markdown?: string }; completionEvents: string[] }[] }[];
  };
};
const properties = manifest.contributes.configuration.properties;

test('every setting the extension reads is declared, camelCase, under testany.', () => {
  for (const [setting] of SETTINGS) {
    assert.ok(properties[`testany.${setting}`], `testany.${setting} is declared`);
    assert.doesNotMatch(setting, /_/, `${setting} is camelCase`);
  }
  const current = Object.keys(properties).filter((k) => !properties[k].markdownDeprecationMessage);
  assert.deepEqual(current, [
    'testany.url',
    'testany.workspace',
    'testany.pipelines',
    'testany.environment',
    'testany.logDomain',
    'testany.history',
    'testany.poll.runningSecs',
    'testany.poll.idleSecs',
    'testany.cases',
    'testany.serverPath',
    'testany.trace.server',
  ]);
});

test('the old setting names are declared deprecated and point at their new names', () => {
  for (const [old, renamed] of RENAMED) {
    assert.equal(
      properties[`testany.${old}`]?.markdownDeprecationMessage,
      `Renamed to \`#testany.${renamed}#\`; moved there when the extension starts.`,
    );
  }
});

test('the walkthrough: token, project, first lens, each with its markdown media', () => {
  const [walkthrough] = manifest.contributes.walkthroughs;
  assert.equal(walkthrough.id, 'testany.gettingStarted');
  assert.deepEqual(
    walkthrough.steps.map((s) => [s.id, s.media.markdown, s.completionEvents]),
    [
      ['testany.setToken', 'media/walkthrough/token.md', ['onCommand:testany.setToken']],
      ['testany.openProject', 'media/walkthrough/project.md', ['onContext:testany.hasProject']],
      ['testany.firstLens', 'media/walkthrough/lens.md', ['onContext:testany.hasResults']],
    ],
  );
  for (const step of walkthrough.steps) assert.ok(existsSync(join(root, step.media.markdown ?? '')), step.id);
});
