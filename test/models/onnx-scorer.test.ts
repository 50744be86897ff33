import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import { OnnxScorer, recordsToFeeds } from '../../models/onnx-scorer';
import type { InputColumn, RawRecord } from '../../models/types';
import { ArtifactIntegrityError } from '../../core/errors';
import { maxAbsDiff, referenceProbabilities, smallModel, smallRecords, smallSpec } from './onnx-fixture';

const meta = { modelName: 'churn', version: 1, producerVersion: '0.1.0' };
const bytes = exportLogisticToOnnx(smallSpec, smallModel, meta);
const sha256 = createHash('sha256').update(bytes).digest('hex');

describe('recordsToFeeds', () => {
  const inputs: InputColumn[] = [
    { name: 'n', kind: 'numeric' },
    { name: 'c', kind: 'categorical' },
  ];

  it('passes numbers, parses numeric strings and turns blanks and junk into NaN for the graph to impute', () => {
    const records: RawRecord[] = [{ n: 1.5 }, { n: ' 42.25 ' }, { n: null }, {}, { n: '' }, { n: 'abc' }, { n: '1e3' }];
    const feed = recordsToFeeds(inputs, records).n;
    assert.equal(feed?.type, 'float32');
    assert.deepEqual(feed.dims, [records.length, 1]);
    assert.deepEqual([...(feed.data as Float32Array)], [1.5, 42.25, NaN, NaN, NaN, NaN, 1000]);
  });

  it('passes categories as strings, a missing one as the blank level', () => {
    const records: RawRecord[] = [{ c: 'Two year' }, { c: null }, {}, { c: 3 }, { c: '' }];
    const feed = recordsToFeeds(inputs, records).c;
    assert.equal(feed?.type, 'string');
    assert.deepEqual(feed.dims, [records.length, 1]);
    assert.deepEqual(feed.data, ['Two year', '', '', '3', '']);
  });
});

describe('OnnxScorer', () => {
  let dir = '';
  let scorer: OnnxScorer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlcycle-onnx-'));
    scorer = await OnnxScorer.fromBytes(bytes);
  });
  after(async () => {
    await scorer.release();
    await rm(dir, { recursive: true, force: true });
  });

  it('exposes the model input names in spec order', () => {
    assert.deepEqual(
      scorer.inputNames,
      smallSpec.inputs.map((i) => i.name),
    );
  });

  it('scores a batch with one float64-exact probability per record', async () => {
    const probabilities = await scorer.score(smallSpec.inputs, smallRecords);
    assert.ok(probabilities instanceof Float32Array);
    assert.equal(probabilities.length, smallRecords.length);
    assert.ok(maxAbsDiff(probabilities, referenceProbabilities(smallSpec, smallModel, smallRecords)) < 1e-6);
  });

  it('scores numeric strings as their numbers and junk like a missing value', async () => {
    const asStrings = smallRecords.map((r) => ({
      ...r,
      tenure: typeof r.tenure === 'number' ? String(r.tenure) : 'n/a',
    }));
    assert.deepEqual(
      await scorer.score(smallSpec.inputs, asStrings),
      await scorer.score(smallSpec.inputs, smallRecords),
    );
  });

  it('ignores extra columns the model does not take and returns nothing for no records', async () => {
    const inputs = [...smallSpec.inputs, { name: 'customerID', kind: 'categorical' as const }];
    const records = smallRecords.map((r, i) => ({ ...r, customerID: `c${i}` }));
    assert.deepEqual(await scorer.score(inputs, records), await scorer.score(smallSpec.inputs, smallRecords));
    assert.equal((await scorer.score(smallSpec.inputs, [])).length, 0);
  });

  it('loads a file whose sha256 matches, in either case', async () => {
    const path = join(dir, 'model.onnx');
    await writeFile(path, bytes);
    for (const expected of [sha256, sha256.toUpperCase(), undefined]) {
      const fromFile = await OnnxScorer.fromFile(path, expected);
      try {
        assert.deepEqual(
          await fromFile.score(smallSpec.inputs, smallRecords),
          await scorer.score(smallSpec.inputs, smallRecords),
        );
      } finally {
        await fromFile.release();
      }
    }
  });

  it('refuses a file whose sha256 differs, naming the file and both hashes', async () => {
    const path = join(dir, 'tampered.onnx');
    const tampered = Uint8Array.from(bytes);
    tampered[0] = (tampered[0] as number) ^ 1;
    await writeFile(path, tampered);
    const actual = createHash('sha256').update(tampered).digest('hex');
    await assert.rejects(OnnxScorer.fromFile(path, sha256), (error: unknown) => {
      assert.ok(error instanceof ArtifactIntegrityError);
      assert.equal(error.name, 'ArtifactIntegrityError');
      assert.ok(
        error.message.includes(path) && error.message.includes(sha256) && error.message.includes(actual),
        error.message,
      );
      return true;
    });
  });
});
