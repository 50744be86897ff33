import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { etaSeconds, formatEta, progressBar, progressLine } from '../../cli/batch-progress';
import { describeBatchResult } from '../../cli/batch-result';
import { batchScoreInput, type ScoreCommandOptions } from '../../cli/commands/score';
import { progressDisplay } from '../../cli/follow-batch';
import type { BatchScoreProgress } from '../../contracts/batch';
import { tempHome } from '../helpers/paths';

describe('`mlcycle score` builds its batchScore input from the flags', () => {
  const dir = tempHome('score-input');
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'customers.csv'), 'customerID,tenure\nA,1\n');
  writeFileSync(join(dir, 'notes.txt'), 'x');
  const options = (extra: Partial<ScoreCommandOptions>): ScoreCommandOptions => ({
    model: 'telco-churn',
    data: 'in/customers.csv',
    out: 'scored.csv',
    ...extra,
  });

  it('resolves relative --data and --out against the current directory and stores them absolute, with the numbers given', () => {
    const input = batchScoreInput(
      options({ version: '3', chunkRows: '5000', maxErrorRate: '0.05', idColumn: 'customerID' }),
      dir,
    );
    assert.deepEqual(input, {
      modelName: 'telco-churn',
      inputUri: join(dir, 'in', 'customers.csv'),
      outputUri: join(dir, 'scored.csv'),
      version: 3,
      chunkRows: 5000,
      maxErrorRate: 0.05,
      idColumn: 'customerID',
    });
  });

  it('takes file:// URIs and leaves the optional fields out when their flags are not given', () => {
    const input = batchScoreInput(
      options({ data: `file://${join(dir, 'in', 'customers.csv')}`, out: `file://${join(dir, 'out.parquet')}` }),
      '/',
    );
    assert.deepEqual(input, {
      modelName: 'telco-churn',
      inputUri: join(dir, 'in', 'customers.csv'),
      outputUri: join(dir, 'out.parquet'),
    });
  });

  it('refuses each bad flag with a message naming the flag and what is wrong', () => {
    const refusals: [Partial<ScoreCommandOptions>, RegExp][] = [
      [{ data: undefined }, /--data is required/],
      [{ out: undefined }, /--out is required/],
      [{ data: 'missing.csv' }, /--data \/.*\/missing\.csv: no such file/],
      [{ data: 'notes.txt' }, /--data \/.*\/notes\.txt: name a \.csv or \.parquet file/],
      [{ data: 's3://bucket/x.csv' }, /--data "s3:\/\/bucket\/x\.csv": s3: URIs are not supported/],
      [
        { out: 'no-such-folder/out.csv' },
        /--out \/.*\/no-such-folder\/out\.csv: the folder \/.*\/no-such-folder does not exist/,
      ],
      [{ out: 'in' }, /--out \/.*\/in: is a folder/],
      [{ out: 'scored.json' }, /--out \/.*\/scored\.json: name a \.csv or \.parquet file/],
      [{ out: 'in/customers.csv' }, /--out \/.*\/in\/customers\.csv is the input file/],
      [{ version: '0' }, /--version must be a whole number ≥ 1, got "0"/],
      [{ chunkRows: '1.5' }, /--chunk-rows must be a whole number ≥ 1, got "1\.5"/],
      [{ chunkRows: '20000000' }, /--chunk-rows \(chunkRows\) must be <= 10000000/],
      [{ maxErrorRate: '2' }, /--max-error-rate must be a share from 0 to 1 \(0\.01 is 1 %\), got "2"/],
      [{ model: '../x' }, /--model "\.\.\/x" is not a model name/],
      [{ idColumn: '' }, /--id-column \(idColumn\)/],
    ];
    for (const [extra, message] of refusals) {
      assert.throws(() => batchScoreInput(options(extra), dir), message, JSON.stringify(extra));
    }
  });
});

const progress = (extra: Partial<BatchScoreProgress>): BatchScoreProgress => ({
  modelName: 'telco-churn',
  version: 2,
  phase: 'scoring',
  rowsDone: 300_000,
  rowsTotal: 1_000_000,
  rejectedRows: 0,
  chunksDone: 3,
  chunksTotal: 10,
  rowsPerSecond: 100_000,
  ...extra,
});

describe('batch progress as the person running `score` sees it', () => {
  it('states rows done of the total, the rate and the time left at that rate', () => {
    assert.equal(
      progressLine(progress({})),
      '[telco-churn v2] scoring: 300,000/1,000,000 rows (30%), 100,000 rows/s, ETA 7 s',
    );
    assert.equal(etaSeconds(progress({ rowsPerSecond: 0 })), undefined, 'no rate yet, no estimate');
    assert.equal(formatEta(185), '3 min 5 s');
    assert.equal(formatEta(3720), '1 h 2 min');
  });

  it('counts rejected rows, and says nothing of a total or an ETA before the input is counted', () => {
    assert.equal(
      progressLine(progress({ phase: 'planning', version: null, rowsDone: 0, rowsTotal: null, rowsPerSecond: 0 })),
      '[telco-churn] planning: 0 rows',
    );
    assert.equal(
      progressLine(progress({ phase: 'done', rowsDone: 1_000_000, rejectedRows: 12 })),
      '[telco-churn v2] done: 1,000,000/1,000,000 rows (100%), 100,000 rows/s, 12 rejected',
    );
  });

  it('draws a bar filled in proportion to the rows done, fitted to the terminal width', () => {
    const bar = progressBar(progress({}), 200);
    assert.match(bar, /^\[(█+)(░+)\] 30% 300,000\/1,000,000 rows, 100,000 rows\/s, ETA 7 s · scoring$/);
    const [, filled = '', empty = ''] = /^\[(█+)(░+)\]/.exec(bar) ?? [];
    assert.deepEqual([filled.length, empty.length], [12, 28], 'a wide terminal gets the full 40-cell bar, 30% filled');
    assert.ok(progressBar(progress({}), 40).length < 40, 'a narrow terminal gets a line that fits');
  });

  it('redraws the bar in place on a terminal, and prints a line a chunk when piped', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 100, write: (text: string) => written.push(text) };
    const onTerminal = progressDisplay(terminal as unknown as NodeJS.WriteStream, () => assert.fail('no lines'));
    onTerminal.show(progress({}));
    onTerminal.show(progress({}));
    onTerminal.show(progress({ rowsDone: 400_000 }));
    onTerminal.finish();
    assert.equal(written.length, 3, 'an unchanged bar is not redrawn; the end is one newline');
    const clearLine = '\r\u001b[2K';
    assert.ok(written[0]?.startsWith(clearLine), 'each draw returns to the start of the line and clears it');
    assert.match(written[0]?.slice(clearLine.length) ?? '', /^\[█+░+\] 30%/);
    assert.match(written[1]?.slice(clearLine.length) ?? '', /^\[█+░+\] 40%/);
    assert.equal(written[2], '\n');

    const lines: string[] = [];
    const piped = progressDisplay({ isTTY: false } as unknown as NodeJS.WriteStream, (line) => lines.push(line));
    piped.show(progress({}));
    piped.show(progress({ rowsDone: 310_000 }));
    piped.show(progress({ rowsDone: 400_000, chunksDone: 4 }));
    assert.deepEqual(lines, [
      '[telco-churn v2] scoring: 300,000/1,000,000 rows (30%), 100,000 rows/s, ETA 7 s',
      '[telco-churn v2] scoring: 400,000/1,000,000 rows (40%), 100,000 rows/s, ETA 6 s',
    ]);
  });

  it("prints the result's counts, paths, version and time, and none for rejects when nothing was rejected", () => {
    const lines = describeBatchResult({
      modelName: 'telco-churn',
      version: 2,
      rows: 10_000,
      scoredRows: 9_990,
      rejectedRows: 10,
      outputUri: '/data/scored.csv',
      outputSha256: 'ab',
      rejectsUri: 'file:///data/scored.rejects.csv',
      rejectsSha256: 'cd',
      loggedRows: 9_990,
      logSampled: false,
      seconds: 2,
    });
    assert.deepEqual(lines, [
      'scored telco-churn v2: 10,000 rows read, 9,990 scored, 10 rejected in 2.0 s, 5,000 rows/s',
      'output: /data/scored.csv (sha256 ab)',
      'rejects: /data/scored.rejects.csv (sha256 cd)',
      '9,990 scored rows logged for drift monitoring',
    ]);
    const clean = describeBatchResult({
      modelName: 'm',
      version: 1,
      rows: 1,
      scoredRows: 1,
      rejectedRows: 0,
      outputUri: '/o.csv',
      outputSha256: 'ef',
      loggedRows: 1,
      logSampled: true,
      seconds: 0,
    });
    assert.equal(clean[2], 'rejects: none');
    assert.equal(clean[3], '1 scored rows logged for drift monitoring (a sample)');
  });
});
