// End-to-end check of the first-run path: with no workspace configured the Explorer view shows its welcome, and
// "Use the local emulator" starts `amlc emulator --seed` from the extension and fills the tree with its computes.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ARTIFACTS, RUN, closeWorkbench, expandComputeView, openWorkbench } from './vscode.mjs';

const WS = path.join(RUN, 'ws-welcome');
let server;
let browser;
let page;

async function shot(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `80-${name}.png`) });
}

describe('amlc extension with no workspace configured', () => {
  before(async () => {
    // An empty folder: no .azureml/config.json, no amlc settings, so the server has no workspace.
    ({ server, browser, page } = await openWorkbench(WS, {}));
  });

  after(async () => {
    // The emulator the extension started runs in code-server's process group, so this stops it too.
    await closeWorkbench({ server, browser });
  });

  it('shows the welcome view, and "Use the local emulator" fills the tree', async () => {
    await expandComputeView(page);
    const welcome = page.locator('.welcome-view-content', { hasText: 'No Azure ML workspace is selected' }).first();
    try {
      await welcome.waitFor({ timeout: 60000 });
    } finally {
      await shot('welcome');
    }
    await welcome.locator('a, .monaco-button', { hasText: 'Use the local emulator' }).first().click();
    const start = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Start a local emulator' });
    await start.first().waitFor();
    await start.first().click();
    // The seeded emulator's default workspace and one of its computes.
    await page.getByRole('treeitem', { name: 'ws' }).first().waitFor({ timeout: 60000 });
    await page.getByRole('treeitem', { name: /^ci-running, / }).waitFor({ timeout: 30000 });
    await shot('emulator-tree');
    const saved = JSON.parse(fs.readFileSync(path.join(WS, '.vscode', 'settings.json'), 'utf8'));
    assert.match(saved['amlc.armEndpoint'], /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(saved['amlc.auth'], 'none');
  });
});
