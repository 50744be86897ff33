import { readCsvTable } from './csv-reader';

/**
 * A CSV's rows as request values for a stream, as /predict takes records: JSON of the raw columns by name,
 * `omit` left out (the label: the true outcome comes later, if at all). Fails on a file with no rows.
 */
export async function csvRowsAsRequestJson(path: string, omit: string[] = ['Churn']): Promise<string[]> {
  const { table, problems } = await readCsvTable(path);
  if (table.rowCount === 0) {
    throw new Error(`${path} has no rows to send: ${problems.map((problem) => problem.message).join('; ')}`);
  }
  const columns = table.header.filter((column) => !omit.includes(column));
  return Array.from({ length: table.rowCount }, (_, row) =>
    JSON.stringify(Object.fromEntries(columns.map((column) => [column, table.columns[column]?.[row] ?? '']))),
  );
}
