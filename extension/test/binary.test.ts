// Checks where the extension looks for the amlc binary and how it judges the binary's version.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { findServer, parseVersion, serverCandidates, versionCompatible } from '../src/binary';

test('setting, then bundled, then PATH', () => {
  const c = serverCandidates({ settingPath: '', extensionDir: '/ext', pathEnv: '/usr/local/bin::/usr/bin', platform: 'linux' });
  assert.deepEqual(c, [
    { path: '/ext/server/amlc', source: 'bundled' },
    { path: '/usr/local/bin/amlc', source: 'PATH' },
    { path: '/usr/bin/amlc', source: 'PATH' },
  ]);
  const exists = new Set(['/usr/bin/amlc']);
  assert.deepEqual(findServer(c, (p) => exists.has(p)), { path: '/usr/bin/amlc', source: 'PATH' });
  exists.add('/ext/server/amlc');
  assert.equal(findServer(c, (p) => exists.has(p))?.source, 'bundled');
  assert.equal(findServer(c, () => false), undefined);
});

test('an explicit setting is the only candidate, relative paths resolve against the folder', () => {
  assert.deepEqual(serverCandidates({ settingPath: '/opt/amlc', extensionDir: '/ext', pathEnv: '/usr/bin', platform: 'linux' }), [
    { path: '/opt/amlc', source: 'setting' },
  ]);
  assert.deepEqual(
    serverCandidates({ settingPath: 'target/debug/amlc', extensionDir: '/ext', pathEnv: '', platform: 'linux', workspaceFolder: '/ws' }),
    [{ path: '/ws/target/debug/amlc', source: 'setting' }],
  );
});

test('version parsing and compatibility', () => {
  assert.deepEqual(parseVersion('amlc 0.1.0\n'), [0, 1, 0]);
  assert.deepEqual(parseVersion('amlc 1.12.3-dev'), [1, 12, 3]);
  assert.equal(parseVersion('amlc: not a version'), undefined);
  assert.equal(versionCompatible([0, 1, 7], [0, 1, 0]), true);
  assert.equal(versionCompatible([0, 2, 0], [0, 1, 0]), false);
  assert.equal(versionCompatible([1, 4, 0], [1, 0, 0]), true);
  assert.equal(versionCompatible([2, 0, 0], [1, 0, 0]), false);
});
