import { heartbeat, log } from '@temporalio/activity';
import { join } from 'node:path';
import { profileTable } from '../data/profile';
import { sha256File } from '../data/sha256';
import { validateTable } from '../data/validate';
import { invalidDataFailure } from './failures';
import { readCsvHeartbeating } from './read-csv';
import { validatedData } from './validated-data';
import { currentRunDir, dataPathFromUri, writeJsonFile } from './run-files';
import type { ValidateDataInput, ValidatedData } from '../contracts/lifecycle-activities';

export function createValidateData(home: string, dataRoots: readonly string[]) {
  return async function validateData(input: ValidateDataInput): Promise<ValidatedData> {
    const dataPath = await dataPathFromUri(input.dataUri, dataRoots);
    const dataSha256 = await sha256File(dataPath);
    heartbeat({ stage: 'reading', dataSha256 });
    const { table, problems: readProblems } = await readCsvHeartbeating(dataPath);
    const report = validateTable(table, {
      target: input.target,
      positiveLabel: input.positiveLabel,
      idColumn: input.idColumn,
      minRowsPerClass: input.minRowsPerClass,
      maxCategories: input.maxCategories,
      maxFeatures: input.maxFeatures,
      readProblems,
    });
    if (!report.ok) throw invalidDataFailure(`${dataPath} is not usable for training`, report.problems);
    heartbeat({ stage: 'profiling' });
    const profile = await profileTable(table, report.inputs);
    const profilePath = join(await currentRunDir(home), 'profile.json');
    await writeJsonFile(profilePath, { dataSha256, rows: report.rows, columns: profile });
    log.info('data validated', {
      dataPath,
      rows: report.rows,
      missing: report.missing,
      categoryBlanks: report.categoryBlanks,
      warnings: report.warnings,
    });
    return validatedData(report, { dataPath, dataSha256, profilePath });
  };
}
