import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeLatestReport } from '../../cli/commands/drift-report';
import { tempHome } from '../helpers/paths';

describe('mlcycle drift report', () => {
  const dir = tempHome('drift-report-cli');

  it("prints the report's headline and decision, so drifted features under the dataset rule are not called 'no drift'", async () => {
    const jsonPath = join(dir, 'warn.json');
    writeFileSync(
      jsonPath,
      JSON.stringify({
        drifted: false,
        headline: { state: 'warn', datasetDrift: false, seen: '2 of 6 features drifted, predictions drifted' },
        decision: { decision: 'no-drift', reason: '…' },
      }),
    );
    const lines = await describeLatestReport({ htmlPath: 'x.html', jsonPath, stamp: 'S', drifted: false });
    assert.deepEqual(lines, [
      `json: ${jsonPath} (S)`,
      'dataset drift: no — 2 of 6 features drifted, predictions drifted; decision: no-drift',
    ]);
  });

  it('names concept drift found through labels when no feature drifted', async () => {
    const jsonPath = join(dir, 'concept.json');
    writeFileSync(
      jsonPath,
      JSON.stringify({
        drifted: true,
        headline: { state: 'alert', datasetDrift: false, seen: 'no feature drifted' },
        performance: { drifted: true, rocAuc: 0.13, trainingRocAuc: 0.87 },
        decision: { decision: 'retrained' },
      }),
    );
    const lines = await describeLatestReport({ htmlPath: 'x.html', jsonPath, stamp: 'S', drifted: true });
    assert.equal(lines[1], 'dataset drift: no — no feature drifted, concept drift; decision: retrained');
  });

  it('falls back to drift or no drift for a report written before headlines and decisions', async () => {
    const jsonPath = join(dir, 'old.json');
    writeFileSync(jsonPath, JSON.stringify({ drifted: true }));
    const lines = await describeLatestReport({ htmlPath: 'x.html', jsonPath, stamp: 'S', drifted: true });
    assert.equal(lines[1], 'drift');
    const missing = await describeLatestReport({
      htmlPath: 'x',
      jsonPath: join(dir, 'gone.json'),
      stamp: 'S',
      drifted: false,
    });
    assert.equal(missing[1], 'no drift');
  });
});
