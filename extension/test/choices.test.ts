// Checks the idle-shutdown choices and parsing, scale input checks, token expiry and the SSH terminal argv.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { idleChoices, NO_LIMITS, parseIdleMinutes, parseScale, sshDestination, sshTerminal, tokenExpiry } from '../src/choices';
import type { Limits } from '../src/lsp_ext';

// What the server sends in `amlc/listComputes` (the workflow's limits); the extension keeps no copy of them.
const LIMITS: Limits = { idleShutdownMinutes: { min: 15, max: 4320 }, nodes: { min: 0, max: null } };

test('idle-shutdown choices stay inside the range the server sends, ascending', () => {
  const minutes = idleChoices(LIMITS).map((c) => c.minutes);
  assert.equal(minutes[0], 15);
  assert.equal(minutes[minutes.length - 1], 3 * 24 * 60);
  assert.deepEqual([...minutes].sort((a, b) => a - b), minutes);
  for (const c of idleChoices(LIMITS)) assert.deepEqual(parseIdleMinutes(c.label, LIMITS), { minutes: c.minutes }, c.label);
  const narrow: Limits = { ...LIMITS, idleShutdownMinutes: { min: 60, max: 120 } };
  assert.deepEqual(idleChoices(narrow).map((c) => c.minutes), [60, 120]);
});

test('custom idle durations', () => {
  const ok: [string, number][] = [['15', 15], ['90m', 90], [' 2h ', 120], ['1.5h', 90], ['3d', 4320], ['45 minutes', 45], ['1 day', 1440]];
  for (const [input, minutes] of ok) assert.deepEqual(parseIdleMinutes(input, LIMITS), { minutes }, input);
  for (const bad of ['14', '0', '4321', '4d', 'soon', '', '-20', '10.5']) {
    const r = parseIdleMinutes(bad, LIMITS);
    assert.ok('error' in r, bad);
    assert.match(r.error, /from 15 minutes to 3 days/, bad);
  }
  // Without limits from the server, the input takes any whole number and the server's refusal says what is wrong.
  assert.deepEqual(parseIdleMinutes('5', NO_LIMITS), { minutes: 5 });
});

test('scale inputs', () => {
  assert.deepEqual(parseScale('0', '4', '', LIMITS), { args: { minInstances: 0, maxInstances: 4 } });
  assert.deepEqual(parseScale(' 1 ', '2', '120', LIMITS), { args: { minInstances: 1, maxInstances: 2, idleSecondsBeforeScaleDown: 120 } });
  // A cluster may be held at zero nodes, as `amlc check` accepts `max_instances: 0`.
  assert.deepEqual(parseScale('0', '0', '', LIMITS), { args: { minInstances: 0, maxInstances: 0 } });
  // How the two counts relate is the server's rule: it is sent, and refused there in the server's words.
  assert.deepEqual(parseScale('5', '3', '', LIMITS), { args: { minInstances: 5, maxInstances: 3 } });
  const errors: [string, string, string, RegExp][] = [
    ['x', '4', '', /Minimum/],
    ['-1', '4', '', /Minimum/],
    ['0', 'y', '', /Maximum instances must be a whole number, 0 or more/],
    ['0', '2', '1.5', /Idle seconds/],
  ];
  for (const [min, max, idle, re] of errors) {
    const r = parseScale(min, max, idle, LIMITS);
    assert.ok('error' in r && re.test(r.error), `${min}/${max}/${idle}`);
  }
});

test('token expiry comes from the JWT exp claim, with a safe fallback', () => {
  const now = 1_767_225_600;
  const payload = Buffer.from(JSON.stringify({ aud: 'https://management.azure.com', exp: now + 3599 })).toString('base64url');
  assert.equal(tokenExpiry(`eyJhbGciOiJub25lIn0.${payload}.sig`, now), now + 3599);
  assert.equal(tokenExpiry('opaque-token', now), now + 3000);
  assert.equal(tokenExpiry('a.!!!.c', now), now + 3000);
  const expired = Buffer.from(JSON.stringify({ exp: now - 10 })).toString('base64url');
  assert.equal(tokenExpiry(`h.${expired}.s`, now), now + 3000);
});

test('the SSH argv becomes a terminal; garbage does not', () => {
  assert.deepEqual(sshTerminal('ci', ['ssh', '-p', '50000', 'azureuser@1.2.3.4']), {
    name: 'SSH: ci', shellPath: 'ssh', shellArgs: ['-p', '50000', 'azureuser@1.2.3.4'],
  });
  for (const bad of [[], null, 'ssh host', [''], ['ssh', 3]]) assert.equal(sshTerminal('ci', bad), undefined);
});

test('the SSH destination for Remote-SSH', () => {
  assert.deepEqual(sshDestination(['ssh', '-p', '50000', 'azureuser@1.2.3.4']), { host: 'azureuser@1.2.3.4', port: 50000 });
  assert.deepEqual(sshDestination(['/usr/bin/ssh', '-i', '/k', 'u@h']), { host: 'u@h' });
  assert.equal(sshDestination(['ssh', 'u@h', 'uptime']), undefined);
  // The server puts `--` before the destination, so nothing after it is read as an option.
  assert.deepEqual(sshDestination(['ssh', '-p', '22', '--', 'azureuser@1.2.3.4']), { host: 'azureuser@1.2.3.4', port: 22 });
  assert.equal(sshDestination(['ssh', '--', 'u@h', 'uptime']), undefined);
  assert.equal(sshDestination(['az', 'ml', 'compute', 'connect-ssh']), undefined);
});
