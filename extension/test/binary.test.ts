// Checks where the extension looks for the amlc binary and how it judges the binary's version.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { describeSearch, findServer, missingServerMessage, parseVersion, serverCandidates, versionCompatible } from '../src/binary';

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

test('Windows: amlc.exe, backslash paths with drive letters, ";" and quoted PATH entries', () => {
  const c = serverCandidates({
    settingPath: '',
    extensionDir: 'c:\\Users\\Ada Lovelace\\.vscode\\extensions\\amlc.amlc-0.1.0-win32-x64',
    pathEnv: 'C:\\Windows\\system32;"C:\\Program Files\\amlc";;D:\\tools\\',
    platform: 'win32',
  });
  assert.deepEqual(c, [
    { path: 'c:\\Users\\Ada Lovelace\\.vscode\\extensions\\amlc.amlc-0.1.0-win32-x64\\server\\amlc.exe', source: 'bundled' },
    { path: 'C:\\Windows\\system32\\amlc.exe', source: 'PATH' },
    { path: 'C:\\Program Files\\amlc\\amlc.exe', source: 'PATH' },
    { path: 'D:\\tools\\amlc.exe', source: 'PATH' },
  ]);
  assert.deepEqual(
    serverCandidates({ settingPath: '~\\bin\\amlc.exe', extensionDir: 'C:\\e', pathEnv: '', platform: 'win32', home: 'C:\\Users\\ada' }),
    [{ path: 'C:\\Users\\ada\\bin\\amlc.exe', source: 'setting' }],
  );
  assert.deepEqual(
    serverCandidates({ settingPath: 'target\\debug\\amlc.exe', extensionDir: 'C:\\e', pathEnv: '', platform: 'win32', workspaceFolder: 'D:\\ws' }),
    [{ path: 'D:\\ws\\target\\debug\\amlc.exe', source: 'setting' }],
  );
  assert.deepEqual(
    serverCandidates({ settingPath: 'C:\\amlc\\amlc.exe', extensionDir: 'C:\\e', pathEnv: '', platform: 'win32', workspaceFolder: 'D:\\ws' }),
    [{ path: 'C:\\amlc\\amlc.exe', source: 'setting' }],
  );
});

test('~ in the setting is the home directory given, on Linux too', () => {
  assert.deepEqual(serverCandidates({ settingPath: '~/bin/amlc', extensionDir: '/ext', pathEnv: '', platform: 'linux', home: '/home/ada' }), [
    { path: '/home/ada/bin/amlc', source: 'setting' },
  ]);
});

test('one message when no server is found: macOS is told how to get one, a bad setting is named', () => {
  const mac = missingServerMessage('darwin', '');
  assert.match(mac, /cargo install --locked --path server\/amlc/);
  assert.match(mac, /amlc\.server\.path/);
  assert.match(missingServerMessage('win32', undefined), /server\/amlc\.exe/);
  assert.match(missingServerMessage('linux', ''), /server\/amlc and there is no amlc on PATH/);
  assert.match(missingServerMessage('darwin', '/opt/amlc'), /not found at "\/opt\/amlc" \(amlc\.server\.path\)/);
  assert.equal(
    describeSearch([
      { path: '/ext/server/amlc', source: 'bundled' },
      { path: '/usr/bin/amlc', source: 'PATH' },
    ]),
    '/ext/server/amlc (bundled), /usr/bin/amlc (PATH)',
  );
});
