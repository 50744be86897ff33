import { heartbeat } from '@temporalio/activity';
import { readCsvTable, type CsvReadResult } from '../data/csv-reader';

/** Streams a CSV in an activity, heartbeating as rows come in so a lost worker is noticed on large files. */
export function readCsvHeartbeating(path: string): Promise<CsvReadResult> {
  return readCsvTable(path, { onProgress: (rowsRead) => heartbeat({ stage: 'reading', rowsRead }) });
}
