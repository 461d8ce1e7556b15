// End-to-end test in a real VS Code (code-server + chromium) against `amlc emulator --seed`: the Explorer tree shows
// the emulator's computes, Stop from the context menu ends with the instance shown Stopped, an action the server
// refuses shows the server's words, Create from a spec adds the new compute, a spec error lands in Problems at the
// right line, and New Compute Spec opens a template. Each step saves a screenshot.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ARTIFACTS, RUN, closeWorkbench, extensionLogs, openWorkbench, serverPids, startEmulator } from './vscode.mjs';
import { createCluster, discoverWorkspace, listComputes } from './arm.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WS = path.join(RUN, 'ws');
const VIEW = 'Azure ML Compute';
const FOLDERS = Symbol('folders');
/** The emulator's default workspace (seeded), a second one in the same subscription, and one in another subscription. */
const SUB = '00000000-0000-0000-0000-000000000000';
const SECOND = { subscriptionId: SUB, resourceGroup: 'rg-e2e', workspaceName: 'ws-e2e-two', location: 'eastus' };
const EMULATOR_ARGS = [
  // Long enough to see an operation's progress notification (and its Cancel) before it ends.
  '--op-seconds', '4',
  '--workspace', `${SUB}/rg/ws`,
  '--workspace', `${SECOND.subscriptionId}/${SECOND.resourceGroup}/${SECOND.workspaceName}/${SECOND.location}`,
  '--workspace', '11111111-1111-1111-1111-111111111111/rg-other/ws-other',
];
const SECOND_CLUSTER = 'e2e-second-ws-cluster';

let emulator;
let server;
let browser;
let page;
let workspace;
let seeded = [];
let step = 0;
/** Set once the tree shows the computes; the tree steps after it skip (rather than time out) without it. */
let treeShown = false;

async function shot(name) {
  step += 1;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`) });
}

/** The tree item for a compute; its accessible name is "name, description" (see model.ts). */
const computeItem = (name, rest = '') =>
  page.getByRole('treeitem', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, ${rest}`) });

async function contextMenu(target, label) {
  await target.click({ button: 'right' });
  const entry = page.locator('.context-view .action-item .action-label', { hasText: new RegExp(`^${label}$`) });
  try {
    await entry.first().waitFor();
  } catch (e) {
    await shot(`menu-without-${label.replace(/[^A-Za-z]+/g, '-').toLowerCase()}`);
    // Close the menu, or it swallows the next step's clicks.
    await page.keyboard.press('Escape');
    throw e;
  }
  await shot(`menu-${label.replace(/[^A-Za-z]+/g, '-').toLowerCase()}`);
  await entry.first().click();
}

/** The folder pane's header is titled with the folder name; it is always the Explorer's first pane. */
const foldersHeader = () => page.locator('[id="workbench.view.explorer"] .pane-header').first();

async function setPaneExpanded(title, expanded) {
  const header = title === FOLDERS ? foldersHeader() : page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor();
  if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
}

/** A file under compute/ in the folder pane, with the pane and the folder expanded. */
async function specFile(name) {
  await setPaneExpanded(FOLDERS, true);
  const folderView = page.locator('.explorer-folders-view');
  const folder = folderView.getByRole('treeitem', { name: 'compute' });
  await folder.waitFor();
  if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
  const file = folderView.getByRole('treeitem', { name });
  await file.waitFor();
  return file;
}

describe('amlc extension in code-server against amlc emulator', () => {
  before(async () => {
    emulator = await startEmulator(EMULATOR_ARGS);
    workspace = await discoverWorkspace(emulator.url);
    seeded = await listComputes(emulator.url, workspace);
    await createCluster(emulator.url, SECOND, SECOND_CLUSTER);
    fs.mkdirSync(WS, { recursive: true });
    fs.cpSync(path.join(HERE, 'fixtures'), WS, { recursive: true });
    const settings = { 'amlc.armEndpoint': emulator.url, 'amlc.auth': 'none' };
    if (workspace) {
      settings['amlc.workspace'] = workspace;
    }
    ({ server, browser, page } = await openWorkbench(WS, settings));
  });

  after(async () => {
    if (page) await shot('final').catch(() => {});
    await closeWorkbench({ server, browser });
    emulator?.stop();
    if (server) {
      for (const f of extensionLogs(server.userDataDir)) {
        fs.mkdirSync(ARTIFACTS, { recursive: true });
        fs.copyFileSync(f, path.join(ARTIFACTS, `log-${path.basename(path.dirname(f))}-${path.basename(f)}`));
      }
    }
  });

  it('shows the emulator computes in the Explorer tree', async () => {
    assert.ok(seeded.length > 0, 'the seeded emulator lists no computes');
    // Give the tree the whole side bar: the folder pane shares it.
    await setPaneExpanded(VIEW, true);
    await setPaneExpanded(FOLDERS, false);
    await page.locator('.pane-header', { hasText: VIEW }).locator('xpath=..').getByRole('treeitem').first().waitFor({ timeout: 60000 });
    for (const c of seeded) {
      await computeItem(c.name).waitFor({ timeout: 30000 });
    }
    await shot('tree');
    treeShown = true;
  });

  it('stops a running instance from the context menu and shows it Stopped', async (t) => {
    if (!treeShown) return t.skip('the tree never showed the computes (see the first failure)');
    const running = seeded.find((c) => c.computeType === 'ComputeInstance' && c.state === 'Running');
    assert.ok(running, 'the seeded emulator has no running compute instance');
    await contextMenu(computeItem(running.name, 'Running'), 'Stop');
    // The operation shows as a notification that can be cancelled (the server's cancellable $/progress).
    const toast = page.locator('.notification-toast', { hasText: `Stopping ${running.name}` }).first();
    await toast.waitFor({ timeout: 15000 });
    await toast.locator('.monaco-button', { hasText: 'Cancel' }).first().waitFor({ timeout: 5000 });
    await shot('stop-progress-cancellable');
    await computeItem(running.name, 'Stopped').waitFor({ timeout: 90000 });
    await shot('stopped');
  });

  it('shows the server\'s own words when it refuses an action', async (t) => {
    if (!treeShown) return t.skip('the tree never showed the computes (see the first failure)');
    const cluster = seeded.find((c) => c.computeType === 'AmlCompute');
    assert.ok(cluster, 'the seeded emulator has no cluster');
    await contextMenu(computeItem(cluster.name), 'Update Scale…');
    // The extension only reads whole numbers; that the minimum is not above the maximum is the server's rule.
    for (const [prompt, value] of [['Minimum number of nodes', '5'], ['Maximum number of nodes', '3'], ['Idle seconds', '']]) {
      const widget = page.locator('.quick-input-widget', { hasText: prompt });
      await widget.waitFor({ timeout: 15000 });
      const input = widget.locator('input').first();
      await input.fill(value);
      await input.press('Enter');
    }
    const words = `cannot scale '${cluster.name}': the minimum node count (5) is greater than the maximum (3)`;
    await page.locator('.notification-toast', { hasText: words }).first().waitFor({ timeout: 30000 });
    await shot('refused-by-server');
    await page.keyboard.press('Escape');
  });

  it('creates a compute from a spec and the new item appears', async (t) => {
    if (!treeShown) return t.skip('the tree never showed the computes (see the first failure)');
    await setPaneExpanded(VIEW, false);
    await contextMenu(await specFile('e2e-new-cluster.yml'), 'Create/Update Compute from This Spec');
    await setPaneExpanded(VIEW, true);
    await computeItem('e2e-new-cluster').waitFor({ timeout: 90000 });
    await page.locator('.notification-toast', { hasText: 'e2e-new-cluster' }).first().waitFor().catch(() => {});
    await shot('created');
  });

  it('shows a spec error in Problems at the right line', async () => {
    const text = fs.readFileSync(path.join(WS, 'compute', 'broken.yml'), 'utf8');
    const line = text.split('\n').findIndex((l) => l.startsWith('max_instances:')) + 1;
    assert.ok(line > 0);
    await (await specFile('broken.yml')).click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'max_instances: lots' }).waitFor();
    await page.keyboard.press('Control+Shift+M');
    const fileRow = page.locator('.markers-panel .monaco-tl-row', { hasText: 'broken.yml' });
    await fileRow.first().waitFor({ timeout: 60000 });
    const marker = page.locator('.markers-panel .monaco-tl-row', { hasText: `[Ln ${line}, Col` });
    await marker.first().waitFor({ timeout: 30000 });
    await shot('problems');
    // Rows come in order: a file row, then its markers. The marker must sit under broken.yml.
    const rows = await page.locator('.markers-panel .monaco-tl-row').allInnerTexts();
    let file = '';
    const underBroken = [];
    for (const r of rows) {
      if (!/\[Ln \d+, Col \d+\]/.test(r)) file = r;
      else if (file.includes('broken.yml')) underBroken.push(r);
    }
    assert.ok(underBroken.some((r) => r.includes(`[Ln ${line}, Col`)), `no marker at line ${line} under broken.yml:\n${rows.join('\n')}`);
  });

  it('opens a new compute spec from a template (New Compute Spec)', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Azure ML: New Compute Spec');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'New Compute Spec' }).first().click();
    // One template per compute type; the cluster's is ready to use as it is.
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Compute cluster' });
    await row.first().waitFor();
    await shot('new-spec-pick');
    await row.first().click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'type: amlcompute' }).first().waitFor({ timeout: 30000 });
    await shot('new-spec');
  });

  it('selects the second workspace with the pickers and shows its computes', async (t) => {
    if (!treeShown) return t.skip('the tree never showed the computes (see the first failure)');
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Azure ML: Select Workspace');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Select Workspace' }).first().click();
    // 1/2: two subscriptions, so the subscription picker shows; the one holding both workspaces is listed first.
    const subRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: SUB });
    await subRow.first().waitFor();
    await shot('pick-subscription');
    await subRow.first().click();
    // 2/2: the workspaces of that subscription, with location and resource group.
    const wsRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: SECOND.workspaceName });
    await wsRow.first().waitFor();
    assert.match(await wsRow.first().innerText(), /eastus · rg-e2e/);
    await shot('pick-workspace');
    await wsRow.first().click();
    await setPaneExpanded(VIEW, true);
    await page.getByRole('treeitem', { name: SECOND.workspaceName }).first().waitFor({ timeout: 30000 });
    await computeItem(SECOND_CLUSTER).waitFor({ timeout: 30000 });
    // The first workspace's computes are gone from the tree; the status bar names the new workspace.
    await computeItem(seeded[0].name).waitFor({ state: 'detached', timeout: 15000 });
    await page.locator('.statusbar-item', { hasText: SECOND.workspaceName }).first().waitFor();
    await shot('second-workspace');
    const saved = JSON.parse(fs.readFileSync(path.join(WS, '.vscode', 'settings.json'), 'utf8'));
    assert.deepEqual(saved['amlc.workspace'], { subscriptionId: SUB, resourceGroup: SECOND.resourceGroup, workspaceName: SECOND.workspaceName });
  });

  it('restarts the server after it is killed, and the tree comes back', async (t) => {
    if (!treeShown) return t.skip('the tree never showed the computes (see the first failure)');
    const before = serverPids();
    assert.equal(before.length, 1, `expected one amlc lsp process, found ${before.join(', ') || 'none'}`);
    process.kill(before[0], 'SIGKILL');
    const deadline = Date.now() + 30000;
    let after = [];
    while (Date.now() < deadline) {
      after = serverPids().filter((p) => !before.includes(p));
      if (after.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(after.length, 1, 'no new amlc lsp process within 30 s');
    // The restarted server starts with the settings of now: still the picked workspace.
    await setPaneExpanded(VIEW, true);
    await computeItem(SECOND_CLUSTER).waitFor({ timeout: 60000 });
    await shot('after-restart');
  });
});
