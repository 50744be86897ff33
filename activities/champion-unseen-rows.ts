import { readCsvTable } from '../data/csv-reader';
import { sha256File } from '../data/sha256';
import { parseNumeric } from '../models/features';
import type { InputColumn, RawRecord } from '../models/types';
import type { ModelVersionRecord } from '../registry/types';
import { localPathOf } from './run-files';
import { readExpected } from './smoke-test';

// A version scores the rows it was fitted to better than rows it never saw, so comparing a new version
// with the champion on rows the champion trained on flatters the champion: a retrain on a file that
// overlaps the old one (the usual case) would lose to it by that margin alone. The gate therefore
// scores both on the new version's held-back rows that the champion never trained on: rows absent from
// the champion's data file, or among the champion's own held-back rows.

export type UnseenRows = { known: true; rows: number[] } | { known: false; reason: string };

/** Which of `records` (the candidate's held-back rows) the champion did not train on. */
export async function rowsUnseenByChampion(
  champion: ModelVersionRecord,
  inputs: readonly InputColumn[],
  records: readonly RawRecord[],
  onRowsRead?: (rows: number) => void,
): Promise<UnseenRows> {
  let path: string;
  try {
    path = localPathOf(champion.dataUri, 'dataUri');
  } catch {
    return { known: false, reason: `champion v${champion.version}'s data (${champion.dataUri}) is not a local file` };
  }
  let sha256: string;
  try {
    sha256 = await sha256File(path);
  } catch {
    return { known: false, reason: `champion v${champion.version}'s data file ${path} is gone` };
  }
  if (sha256 !== champion.dataSha256) {
    return { known: false, reason: `champion v${champion.version}'s data file ${path} changed since it trained` };
  }
  const keyOf = recordKey(inputs);
  const championHeldBack = new Set((await readExpected(champion)).records.map(keyOf));
  const { table } = await readCsvTable(path, onRowsRead ? { onProgress: onRowsRead } : {});
  const inChampionFile = new Set<string>();
  const row: RawRecord = {};
  for (let i = 0; i < table.rowCount; i++) {
    for (const { name } of inputs) row[name] = table.columns[name]?.[i] ?? '';
    inChampionFile.add(keyOf(row));
  }
  const rows = records.flatMap((record, i) => {
    const key = keyOf(record);
    return !inChampionFile.has(key) || championHeldBack.has(key) ? [i] : [];
  });
  return { known: true, rows };
}

/** One string per record over `inputs`, equal for a CSV row and the record built from it for training. */
function recordKey(inputs: readonly InputColumn[]): (record: RawRecord) => string {
  return (record) =>
    JSON.stringify(
      inputs.map(({ name, kind }) => {
        const value = record[name];
        if (kind !== 'numeric') return typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value);
        const number = typeof value === 'number' ? value : parseNumeric(value);
        return Number.isNaN(number) ? null : number;
      }),
    );
}
