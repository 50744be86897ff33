import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createDeployModel } from '../../activities/deploy-model';
import type { ExpectedOutputsFile } from '../../activities/model-files';
import type { DeployOutcome } from '../../contracts/lifecycle-activities';
import { sha256Hex } from '../../core/integrity';
import { ModelRegistry } from '../../registry/model-registry';
import { startScoringServer } from '../../serving/server';
import { tempHome } from '../helpers/paths';
import { createFixture, RECORDS, referenceProbabilities, type Fixture } from '../serving/helpers';

// The deploy activity against a real registry and a real scoring server over HTTP.
const TOKEN = 'deploy-test-token';
describe('deployModel activity', () => {
  let registry: ModelRegistry;
  let fixture: Fixture;
  let scoring: Awaited<ReturnType<typeof startScoringServer>>;

  before(async () => {
    registry = ModelRegistry.open(tempHome('deploy'));
    fixture = await createFixture();
    // Admin routes guarded as in production (MLCYCLE_ADMIN_TOKEN): the deploy step must present the token.
    scoring = await startScoringServer({
      host: '127.0.0.1',
      port: 0,
      source: registry,
      adminToken: TOKEN,
    });
  });
  after(async () => {
    await scoring.close();
    registry.close();
    await fixture.cleanup();
  });

  async function register(
    version: number,
    expected: number[],
    records = RECORDS,
    runId = `run-${version}`,
  ): Promise<number> {
    const record = await fixture.version('churn', version);
    writeFileSync(
      record.expectedPath,
      JSON.stringify({ records, probabilities: expected } satisfies ExpectedOutputsFile),
    );
    const { version: _assigned, createdAt: _created, ...entry } = record;
    const expectedSha256 = sha256Hex(readFileSync(record.expectedPath));
    return registry.register({ ...entry, expectedSha256, runId }).record.version;
  }

  const deploy = (version: number): Promise<DeployOutcome> =>
    new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') }).run(
      createDeployModel({ registry, scoringUrl: scoring.url, adminToken: TOKEN }),
      {
        modelName: 'churn',
        version,
      },
    );

  it('promotes a version whose held-back rows score as expected over HTTP, in the registry and on the server', async () => {
    const version = await register(1, referenceProbabilities(1, RECORDS));
    const outcome = await deploy(version);
    assert.equal(outcome.deployed, true, outcome.reason);
    assert.equal(outcome.smokeRows, RECORDS.length);
    assert.equal(registry.getServing('churn')?.version, 1);
    const answer = (await (
      await fetch(`${scoring.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: RECORDS.slice(0, 1) }),
      })
    ).json()) as { model: { version: number } };
    assert.equal(answer.model.version, 1);
  });

  it('refuses a version whose smoke test disagrees, records why, and keeps the previous version serving', async () => {
    const wrong = referenceProbabilities(2, RECORDS).map((p, i) => (i === 1 ? p + 0.01 : p));
    const version = await register(2, wrong);
    const outcome = await deploy(version);
    assert.equal(outcome.deployed, false);
    assert.match(
      outcome.reason,
      /smoke test failed: 1 of \d+ held-back rows differ \(worst row 1: .*\); version 1 keeps serving/,
    );
    assert.equal(outcome.servingVersion, 1);
    assert.equal(registry.getServing('churn')?.version, 1);
    const rejected = registry.listDeployments('churn').at(-1);
    assert.equal(rejected?.outcome, 'rejected');
    assert.equal(rejected?.version, 2);
    const loaded = (await (
      await fetch(`${scoring.url}/admin/models`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as {
      models: { name: string; serving: number }[];
    };
    assert.equal(loaded.models.find((m) => m.name === 'churn')?.serving, 1);
  });

  it('does not record a second promotion when a retry deploys a version that already serves', async () => {
    const before = registry.listDeployments('churn').length;
    const outcome = await deploy(1);
    assert.equal(outcome.deployed, true);
    assert.equal(registry.listDeployments('churn').length, before);
  });

  it('rejects a version whose expected outputs changed after registering, naming the file and digests', async () => {
    const version = await register(2, referenceProbabilities(2, RECORDS), RECORDS, 'run-tampered');
    const record = registry.getVersion('churn', version);
    assert.ok(record?.expectedSha256);
    appendFileSync(record.expectedPath, ' ');
    const outcome = await deploy(version);
    assert.equal(outcome.deployed, false);
    assert.ok(
      outcome.reason.includes(`the expected-outputs file of churn v${version} (${record.expectedPath})`),
      outcome.reason,
    );
    assert.ok(outcome.reason.includes(`expected ${record.expectedSha256}`), outcome.reason);
    assert.match(outcome.reason, /^smoke test impossible: .*; version 1 keeps serving$/);
    assert.equal(registry.getServing('churn')?.version, 1);
  });

  it('rejects at once, with a bounded reason, a version whose held-back rows the server refuses', async () => {
    // 600 rows with a contract type the model never saw: the server answers 400 with a problem per row.
    const records = Array.from({ length: 600 }, (_, i) => ({ ...RECORDS[i % RECORDS.length], Contract: 'Ten year' }));
    const version = await register(2, new Array<number>(records.length).fill(0.5), records, 'run-refused');
    const outcome = await deploy(version);
    assert.equal(outcome.deployed, false);
    assert.match(outcome.reason, /smoke test failed: the server refused held-back rows 1-600: .*400.*Contract/);
    assert.match(outcome.reason, /version 1 keeps serving$/);
    assert.ok(outcome.reason.length < 1_000, `reason of ${outcome.reason.length} chars`);
    assert.equal(registry.getServing('churn')?.version, 1);
  });
});
