// Checks when the tree polls by itself: right after an action, while something is transient, and not otherwise.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { FAST_POLL_MS, GRACE_MS, MAX_WATCH_MS, SLOW_POLL_MS, nextPollDelay, startWatch } from '../src/poll';

test('idle tree without an action does not poll', () => {
  assert.equal(nextPollDelay(1000, undefined, false), undefined);
});

test('a transient compute is polled slowly even without an action', () => {
  assert.equal(nextPollDelay(1000, undefined, true), SLOW_POLL_MS);
});

test('after an action: fast during the grace period even if nothing looks busy, then only while busy', () => {
  const w = startWatch(0);
  assert.equal(nextPollDelay(1, w, false), FAST_POLL_MS);
  assert.equal(nextPollDelay(GRACE_MS - 1, w, false), FAST_POLL_MS);
  assert.equal(nextPollDelay(GRACE_MS, w, false), undefined);
  assert.equal(nextPollDelay(GRACE_MS + 60_000, w, true), FAST_POLL_MS);
  assert.equal(nextPollDelay(MAX_WATCH_MS + 1, w, true), SLOW_POLL_MS);
  assert.equal(nextPollDelay(MAX_WATCH_MS + 1, w, false), undefined);
});
