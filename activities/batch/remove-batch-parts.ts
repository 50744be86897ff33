import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InvalidInputError } from '../../core/errors';

/** Deletes a finished run's scratch folder of parts; only folders under `<home>/batch`. */
export function createRemoveBatchParts(home: string) {
  return async function removeBatchParts({ workDir }: { workDir: string }): Promise<void> {
    const rest = relative(join(home, 'batch'), workDir);
    if (rest === '' || rest.startsWith('..') || rest.startsWith(sep)) {
      throw new InvalidInputError(`${workDir} is not a batch run's folder`);
    }
    await rm(workDir, { recursive: true, force: true });
  };
}
