import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256Hex } from '../../core/integrity';
import type { AliasChange } from '../../registry/aliases';
import { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';
import { startScoringServer, type ScoringServer } from '../../serving/server';
import { runCli } from '../helpers/cli-process';
import { freePort } from '../helpers/free-port';
import { tempHome } from '../helpers/paths';
import { registryHome } from '../helpers/registry-home';

/** A home whose churn v1 then v2 were deployed by workflows, v3 (gbdt) registered only. */
async function deployedHome(algorithms: ('logistic' | 'gbdt')[], serving: number[]) {
  const made = await registryHome(algorithms);
  const registry = ModelRegistry.open(made.home);
  for (const version of serving) {
    registry.markServing('churn', version, 'smoke test passed', {
      workflowId: `deploy-${version}`,
      runId: `r${version}`,
    });
  }
  registry.close();
  return made;
}

async function cliEnv(home: string): Promise<NodeJS.ProcessEnv> {
  // A port nothing listens on unless a test starts a scoring server there.
  return {
    MLCYCLE_HOME: home,
    MLCYCLE_PORT: String(await freePort()),
    MLCYCLE_SCORING_URL: '',
    MLCYCLE_ADMIN_TOKEN: '',
  };
}

async function models(args: string[], env: NodeJS.ProcessEnv) {
  return runCli(['models', ...args], env);
}

function json<T>(run: { code: number | null; output: string }): T {
  assert.equal(run.code, 0, run.output);
  return JSON.parse(run.output) as T;
}

describe('mlcycle models over a real registry', () => {
  let home: string;
  let versions: ModelVersionRecord[];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ({ home, versions } = await deployedHome(['logistic', 'logistic', 'gbdt'], [1, 2]));
    env = await cliEnv(home);
  });

  it('lists every version with its algorithm, metrics and aliases, and marks the serving one', async () => {
    const listed = json<{
      models: {
        model: string;
        versions: { version: number; algorithm: string; serving: boolean; aliases: string[] }[];
      }[];
    }>(await models(['list', '--json'], env));
    assert.deepEqual(
      listed.models[0]?.versions.map((v) => [v.version, v.algorithm, v.serving, v.aliases]),
      [
        [1, 'logistic', false, []],
        [2, 'logistic', true, ['champion']],
        [3, 'gbdt', false, []],
      ],
    );
  });

  it('shows the serving version with its signature, its artifacts checked against their digests, and its history', async () => {
    const shown = json<{
      version: number;
      signature: { inputs: { name: string; type: string; levels?: string[] }[] };
      artifacts: { role: string; sha256: string; state: string }[];
      history: AliasChange[];
    }>(await models(['show', '--model', 'churn', '--alias', 'champion', '--json'], env));
    assert.equal(shown.version, 2);
    assert.deepEqual(shown.signature.inputs[1], {
      name: 'Contract',
      kind: 'categorical',
      type: 'string',
      levels: ['Month-to-month', 'One year', 'Two year'],
    });
    assert.deepEqual(
      shown.artifacts.map((a) => [a.role, a.sha256, a.state]),
      [
        ['onnx', versions[1]?.artifactSha256, 'ok'],
        ['expected', versions[1]?.expectedSha256, 'ok'],
        ['model', versions[1]?.modelSha256, 'ok'],
      ],
    );
    assert.deepEqual(
      shown.history.map((h) => [h.fromVersion, h.toVersion, h.workflowId]),
      [[1, 2, 'deploy-2']],
    );
  });

  it('exports the registered ONNX file byte for byte and a logistic version as PMML, and refuses PMML of a gbdt version', async () => {
    const out = tempHome('models-export');
    const onnx = await models(
      ['export', '--model', 'churn', '--version', '2', '--format', 'onnx', '--out', join(out, 'v2.onnx')],
      env,
    );
    assert.equal(onnx.code, 0, onnx.output);
    assert.equal(sha256Hex(readFileSync(join(out, 'v2.onnx'))), versions[1]?.artifactSha256);

    const pmml = await models(
      ['export', '--model', 'churn', '--version', '1', '--format', 'pmml', '--out', join(out, 'v1.pmml')],
      env,
    );
    assert.equal(pmml.code, 0, pmml.output);
    assert.match(
      readFileSync(join(out, 'v1.pmml'), 'utf8'),
      /<PMML xmlns="http:\/\/www.dmg.org\/PMML-4_4" version="4.4">/,
    );

    const gbdt = await models(
      ['export', '--model', 'churn', '--version', '3', '--format', 'pmml', '--out', join(out, 'v3.pmml')],
      env,
    );
    assert.equal(gbdt.code, 1);
    assert.match(
      gbdt.output,
      /churn v3 is a gbdt model; PMML export covers logistic models only: export it as ONNX \(--format onnx\)/,
    );
  });

  describe('with a scoring server running on MLCYCLE_PORT', () => {
    let registry: ModelRegistry;
    let server: ScoringServer;

    before(async () => {
      registry = ModelRegistry.open(home);
      // An hour between refreshes: a change it serves within the test came through its admin route.
      server = await startScoringServer({
        host: '127.0.0.1',
        port: Number(env.MLCYCLE_PORT),
        source: registry,
        refreshIntervalMs: 3_600_000,
      });
    });
    after(async () => {
      await server.close();
      registry.close();
    });

    it('promotes and rolls back at once on the running server, and records both in the alias history', async () => {
      assert.equal(server.pool.servingVersion('churn'), 2);
      const promoted = await models(
        ['promote', '--model', 'churn', '--version', '3', '--reason', 'gbdt wins offline'],
        env,
      );
      assert.equal(promoted.code, 0, promoted.output);
      assert.match(promoted.output, /churn v3 is now champion \(serving\); was v2/);
      assert.match(promoted.output, /the scoring server at http:\/\/127\.0\.0\.1:\d+ serves v3 now/);
      assert.equal(server.pool.servingVersion('churn'), 3);
      assert.equal(registry.getServing('churn')?.version, 3);

      const rolledBack = await models(['rollback', '--model', 'churn', '--reason', 'latency'], env);
      assert.equal(rolledBack.code, 0, rolledBack.output);
      assert.match(rolledBack.output, /churn rolled back: v2 serves again \(was v3\)/);
      assert.equal(server.pool.servingVersion('churn'), 2);

      const { changes } = json<{ changes: AliasChange[] }>(
        await models(['history', '--model', 'churn', '--json'], env),
      );
      const user = userInfo().username;
      assert.deepEqual(
        changes.map((c) => [
          c.alias,
          c.action,
          c.fromVersion,
          c.toVersion,
          c.workflowId ?? c.command,
          c.user,
          c.reason,
        ]),
        [
          ['champion', 'set', null, 1, 'deploy-1', null, 'smoke test passed'],
          ['champion', 'set', 1, 2, 'deploy-2', null, 'smoke test passed'],
          ['champion', 'set', 2, 3, 'mlcycle models promote', user, 'gbdt wins offline'],
          ['champion', 'rollback', 3, 2, 'mlcycle models rollback', user, 'latency'],
        ],
      );
      const promotedAt = changes[2]?.at ?? '';
      const answer = json<{ version: number }>(
        await models(['history', '--model', 'churn', '--at', promotedAt, '--json'], env),
      );
      assert.equal(answer.version, 3, 'the version that served when v3 was promoted');
    });
  });
});

describe('mlcycle models with a tampered artifact', () => {
  it('refuses to promote or export a version whose ONNX file changed, naming the file, both digests and what to do, and promotes it once repaired', async () => {
    const { home, versions } = await deployedHome(['logistic', 'logistic'], [1]);
    const env = await cliEnv(home);
    const v2 = versions[1];
    assert.ok(v2);
    appendFileSync(v2.artifactPath, 'x');
    const actual = sha256Hex(readFileSync(v2.artifactPath));

    const promoted = await models(['promote', '--model', 'churn', '--version', '2'], env);
    assert.equal(promoted.code, 1);
    for (const part of [v2.artifactPath, `sha256 ${actual}`, `expected ${v2.artifactSha256}`, 'restore the file']) {
      assert.ok(promoted.output.includes(part), `"${part}" in:\n${promoted.output}`);
    }
    const exported = await models(
      [
        'export',
        '--model',
        'churn',
        '--version',
        '2',
        '--format',
        'onnx',
        '--out',
        join(tempHome('tampered-out'), 'v2.onnx'),
      ],
      env,
    );
    assert.equal(exported.code, 1);
    assert.ok(
      exported.output.includes(`the ONNX model of churn v2 (${v2.artifactPath}) fails its integrity check`),
      exported.output,
    );

    const registry = ModelRegistry.open(home);
    try {
      assert.equal(registry.getServing('churn')?.version, 1, 'serving is untouched');
      assert.equal(registry.aliases.history('churn').length, 1, 'nothing was recorded');
    } finally {
      registry.close();
    }

    // Repaired (the appended byte cut off), it is promoted; no server listens, so the command says when it takes effect.
    truncateSync(v2.artifactPath, statSync(v2.artifactPath).size - 1);
    const repaired = await models(['promote', '--model', 'churn', '--version', '2'], env);
    assert.equal(repaired.code, 0, repaired.output);
    assert.match(
      repaired.output,
      /no scoring server answers at http:\/\/127\.0\.0\.1:\d+: scoring servers pick v2 up from the registry within their refresh interval/,
    );
  });
});
