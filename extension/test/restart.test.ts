// Checks the crash-restart policy: restarts up to the limit inside the window, then stops with a message that says
// what to do; exits older than the window are forgotten; a manual restart starts a fresh count.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { MAX_RESTARTS, RESTART_WINDOW_MS, RestartPolicy } from '../src/restart';

test('restarts up to the limit within the window, then gives up with a clear message', () => {
  const policy = new RestartPolicy();
  const t0 = 1_000_000;
  for (let i = 1; i <= MAX_RESTARTS; i++) {
    const d = policy.onExit(t0 + i * 1000);
    assert.equal(d.restart, true, `exit ${i}`);
    assert.equal(d.count, i);
    assert.match(d.message, new RegExp(`restarting it \\(${i}/${MAX_RESTARTS}\\)`));
  }
  const last = policy.onExit(t0 + 10_000);
  assert.equal(last.restart, false);
  assert.match(last.message, /crashed 6 times in 3 minutes and was not restarted/);
  assert.match(last.message, /Restart Language Server/);
});

test('exits older than the window no longer count', () => {
  const policy = new RestartPolicy(2, 1000);
  assert.equal(policy.onExit(0).restart, true);
  assert.equal(policy.onExit(500).restart, true);
  assert.equal(policy.onExit(900).restart, false);
  // 0 and 500 have left the window at 1600; 900 is still in it.
  const d = policy.onExit(1600);
  assert.deepEqual([d.restart, d.count], [true, 2]);
  assert.ok(RESTART_WINDOW_MS >= 60_000);
});

test('a manual restart resets the count', () => {
  const policy = new RestartPolicy(1, 60_000);
  assert.equal(policy.onExit(1).restart, true);
  assert.equal(policy.onExit(2).restart, false);
  policy.reset();
  assert.equal(policy.onExit(3).restart, true);
});
