import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPredictBody, checkRecords, MAX_DETAILS } from '../../serving/request-validation';
import { RECORDS, SPEC } from './helpers';

const valid = () => RECORDS.map((record) => ({ ...record }));

describe('checkPredictBody', () => {
  it('accepts a body with records and an optional model and version', () => {
    const checked = checkPredictBody({ model: 'churn', version: 2, records: valid() });
    assert.equal(checked.findings, undefined);
    assert.equal(checked.request?.records.length, RECORDS.length);
  });

  for (const [label, body, field] of [
    ['a body that is not an object', [1, 2], null],
    ['a null body', null, null],
    ['missing records', { model: 'churn' }, 'records'],
    ['records that are not an array', { records: { tenure: 1 } }, 'records'],
    ['empty records', { records: [] }, 'records'],
    ['a model that is not a string', { model: 3, records: valid() }, 'model'],
    ['a version that is not a positive integer', { version: 1.5, records: valid() }, 'version'],
  ] as const) {
    it(`rejects ${label}, naming the field`, () => {
      const { findings } = checkPredictBody(body);
      assert.ok(findings, 'expected findings');
      assert.equal(findings.details[0]?.field, field);
      assert.equal(findings.details[0]?.row, null);
    });
  }

  it('rejects more records than maxRecords', () => {
    const { findings } = checkPredictBody({ records: valid() }, 5);
    assert.match(findings?.details[0]?.message ?? '', /holds 6 records; at most 5/);
  });
});

describe('checkRecords', () => {
  it('accepts numbers, numeric strings, null and blank numerics and ignores extra fields', () => {
    assert.deepEqual(checkRecords(valid(), SPEC), { details: [], count: 0 });
  });

  it('reports every problem with its 0-based row and field, not only the first', () => {
    const records: unknown[] = valid();
    records[1] = { ...RECORDS[1], tenure: 'twelve', Contract: 7 };
    records[3] = 'not a record';
    const withoutCharges: Record<string, unknown> = { ...RECORDS[4] };
    delete withoutCharges.MonthlyCharges;
    records[4] = withoutCharges;
    records[5] = { ...RECORDS[5], InternetService: 'Satellite', TotalCharges: true };
    const { details, count } = checkRecords(records, SPEC);
    assert.equal(count, 6);
    assert.deepEqual(
      details.map(({ row, field }) => [row, field]),
      [
        [1, 'tenure'],
        [1, 'Contract'],
        [3, null],
        [4, 'MonthlyCharges'],
        [5, 'InternetService'],
        [5, 'TotalCharges'],
      ],
    );
    assert.match(details[3]?.message ?? '', /missing column "MonthlyCharges"/);
  });

  it('lists the known levels when a category was not seen in training', () => {
    const { details } = checkRecords([{ ...RECORDS[0], Contract: 'Three year' }], SPEC);
    assert.equal(details.length, 1);
    assert.match(
      details[0]?.message ?? '',
      /unseen category "Three year"; known: "Month-to-month", "One year", "Two year"/,
    );
  });

  it('rejects a null category (the blank level is the empty string) and non-decimal numbers', () => {
    const { details } = checkRecords(
      [{ ...RECORDS[0], InternetService: null, tenure: 'Infinity', MonthlyCharges: '0x1f', TotalCharges: Number.NaN }],
      SPEC,
    );
    assert.deepEqual(
      details.map((d) => d.field),
      ['tenure', 'MonthlyCharges', 'InternetService', 'TotalCharges'],
    );
  });

  it(`caps the listed problems at ${MAX_DETAILS} but counts them all`, () => {
    const records = Array.from({ length: 300 }, () => ({ tenure: 'x' }));
    const { details, count } = checkRecords(records, SPEC);
    assert.equal(details.length, MAX_DETAILS);
    assert.equal(count, 300 * SPEC.inputs.length);
  });
});
