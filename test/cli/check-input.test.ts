import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { checkModelName, duration, localDataFile, nonNegativeInteger } from '../../cli/check-input';
import { loadConfig } from '../../core/config';
import { tempHome } from '../helpers/paths';

describe('CLI input checks, before anything is created', () => {
  const dir = tempHome('check-input');
  const csv = join(dir, 'data.csv');
  writeFileSync(csv, 'a,Churn\n1,Yes\n');

  it('accepts model names the lifecycle accepts and refuses paths, blanks and overlong names', () => {
    assert.equal(checkModelName('telco-churn_2.v1'), 'telco-churn_2.v1');
    for (const bad of ['../x', 'a/b', '', '-lead', 'x'.repeat(65), 'has space']) {
      assert.throws(() => checkModelName(bad), /--model .* is not a model name: use 1-64 letters/, bad);
    }
  });

  it('turns a relative path into the absolute path of the same file, and a file:// URI into its path', () => {
    assert.equal(localDataFile('data.csv', '--data', dir), csv);
    assert.equal(localDataFile(pathToFileURL(csv).href), csv);
    assert.equal(localDataFile(csv), csv);
  });

  it('refuses other URI schemes and file:// URIs of another host, naming the flag and the value', () => {
    assert.throws(() => localDataFile('http://x'), /--data "http:\/\/x": http: URIs are not supported/);
    assert.throws(
      () => localDataFile('s3://bucket/key.csv', '--retrain-data'),
      /--retrain-data "s3:\/\/bucket\/key.csv": s3:/,
    );
    assert.throws(() => localDataFile('file://host/x.csv'), /is not a local file:\/\/ URI/);
  });

  it('refuses a missing file, a directory and an empty value', () => {
    assert.throws(() => localDataFile(join(dir, 'missing.csv')), /--data .*missing\.csv: no such file/);
    const sub = join(dir, 'folder');
    mkdirSync(sub);
    assert.throws(() => localDataFile(sub), /folder: not a regular file/);
    assert.throws(() => localDataFile(''), /--data needs the path or file:\/\/ URI of a CSV file/);
  });

  it('refuses a file this user cannot read', { skip: process.getuid?.() === 0 && 'root reads every file' }, () => {
    const locked = join(dir, 'locked.csv');
    writeFileSync(locked, 'a\n');
    chmodSync(locked, 0o000);
    assert.throws(() => localDataFile(locked), /locked\.csv: not readable by this user/);
  });
});

describe('where commands find the stack', () => {
  it('dials the dev server on MLCYCLE_TEMPORAL_PORT and links to MLCYCLE_UI_PORT when no cluster is given', () => {
    const config = loadConfig({ MLCYCLE_TEMPORAL_PORT: '7401', MLCYCLE_UI_PORT: '8401' });
    assert.equal(config.temporalAddress, undefined);
    assert.equal(config.dialAddress, '127.0.0.1:7401');
    assert.equal(config.uiBaseUrl, 'http://localhost:8401');
  });

  it('dials TEMPORAL_ADDRESS and links to TEMPORAL_UI_URL when they are set', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_UI_URL: 'https://ui.example/',
      MLCYCLE_TEMPORAL_PORT: '7401',
      MLCYCLE_UI_PORT: '8401',
    });
    assert.equal(config.dialAddress, 'temporal.internal:7233');
    assert.equal(config.uiBaseUrl, 'https://ui.example');
  });

  it('uses 7233 and 8233 by default', () => {
    const config = loadConfig({});
    assert.equal(config.dialAddress, '127.0.0.1:7233');
    assert.equal(config.uiBaseUrl, 'http://localhost:8233');
  });
});

describe('numbers and durations on the command line', () => {
  it('takes whole numbers from 0 and refuses the rest, naming the flag', () => {
    assert.equal(nonNegativeInteger('0', '--min-rows'), 0);
    assert.equal(nonNegativeInteger('250', '--min-rows'), 250);
    for (const bad of ['-1', '1.5', 'abc', '']) {
      assert.throws(() => nonNegativeInteger(bad, '--min-rows'), /--min-rows must be a whole number ≥ 0/, bad);
    }
  });

  it('takes durations like 30m, 6h, 2d and refuses anything else', () => {
    for (const good of ['30m', '6h', '2d', '90s']) assert.equal(duration(good, '--cooldown'), good);
    for (const bad of ['soon', '-1h', '']) {
      assert.throws(() => duration(bad, '--cooldown'), /--cooldown ".*" is not a duration like 30m, 6h or 2d/, bad);
    }
  });
});
