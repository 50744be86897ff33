import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dataPathFromUri } from '../../activities/run-files';
import { printableExcerpt } from '../../data/excerpt';
import { safeFileName } from '../../core/file-names';
import { tempHome } from '../helpers/paths';

// The checks behind every data URI and every file name made from a workflow id or model name.

describe('dataPathFromUri', () => {
  const base = tempHome('data-uris');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'churn.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, '..data.csv'), 'a,b\n1,2\n');
  writeFileSync(join(outside, 'secret.csv'), 'a,b\n1,2\n');
  symlinkSync(root, join(base, 'root-link'));
  symlinkSync(outside, join(root, 'escape'));

  it('returns the real path of a file inside a root, given as a path or a file:// URI', async () => {
    assert.equal(await dataPathFromUri(join(root, 'churn.csv'), [root]), join(root, 'churn.csv'));
    assert.equal(await dataPathFromUri(`file://${root}/churn.csv`, [root]), join(root, 'churn.csv'));
    assert.equal(await dataPathFromUri(`file://localhost${root}/churn.csv`, [root]), join(root, 'churn.csv'));
    assert.equal(await dataPathFromUri(join(root, '..data.csv'), [root]), join(root, '..data.csv'));
  });

  it('accepts a root given through a symbolic link, and files reached through it', async () => {
    const viaLink = join(base, 'root-link', 'churn.csv');
    assert.equal(await dataPathFromUri(viaLink, [join(base, 'root-link')]), join(root, 'churn.csv'));
    assert.equal(await dataPathFromUri(viaLink, [root]), join(root, 'churn.csv'));
  });

  it('refuses a folder link inside a root that leads out of it, and .. out of a root', async () => {
    for (const uri of [join(root, 'escape', 'secret.csv'), `${root}/../outside/secret.csv`, `${root}-other/x.csv`]) {
      await assert.rejects(dataPathFromUri(uri, [root]), { name: 'DataAccessError', message: /outside/ }, uri);
    }
  });

  it('refuses everything when no root exists, naming the roots it has', async () => {
    await assert.rejects(dataPathFromUri(join(root, 'churn.csv'), [join(base, 'nowhere')]), {
      name: 'DataAccessError',
      message: /nowhere.*MLCYCLE_DATA_ROOTS/,
    });
  });

  it('refuses malformed URIs as InvalidInputError instead of throwing a TypeError that would be retried', async () => {
    for (const uri of [`file://${root}/a%00b.csv`, `${root}/a\0b.csv`, `file://${root}/a%2Fb.csv`, '']) {
      await assert.rejects(dataPathFromUri(uri, [root]), { name: 'InvalidInputError' }, JSON.stringify(uri));
    }
  });
});

describe('safeFileName', () => {
  it('leaves ordinary names as they are and keeps ., .. and separators inside their folder', () => {
    assert.equal(safeFileName('telco-churn'), 'telco-churn');
    assert.equal(safeFileName('churn-retrain-2026-01-01T00-00-00-000Z'), 'churn-retrain-2026-01-01T00-00-00-000Z');
    for (const name of ['.', '..', '../x', 'a/b', '.hidden', '*', '']) {
      const file = safeFileName(name);
      assert.doesNotMatch(file, /^\.|[/\\*]/, name);
      assert.notEqual(file, '', name);
    }
  });

  it('shortens a name too long for a file system, keeping distinct names distinct', () => {
    const long = 'x'.repeat(1_000);
    assert.ok(safeFileName(long).length <= 120);
    assert.notEqual(safeFileName(`${long}a`), safeFileName(`${long}b`));
    assert.ok(safeFileName('é'.repeat(200)).length <= 120);
  });
});

describe('printableExcerpt', () => {
  it('cuts text to the limit and escapes control and bidirectional characters', () => {
    assert.equal(printableExcerpt('a'.repeat(300)).length, 201);
    assert.equal(printableExcerpt('a\nb\u0000c\u202ed'), 'a\\nb\\x00c\\u202ed');
  });
});
