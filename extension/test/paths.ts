// Where the tests find the extension's own files once compiled to out-test/test/.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXT_DIR = path.resolve(__dirname, '..', '..');

export function readJson<T>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(EXT_DIR, rel), 'utf8')) as T;
}
