import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import type { RetrainData } from '../../contracts/monitor-activities';
import { createPrepareRetrainData } from '../../activities/prepare-retrain-data';
import { readCsvTable } from '../../data/csv-reader';
import { validateTable } from '../../data/validate';
import { PredictionLogReader, PredictionLogWriter } from '../../monitoring/prediction-log';
import { ModelRegistry } from '../../registry/model-registry';
import type { RetrainPolicy } from '../../contracts';
import { placeholderVersion } from '../helpers/model-version';
import { TELCO_CSV, tempHome } from '../helpers/paths';

type Row = Record<string, string>;

// The retrain data of a drift-triggered retrain, built from a real registry, prediction log and CSV.
describe('prepareRetrainData activity', () => {
  const home = tempHome('retrain-data');
  const original = join(home, 'original.csv');
  let registry: ModelRegistry;
  /** The scoring server's side, which the test writes through; the activity reads through its own. */
  let log: PredictionLogWriter;
  let reader: PredictionLogReader;
  const telco = Papa.parse<Row>(readFileSync(TELCO_CSV, 'utf8').trim(), { header: true }).data;

  before(() => {
    writeFileSync(original, readFileSync(TELCO_CSV, 'utf8').trim().split('\n').slice(0, 401).join('\n') + '\n');
    registry = ModelRegistry.open(home);
    registry.register(placeholderVersion({ dataUri: original, dataRows: 400, params: { idColumn: 'customerID' } }));
    log = PredictionLogWriter.open(home);
    reader = PredictionLogReader.open(home);
    // Ten live customers (Telco rows 1000+), six of them with feedback.
    log.append(
      telco.slice(1000, 1010).map(({ customerID: _id, Churn: _churn, ...features }, i) => ({
        id: `p-${i}`,
        modelName: 'churn',
        version: 1,
        time: Date.now() - 60_000,
        probability: 0.3,
        features: { ...features, tenure: Number(features.tenure) },
        positiveLabel: 'Yes',
      })),
    );
    const outcome = log.recordFeedback(
      [0, 1, 2, 3, 4, 5].map((i) => ({ id: `p-${i}`, label: i % 2 === 0 ? 1 : 'No' })),
    );
    assert.equal(outcome.accepted, 6);
  });
  after(() => {
    log.close();
    reader.close();
    registry.close();
  });

  const prepare = (
    policy: RetrainPolicy,
    options: { modelName?: string; version?: number; minNewLabelled?: number } = {},
  ): Promise<RetrainData> =>
    new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') }).run(
      createPrepareRetrainData({ registry, predictionLog: reader, home, dataRoots: [home] }),
      { modelName: 'churn', version: 1, policy, windowTo: new Date().toISOString(), ...options },
    );

  /** A later version of `modelName` trained on `dataUri`, as a retrain registers it. */
  const registerRetrain = (modelName: string, dataUri: string, idColumn: string | null): number =>
    registry.register(
      placeholderVersion({
        modelName,
        dataUri,
        dataSha256: 'e'.repeat(64),
        dataRows: 0,
        params: { idColumn },
        workflowId: `retrain-of-${dataUri}`,
      }),
    ).record.version;

  it('appends every labelled live record to the original data as a CSV that validates', async () => {
    const data = await prepare({ mode: 'original+labelled' });
    assert.equal(data.liveRows, 6);
    assert.equal(data.rows, 406);
    const { table, problems } = await readCsvTable(data.dataUri);
    assert.deepEqual(problems, []);
    assert.equal(table.rowCount, 406);
    const report = validateTable(table, { target: 'Churn', minRowsPerClass: 1 });
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(table.columns.customerID?.slice(400), [
      'live-p-0',
      'live-p-1',
      'live-p-2',
      'live-p-3',
      'live-p-4',
      'live-p-5',
    ]);
    assert.deepEqual(table.columns.Churn?.slice(400), ['Yes', 'No', 'Yes', 'No', 'Yes', 'No']);
    assert.equal(table.columns.PaymentMethod?.[400], telco[1000]?.PaymentMethod);
    assert.equal(table.columns.tenure?.[401], telco[1001]?.tenure);
  });

  it('uses the original data alone, or a given URI, when the policy says so', async () => {
    assert.deepEqual(await prepare({ mode: 'original' }), { dataUri: original, rows: 400, liveRows: 0 });
    const newData = join(home, 'new-data.csv');
    writeFileSync(newData, 'a,b\n1,2\n');
    assert.equal((await prepare({ mode: 'dataUri', dataUri: `file://${newData}` })).dataUri, newData);
  });

  it('leaves out labelled records the version was already trained on and counts only the new ones', async () => {
    const first = await prepare({ mode: 'original+labelled' });
    const v2 = registerRetrain('churn', first.dataUri, 'customerID');
    const again = await prepare({ mode: 'original+labelled' }, { version: v2 });
    assert.equal(again.liveRows, 0);
    assert.equal(again.knownLiveRows, 6);
    assert.equal(again.dataUri, first.dataUri, "nothing new: the version's own data");
    assert.equal(again.rows, 406);
  });

  it('writes nothing and says so when fewer new labelled records than the minimum exist', async () => {
    const data = await prepare({ mode: 'original+labelled' }, { minNewLabelled: 7 });
    assert.equal(data.tooFewLabelled, true);
    assert.equal(data.liveRows, 6);
    assert.equal(data.dataUri, original);
    const enough = await prepare({ mode: 'original+labelled' }, { minNewLabelled: 6 });
    assert.equal(enough.tooFewLabelled, undefined);
    assert.equal(enough.liveRows, 6);
  });

  it('knows the live records of data without an id column from the list written beside it', async () => {
    const lines = readFileSync(original, 'utf8').trim().split('\n');
    const withoutId = join(home, 'no-id.csv');
    writeFileSync(withoutId, lines.map((line) => line.split(',').slice(1).join(',')).join('\n') + '\n');
    registry.register({
      ...registry.getVersion('churn', 1)!,
      modelName: 'no-id',
      dataUri: withoutId,
      params: { idColumn: null },
      workflowId: 'no-id-train',
    });
    log.append(
      telco.slice(2000, 2003).map(({ customerID: _id, Churn: _churn, ...features }, i) => ({
        id: `n-${i}`,
        modelName: 'no-id',
        version: 1,
        time: Date.now() - 60_000,
        probability: 0.3,
        features: { ...features, tenure: Number(features.tenure) },
        positiveLabel: 'Yes',
      })),
    );
    assert.equal(log.recordFeedback([0, 1, 2].map((i) => ({ id: `n-${i}`, label: 'Yes' }))).accepted, 3);
    const first = await prepare({ mode: 'original+labelled' }, { modelName: 'no-id' });
    assert.equal(first.liveRows, 3);
    const { table } = await readCsvTable(first.dataUri);
    assert.equal(table.rowCount, 403);
    assert.ok(!table.header.includes('customerID'));
    const v2 = registerRetrain('no-id', first.dataUri, null);
    const again = await prepare({ mode: 'original+labelled' }, { modelName: 'no-id', version: v2 });
    assert.deepEqual([again.liveRows, again.knownLiveRows], [0, 3]);
  });
});
