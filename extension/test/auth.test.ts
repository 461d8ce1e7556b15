// Checks the answer to `amlc/getToken`: the ARM scope is what VS Code is asked for, a sign-in pops up only with
// auth "vscode", failures are plain words, and the token appears in no log line and no error.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { ARM_SCOPE, answerGetToken, tokenScopes, type GetSession } from '../src/auth';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const NOW = 1_800_000_000;
const TOKEN = `${b64({ alg: 'none' })}.${b64({ exp: NOW + 3600, oid: 'x' })}.SECRET-SIGNATURE-abc123`;

function recorder(result: 'session' | 'none' | 'throw') {
  const calls: { provider: string; scopes: string[]; options: object }[] = [];
  const get: GetSession = async (provider, scopes, options) => {
    calls.push({ provider, scopes, options });
    if (result === 'throw') throw new Error('User did not consent to login.');
    return result === 'session' ? { accessToken: TOKEN, account: { label: 'ada@example.com' } } : undefined;
  };
  return { get, calls };
}

test('asks the microsoft provider for the ARM scope and returns the token with its expiry', async () => {
  const { get, calls } = recorder('session');
  const logs: string[] = [];
  const answer = await answerGetToken({ scopes: [ARM_SCOPE] }, 'auto', get, (l) => logs.push(l), NOW);
  assert.deepEqual(calls, [{ provider: 'microsoft', scopes: ['https://management.azure.com/.default'], options: { silent: true } }]);
  assert.ok('result' in answer);
  assert.equal(answer.result.token, TOKEN);
  assert.equal(answer.result.expiresOnUnixSeconds, NOW + 3600);
  assert.ok(logs.some((l) => l.includes('ada@example.com')));
  for (const l of logs) assert.ok(!l.includes('SECRET-SIGNATURE') && !l.includes(TOKEN), `token in log: ${l}`);
});

test('only auth "vscode" may show a sign-in', async () => {
  const { get, calls } = recorder('session');
  await answerGetToken({ scopes: [ARM_SCOPE] }, 'vscode', get, () => {}, NOW);
  assert.deepEqual(calls[0].options, { createIfNone: true });
});

test('missing or odd scopes fall back to the ARM scope', () => {
  assert.deepEqual(tokenScopes(undefined), [ARM_SCOPE]);
  assert.deepEqual(tokenScopes({ scopes: [] }), [ARM_SCOPE]);
  assert.deepEqual(tokenScopes({ scopes: ['openid', 'http://evil.example/.default'] }), [ARM_SCOPE]);
  assert.deepEqual(tokenScopes({ scopes: ['https://management.core.windows.net/.default'] }), ['https://management.core.windows.net/.default']);
});

test('no session or a failed sign-in becomes a plain error, without any token', async () => {
  const logs: string[] = [];
  const none = await answerGetToken({ scopes: [ARM_SCOPE] }, 'auto', recorder('none').get, (l) => logs.push(l), NOW);
  assert.ok('error' in none);
  assert.match(none.error, /No Microsoft account is signed in/);
  const failed = await answerGetToken({ scopes: [ARM_SCOPE] }, 'vscode', recorder('throw').get, (l) => logs.push(l), NOW);
  assert.ok('error' in failed);
  assert.match(failed.error, /VS Code sign-in failed: User did not consent/);
  assert.equal(logs.length, 2);
});
