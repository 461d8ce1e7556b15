// Checks the progress view: amlc's operations get a cancellable notification whose Cancel sends
// `window/workDoneProgress/cancel` for the token; reports reach the notification; `end` closes it; other tokens stay
// in the status bar as vscode-languageclient shows them.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { ProgressView, isAmlcToken, type ProgressValue, type Token, type WithProgress } from '../src/progress';

function harness() {
  const handlers = new Map<Token, (v: ProgressValue) => void>();
  const cancels: Token[] = [];
  const shown: { location: string; title?: string; cancellable: boolean }[] = [];
  const reports: { message?: string; increment?: number }[] = [];
  let cancelListener: (() => void) | undefined;
  let finished: Promise<void> | undefined;
  const client = {
    onProgress: (token: Token, h: (v: ProgressValue) => void) => {
      handlers.set(token, h);
      return { dispose: () => handlers.delete(token) };
    },
    sendCancel: (token: Token) => cancels.push(token),
  };
  const withProgress: WithProgress = (options, task) => {
    shown.push(options);
    finished = task(
      { report: (v) => reports.push(v) },
      { onCancellationRequested: (l) => ((cancelListener = l), { dispose: () => (cancelListener = undefined) }) },
    );
  };
  return {
    client, withProgress, handlers, cancels, shown, reports,
    send: (token: Token, v: ProgressValue) => handlers.get(token)?.(v),
    clickCancel: () => cancelListener?.(),
    finished: () => finished,
  };
}

test('an amlc operation shows a cancellable notification and Cancel is sent to the server', async () => {
  const h = harness();
  const token = 'amlc/amlc.compute.stop/ci-1/3';
  new ProgressView(h.client, token, h.withProgress);
  h.send(token, { kind: 'begin', title: 'Stopping ci-1', cancellable: true });
  assert.deepEqual(h.shown, [{ location: 'notification', title: 'Stopping ci-1', cancellable: true }]);
  h.send(token, { kind: 'report', message: 'Stopping' });
  assert.deepEqual(h.reports, [{ message: 'Stopping' }]);
  h.clickCancel();
  assert.deepEqual(h.cancels, [token]);
  await h.finished();
  // After cancel the view no longer listens; a late end changes nothing.
  assert.equal(h.handlers.has(token), false);
});

test('end closes the notification; percentages become increments', async () => {
  const h = harness();
  new ProgressView(h.client, 'amlc/x/y/1', h.withProgress);
  h.send('amlc/x/y/1', { kind: 'begin', title: 'Creating y', cancellable: false, percentage: 10 });
  h.send('amlc/x/y/1', { kind: 'report', percentage: 40, message: 'half' });
  h.send('amlc/x/y/1', { kind: 'report', percentage: 30 });
  assert.deepEqual(h.reports, [{ message: undefined, increment: 10 }, { message: 'half', increment: 30 }, { message: undefined, increment: 0 }]);
  assert.equal(h.shown[0].cancellable, false);
  h.send('amlc/x/y/1', { kind: 'end' });
  await h.finished();
  assert.deepEqual(h.cancels, []);
  assert.equal(h.handlers.size, 0);
});

test("other tokens stay in the status bar", () => {
  const h = harness();
  new ProgressView(h.client, 42, h.withProgress);
  h.send(42, { kind: 'begin', title: 'Indexing', cancellable: true });
  assert.equal(h.shown[0].location, 'window');
  assert.equal(isAmlcToken('amlc/a'), true);
  assert.equal(isAmlcToken('other/amlc'), false);
  assert.equal(isAmlcToken(7), false);
});
