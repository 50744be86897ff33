import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { OnnxScorer } from '../../models/onnx-scorer';
import type { ModelVersionRecord } from '../../registry/types';
import type { Scorer } from '../../serving/model-pool';
import { ModelPool } from '../../serving/model-pool';
import { ServingError } from '../../serving/problems';
import type { Fixture } from './helpers';
import { createFixture, InMemorySource, RECORDS, referenceProbabilities, SPEC } from './helpers';

/** Real ONNX scorers, with every load and release counted, and a promise for the release of a version. */
function countingLoader() {
  const counts = { loads: 0, releases: 0, released: [] as number[] };
  const releaseWaiters = new Map<number, () => void>();
  const whenReleased = (version: number) =>
    counts.released.includes(version)
      ? Promise.resolve()
      : new Promise<void>((resolve) => releaseWaiters.set(version, resolve));
  const load = async (record: ModelVersionRecord): Promise<Scorer> => {
    counts.loads++;
    const scorer = await OnnxScorer.fromFile(record.artifactPath, record.artifactSha256);
    return {
      score: (inputs, records) => scorer.score(inputs, records),
      release: async () => {
        counts.releases++;
        counts.released.push(record.version);
        releaseWaiters.get(record.version)?.();
        await scorer.release();
      },
    };
  };
  return { counts, load, whenReleased };
}

/**
 * One turn of the event loop. The pool releases a session in a callback of the promise that loaded it;
 * after this turn every such callback already due has run, so a version not released by then is kept.
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ModelPool', () => {
  let fixture: Fixture;
  let v1: ModelVersionRecord;
  let v2: ModelVersionRecord;

  before(async () => {
    fixture = await createFixture();
    v1 = await fixture.version('churn', 1);
    v2 = await fixture.version('churn', 2);
  });
  after(() => fixture.cleanup());

  it('loads a version once when many requests ask for it at the same time', async () => {
    const { counts, load } = countingLoader();
    const pool = new ModelPool({ source: new InMemorySource().add(v1), load });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          pool.withModel('churn', 1, ({ scorer }) => scorer.score(SPEC.inputs, RECORDS)),
        ),
      );
      assert.equal(counts.loads, 1);
      const expected = referenceProbabilities(1, RECORDS);
      for (const scores of results) scores.forEach((p, i) => assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5));
    } finally {
      await pool.close();
    }
  });

  it('refuses to stage an unknown model or version with a 404', async () => {
    const pool = new ModelPool({ source: new InMemorySource().add(v1) });
    try {
      await assert.rejects(pool.stage('churn', 9), (e) => e instanceof ServingError && e.statusCode === 404);
      await assert.rejects(pool.stage('other', 1), /Model "other" has no version 1/);
    } finally {
      await pool.close();
    }
  });

  it('follows the source on refresh and does not revert a promotion the source has not caught up with', async () => {
    const source = new InMemorySource().add(v1).add(v2).setServing('churn', 1);
    const pool = new ModelPool({ source });
    try {
      assert.equal(pool.isReady(), false);
      const first = await pool.refresh();
      assert.deepEqual(first.promoted, [{ name: 'churn', version: 1, previous: undefined }]);
      assert.equal(pool.servingVersion('churn'), 1);

      await pool.promote('churn', 2);
      await pool.refresh();
      assert.equal(pool.servingVersion('churn'), 2, 'the unchanged source must not undo the promotion');

      source.setServing('churn', 1);
      await pool.refresh();
      source.setServing('churn', 2);
      await pool.refresh();
      assert.equal(pool.servingVersion('churn'), 2);

      source.setServing('churn', undefined);
      const last = await pool.refresh();
      assert.deepEqual(last.unserved, [{ name: 'churn', version: 2 }]);
      assert.equal(pool.isReady(), false);
    } finally {
      await pool.close();
    }
  });

  it('keeps a replaced version for the request that captured it and releases it when that request ends', async () => {
    const { counts, load, whenReleased } = countingLoader();
    const pool = new ModelPool({ source: new InMemorySource().add(v1).add(v2), load });
    try {
      await pool.promote('churn', 1);
      let promoted!: () => void;
      const swapped = new Promise<void>((resolve) => (promoted = resolve));
      const inFlight = pool.withModel('churn', undefined, async ({ record, scorer }) => {
        await swapped;
        return { version: record.version, scores: await scorer.score(SPEC.inputs, RECORDS) };
      });
      assert.equal(await pool.promote('churn', 2), 1);
      await nextTurn();
      assert.deepEqual(counts.released, [], 'v1 is still in use');
      promoted();
      const answer = await inFlight;
      assert.equal(answer.version, 1);
      await whenReleased(1);
      assert.deepEqual(counts.released, [1]);
      assert.deepEqual(
        pool.describe()[0]?.loaded.map((l) => l.version),
        [2],
      );
    } finally {
      await pool.close();
    }
    assert.equal(counts.releases, 2, 'close releases what is left');
  });

  it('keeps a staged version loaded until it is unstaged', async () => {
    const { counts, load, whenReleased } = countingLoader();
    const pool = new ModelPool({ source: new InMemorySource().add(v1).add(v2), load });
    try {
      await pool.promote('churn', 1);
      await pool.stage('churn', 2);
      await pool.withModel('churn', 2, () => Promise.resolve());
      await nextTurn();
      assert.equal(counts.loads, 2);
      assert.deepEqual(counts.released, []);
      pool.unstage('churn', 2);
      await whenReleased(2);
      assert.deepEqual(counts.released, [2]);
    } finally {
      await pool.close();
    }
  });

  it('lets the latest of two overlapping promotions win', async () => {
    const pool = new ModelPool({ source: new InMemorySource().add(v1).add(v2) });
    try {
      await pool.promote('churn', 1);
      const slow = pool.promote('churn', 2);
      const fast = pool.promote('churn', 1);
      await Promise.all([slow, fast]);
      assert.equal(pool.servingVersion('churn'), 1);
    } finally {
      await pool.close();
    }
  });

  it('refuses a corrupted artifact, keeps serving the old version and loads again once it is repaired', async () => {
    const corrupt = await fixture.version('broken', 1);
    const good = await fixture.version('broken', 2);
    const source = new InMemorySource()
      .add(good)
      .add({ ...corrupt, version: 3 })
      .setServing('broken', 2);
    const bytes = await readFile(corrupt.artifactPath);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(corrupt.artifactPath, bytes);
    const pool = new ModelPool({ source });
    try {
      await pool.refresh();
      source.setServing('broken', 3);
      const report = await pool.refresh();
      assert.equal(report.failed.length, 1);
      assert.match(report.failed[0]?.error.message ?? '', /sha256/);
      assert.equal(pool.servingVersion('broken'), 2);

      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      await writeFile(corrupt.artifactPath, bytes);
      const retried = await pool.refresh();
      assert.deepEqual(retried.failed, []);
      assert.equal(pool.servingVersion('broken'), 3);
    } finally {
      await pool.close();
    }
  });

  it('keeps versions named by requests loaded beside the serving one, evicting the least recently used beyond the bound', async () => {
    const { counts, load, whenReleased } = countingLoader();
    const source = new InMemorySource().add(v1).add(v2);
    for (const version of [3, 4, 5]) source.add({ ...(version % 2 === 0 ? v2 : v1), version });
    const pool = new ModelPool({ source: source.setServing('churn', 1), load, maxOnDemand: 2 });
    const answeredBy = (version: number) =>
      pool.withModel('churn', version, async ({ record, scorer }) => ({
        version: record.version,
        scores: Array.from(await scorer.score(SPEC.inputs, RECORDS)),
      }));
    const loadedVersions = () => pool.describe()[0]?.loaded.map((l) => [l.version, l.serving, l.onDemand]);
    try {
      await pool.refresh();
      for (const version of [2, 3]) {
        const answer = await answeredBy(version);
        assert.equal(answer.version, version);
        const expected = referenceProbabilities(version % 2 === 0 ? 2 : 1, RECORDS);
        answer.scores.forEach((p, i) =>
          assert.ok(Math.abs(p - (expected[i] as number)) < 1e-5, `v${version} row ${i}`),
        );
      }
      await answeredBy(2);
      await nextTurn();
      assert.deepEqual(counts.released, [], 'two on-demand versions fit the bound');
      assert.deepEqual(loadedVersions(), [
        [1, true, false],
        [2, false, true],
        [3, false, true],
      ]);

      await answeredBy(4);
      await whenReleased(3);
      assert.deepEqual(counts.released, [3], 'v3 was used less recently than v2');
      assert.deepEqual(loadedVersions(), [
        [1, true, false],
        [2, false, true],
        [4, false, true],
      ]);
      assert.equal((await answeredBy(1)).version, 1);
      assert.equal(counts.loads, 4, 'each version loaded once, the serving one never evicted');

      await assert.rejects(
        answeredBy(9),
        (error: unknown) => error instanceof ServingError && error.statusCode === 404,
      );
    } finally {
      await pool.close();
    }
  });

  it('keeps an on-demand version that a request still holds until it ends, then evicts it', async () => {
    const { load, whenReleased, counts } = countingLoader();
    const source = new InMemorySource()
      .add(v1)
      .add(v2)
      .add({ ...v1, version: 3 })
      .setServing('churn', 1);
    const pool = new ModelPool({ source, load, maxOnDemand: 1 });
    try {
      await pool.refresh();
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      const slow = pool.withModel('churn', 2, async ({ scorer }) => {
        await held;
        return scorer.score(SPEC.inputs, RECORDS);
      });
      await pool.withModel('churn', 3, () => Promise.resolve());
      await nextTurn();
      assert.deepEqual(counts.released, [], 'v2 is in use and v3 was just used: both stay for now');
      finish();
      assert.equal((await slow).length, RECORDS.length);
      await whenReleased(3);
      assert.deepEqual(counts.released, [3], 'v2 ended last, so v3 is the least recently used');
    } finally {
      await pool.close();
    }
  });
});
