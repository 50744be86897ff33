import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArtifactIntegrityError, InvalidInputError } from '../../../core/errors';
import { encodeRecords } from '../../../models/features';
import { predictProba } from '../../../models/logistic';
import {
  ProgressiveTrainer,
  readCheckpoint,
  trainerFromState,
  trainerState,
  writeCheckpoint,
  type OnlineState,
} from '../../../models/online';
import type { LogisticModel, RawRecord } from '../../../models/types';
import { batchFit, range, telcoStream, type LabelledStream } from '../../helpers/labelled-stream';
import { tempHome } from '../../helpers/paths';

describe('online state and checkpoints', () => {
  let stream: LabelledStream;
  let trainer: ProgressiveTrainer;
  let serving: (records: RawRecord[]) => Float64Array;
  let firstModel: LogisticModel;
  const dir = tempHome('online-checkpoint');
  const slice = (from: number, to: number) => ({
    records: stream.records.slice(from, to),
    labels: stream.labels.slice(from, to),
  });
  const feed = (target: ProgressiveTrainer, from: number, to: number) => {
    const { records, labels } = slice(from, to);
    return target.process(records, labels, serving(records));
  };

  before(async () => {
    stream = await telcoStream({ rows: 9_000, seed: 61 });
    const batch = batchFit(stream, range(0, 4_000));
    serving = (records) => predictProba(batch.model, encodeRecords(batch.spec, records));
    firstModel = batch.model;
    trainer = ProgressiveTrainer.warmStart(batch.spec, batch.model, { windowSize: 700, batchSize: 10 });
    feed(trainer, 4_000, 6_003);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a state through JSON gives a trainer with the same predictions, window, counts, and future', () => {
    const state = trainerState(trainer, { source: 'feedback', lastOffset: 6_002 });
    const restored = trainerFromState(JSON.parse(JSON.stringify(state)) as OnlineState);
    const { records } = slice(6_003, 7_000);
    assert.deepEqual(restored.learner.predict(records), trainer.learner.predict(records));
    assert.deepEqual(restored.snapshot(), trainer.snapshot());
    assert.equal(restored.learner.recordsLearned, 2_003);
    assert.equal(restored.learner.updateCount, 201);
    assert.deepEqual(trainerState(restored, state.meta), state);
    // The optimizer state came along: the restored trainer learns the next records exactly as an
    // uninterrupted one does.
    const uninterrupted = ProgressiveTrainer.warmStart(trainer.learner.spec, firstModel, {
      windowSize: 700,
      batchSize: 10,
    });
    feed(uninterrupted, 4_000, 6_003);
    assert.deepEqual(uninterrupted.learner.model(), trainer.learner.model());
    feed(uninterrupted, 6_003, 7_000);
    feed(restored, 6_003, 7_000);
    assert.deepEqual(restored.learner.model(), uninterrupted.learner.model());
    assert.deepEqual(restored.snapshot(), uninterrupted.snapshot());
    assert.deepEqual(restored.learner.optimizerState(), uninterrupted.learner.optimizerState());
  });

  test('the snapshot is plain JSON, undefined figures as null', () => {
    const snapshot = trainer.snapshot();
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
    assert.equal(snapshot.records, 700);
    const fresh = ProgressiveTrainer.warmStart(trainer.learner.spec, trainer.learner.model());
    const { records } = slice(7_000, 7_003);
    fresh.process(records, [0, 0, 0], serving(records));
    assert.equal(fresh.snapshot().online.rocAuc, null);
    assert.equal(fresh.snapshot().observedRate, 0);
  });

  test('a checkpoint is written whole under its record count and digest, and read back only with that digest', async () => {
    const state = trainerState(trainer, { lastOffset: 6_002 });
    const ref = await writeCheckpoint(dir, state);
    assert.match(ref.sha256, /^[0-9a-f]{64}$/);
    assert.equal(basename(ref.path), `online-2003-${ref.sha256.slice(0, 16)}.json`);
    assert.deepEqual(readdirSync(dir), [basename(ref.path)]);
    assert.deepEqual(await readCheckpoint(ref.path, ref.sha256), state);
    // The same state again (a retried activity) gives the same file and digest…
    assert.deepEqual(await writeCheckpoint(dir, state), ref);
    // …and another state with as many records learned never replaces the recorded file.
    const other = await writeCheckpoint(dir, trainerState(trainer, { lastOffset: 6_010 }));
    assert.notEqual(other.path, ref.path);
    assert.deepEqual(await readCheckpoint(ref.path, ref.sha256), state);
    assert.equal(readdirSync(dir).length, 2);
  });

  test('a tampered checkpoint is refused with ArtifactIntegrityError naming both digests', async () => {
    const state = trainerState(trainer);
    const ref = await writeCheckpoint(dir, state);
    const tampered = readFileSync(ref.path, 'utf8').replace(/"intercept":(-?[\d.e-]+)/, '"intercept":3');
    writeFileSync(ref.path, tampered);
    await assert.rejects(readCheckpoint(ref.path, ref.sha256), (error: unknown) => {
      assert.ok(error instanceof ArtifactIntegrityError);
      assert.equal(error.name, 'ArtifactIntegrityError');
      assert.ok(error.message.includes(`but ${ref.sha256} was recorded for it`), error.message);
      return true;
    });
  });

  test('a missing checkpoint is refused as a missing artifact, not retried as a passing I/O error', async () => {
    await assert.rejects(readCheckpoint(`${dir}/online-1.json`, 'f'.repeat(64)), (error: unknown) => {
      assert.ok(error instanceof ArtifactIntegrityError);
      assert.match(error.message, /online-1\.json is missing/);
      return true;
    });
  });

  test('a state whose spec is not the one its digest names is refused before it predicts', () => {
    const state = JSON.parse(JSON.stringify(trainerState(trainer))) as OnlineState;
    const numeric = state.spec.numeric[0];
    assert.ok(numeric);
    numeric.mean += 1;
    assert.throws(
      () => trainerFromState(state),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.match(error.message, /The state's spec has sha256 [0-9a-f]{64}, but the state records/);
        return true;
      },
    );
  });

  test('a state with a missing or wrong field is refused naming the field', () => {
    const good = trainerState(trainer);
    const broken = (change: Record<string, unknown>) => ({ ...good, ...change });
    assert.throws(
      () => trainerFromState(broken({ formatVersion: 2 })),
      /field "formatVersion" is 2; this build reads 1/,
    );
    assert.throws(() => trainerFromState(broken({ recordsLearned: -1 })), /field "recordsLearned" must be a whole/);
    assert.throws(
      () => trainerFromState(broken({ model: { weights: [1], intercept: 0 } })),
      /field "model.weights" must hold \d+ numbers/,
    );
  });
});
