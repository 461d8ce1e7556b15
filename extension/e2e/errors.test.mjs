// End-to-end check of the failure path: with amlc.server.path pointing nowhere, the extension says so plainly,
// offers "Show log", and the Explorer view shows its "server is not running" welcome instead of an empty pane.
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { ARTIFACTS, RUN, closeWorkbench, expandComputeView, openWorkbench } from './vscode.mjs';

const WS = path.join(RUN, 'ws-missing-server');
let server;
let browser;
let page;

describe('amlc extension when the server binary is missing', () => {
  before(async () => {
    fs.mkdirSync(WS, { recursive: true });
    fs.writeFileSync(path.join(WS, 'cluster.yml'), 'type: amlcompute\nname: c\n');
    ({ server, browser, page } = await openWorkbench(WS, { 'amlc.server.path': path.join(WS, 'no-such-amlc') }));
  });

  after(async () => {
    await closeWorkbench({ server, browser });
  });

  it('says the server was not found, with Show log, and the view offers a restart', async () => {
    await expandComputeView(page);
    const toast = page.locator('.notification-toast', { hasText: 'was not found at' });
    await toast.first().waitFor({ timeout: 60000 });
    await toast.first().locator('.monaco-button', { hasText: 'Show log' }).waitFor();
    await page.locator('.welcome-view-content', { hasText: 'not running' }).first().waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, '90-server-missing.png') });
    await toast.first().locator('.monaco-button', { hasText: 'Show log' }).click();
    await page.locator('.output-view, .panel', { hasText: 'no amlc binary found at' }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '91-server-log.png') });
  });
});
