import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sha256File } from '../../data/sha256';
import { tempHome } from '../helpers/paths';

const dir = tempHome('sha256');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256File', () => {
  test('gives the standard hex digest of a small file', async () => {
    const path = join(dir, 'abc.txt');
    writeFileSync(path, 'abc');
    assert.equal(await sha256File(path), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('hashes a file many read chunks long the same as its bytes in one piece', async () => {
    const bytes = Buffer.alloc(3_000_000, 'telco,');
    const path = join(dir, 'big.bin');
    writeFileSync(path, bytes);
    assert.equal(await sha256File(path), createHash('sha256').update(bytes).digest('hex'));
  });

  test('rejects a missing file with a DataAccessError', async () => {
    await assert.rejects(sha256File(join(dir, 'missing.csv')), { name: 'DataAccessError', message: /not found/ });
  });

  test('refuses a directory, a device and a named pipe before reading a byte', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    for (const path of [dir, '/dev/zero', fifo]) {
      await assert.rejects(sha256File(path), { name: 'DataAccessError' }, path);
    }
  });
});
