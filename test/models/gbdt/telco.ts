import { readCsvTable } from '../../../data/csv-reader';
import type { InputColumn, RawTable } from '../../../models/types';
import { TELCO_CSV } from '../../helpers/paths';

const NUMERIC = new Set(['SeniorCitizen', 'tenure', 'MonthlyCharges', 'TotalCharges']);

/** The Telco table as the train step reads it, and its inputs (every column but the id and the target). */
export async function readTelco(): Promise<{ table: RawTable; inputs: InputColumn[] }> {
  const { table } = await readCsvTable(TELCO_CSV);
  const inputs = table.header
    .filter((name) => name !== 'customerID' && name !== 'Churn')
    .map((name): InputColumn => ({ name, kind: NUMERIC.has(name) ? 'numeric' : 'categorical' }));
  return { table, inputs };
}
