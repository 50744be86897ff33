import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ScorerCache } from '../../activities/batch/scorer-cache';
import { ArtifactIntegrityError } from '../../core/errors';
import { sha256Hex } from '../../core/integrity';
import { ModelRegistry } from '../../registry/model-registry';
import { buildScoringApp } from '../../serving/app';
import { ModelPool } from '../../serving/model-pool';
import { registryHome } from '../helpers/registry-home';
import { RECORDS } from './helpers';

describe('artifact integrity on load', () => {
  it('keeps serving the last good version when the registry promotes a tampered one, and says so in /health/ready', async () => {
    const { home, versions } = await registryHome(['logistic', 'logistic']);
    const registry = ModelRegistry.open(home);
    const pool = new ModelPool({ source: registry, refreshIntervalMs: 3_600_000 });
    const app = buildScoringApp({ pool });
    try {
      registry.markServing('churn', 1, 'first');
      await pool.refresh();
      const v2 = versions[1];
      assert.ok(v2);
      appendFileSync(v2.artifactPath, 'tampered');
      const actual = sha256Hex(readFileSync(v2.artifactPath));
      registry.markServing('churn', 2, 'second');
      const report = await pool.refresh();
      assert.ok(report.failed[0]?.error instanceof ArtifactIntegrityError);

      const predicted = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: { model: 'churn', records: RECORDS },
      });
      assert.equal(predicted.statusCode, 200);
      assert.equal(predicted.json<{ model: { version: number } }>().model.version, 1, 'the last good version answers');

      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(ready.statusCode, 200);
      const body = ready.json<{
        models: unknown;
        failedLoads: { name: string; version: number; serving: number; error: string }[];
      }>();
      assert.deepEqual(body.models, [{ name: 'churn', version: 1 }]);
      const [failure] = body.failedLoads;
      assert.deepEqual([failure?.name, failure?.version, failure?.serving], ['churn', 2, 1]);
      for (const part of ['the ONNX model of churn v2', v2.artifactPath, actual, v2.artifactSha256]) {
        assert.ok(failure?.error.includes(part), `"${part}" in ${failure?.error}`);
      }
    } finally {
      await app.close();
      await pool.close();
      registry.close();
    }
  });

  it('refuses a missing ONNX file in batch scoring, naming the version, the file and the digest it should have', async () => {
    const { versions } = await registryHome(['logistic']);
    const v1 = versions[0];
    assert.ok(v1);
    const cache = new ScorerCache();
    await assert.rejects(cache.get({ ...v1, artifactPath: `${v1.artifactPath}.gone` }), (error: unknown) => {
      assert.ok(error instanceof ArtifactIntegrityError);
      assert.match(
        error.message,
        /^the ONNX model of churn v1 \(.*\.gone\) is missing; expected a file with sha256 [0-9a-f]{64}/,
      );
      return true;
    });
  });

  it('refuses a tampered ONNX file in batch scoring', async () => {
    const { versions } = await registryHome(['logistic']);
    const v1 = versions[0];
    assert.ok(v1);
    appendFileSync(v1.artifactPath, 'x');
    await assert.rejects(new ScorerCache().get(v1), /the ONNX model of churn v1 .* fails its integrity check/);
  });
});
