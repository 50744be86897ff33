import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rowsUnseenByChampion } from '../../activities/champion-unseen-rows';
import { sha256File } from '../../data/sha256';
import type { InputColumn, RawRecord } from '../../models/types';
import type { ModelVersionRecord } from '../../registry/types';
import { placeholderVersion } from '../helpers/model-version';
import { tempHome } from '../helpers/paths';

const inputs: InputColumn[] = [
  { name: 'tenure', kind: 'numeric' },
  { name: 'Contract', kind: 'categorical' },
];

async function championOn(csv: string, heldBack: RawRecord[]): Promise<ModelVersionRecord> {
  const dir = tempHome('unseen-rows');
  const dataPath = join(dir, 'champion.csv');
  writeFileSync(dataPath, csv);
  const expectedPath = join(dir, 'expected.json');
  writeFileSync(expectedPath, JSON.stringify({ records: heldBack, probabilities: heldBack.map(() => 0.5) }));
  const entry = placeholderVersion({ dataUri: dataPath, dataSha256: await sha256File(dataPath), expectedPath });
  return {
    ...entry,
    version: 2,
    createdAt: new Date().toISOString(),
    modelPath: null,
    modelSha256: null,
    expectedSha256: null,
  };
}

describe('the rows of a new version the champion never trained on', () => {
  it("keeps rows absent from the champion's file and its own held-back rows, drops the rows it trained on", async () => {
    const csv = 'customerID,tenure,Contract,Churn\nA,1,Month-to-month,Yes\nB,24,One year,No\nC, 60 ,Two year,No\n';
    // B was one of the champion's held-back rows; A and C (written " 60 " in its file) it trained on.
    const champion = await championOn(csv, [{ tenure: 24, Contract: 'One year' }]);
    const candidate: RawRecord[] = [
      { tenure: 1, Contract: 'Month-to-month' },
      { tenure: 24, Contract: 'One year' },
      { tenure: 60, Contract: 'Two year' },
      { tenure: 5, Contract: 'Two year' },
      { tenure: null, Contract: '' },
    ];
    assert.deepEqual(await rowsUnseenByChampion(champion, inputs, candidate), { known: true, rows: [1, 3, 4] });
  });

  it("says it cannot tell when the champion's data file is gone or changed, rather than guessing", async () => {
    const champion = await championOn('tenure,Contract,Churn\n1,One year,No\n', []);
    writeFileSync(champion.dataUri, 'tenure,Contract,Churn\n2,One year,No\n');
    const changed = await rowsUnseenByChampion(champion, inputs, [{ tenure: 1, Contract: 'One year' }]);
    assert.equal(changed.known, false);
    assert.match(changed.known ? '' : changed.reason, /changed since it trained/);
    const gone = await rowsUnseenByChampion({ ...champion, dataUri: '/nowhere/x.csv' }, inputs, []);
    assert.match(gone.known ? '' : gone.reason, /is gone/);
  });
});
