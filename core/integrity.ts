import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ArtifactIntegrityError } from './errors';

/** What to do about a registered file that is gone or changed: said once, the same everywhere. */
const REMEDY =
  'restore the file from a backup of the registry home, or retrain and promote a new version ' +
  '("mlcycle models rollback" returns serving to the previous version meanwhile)';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Refuses bytes that do not hash to the digest recorded when the file was registered. `what` names
 * the file's role ("the ONNX model of churn v3") so the message says which artifact of which version.
 */
export function checkArtifact(bytes: Uint8Array, path: string, expectedSha256: string, what: string): void {
  const actual = sha256Hex(bytes);
  if (actual === expectedSha256.toLowerCase()) return;
  throw new ArtifactIntegrityError(
    `${what} (${path}) fails its integrity check: sha256 ${actual}, expected ${expectedSha256}; ` +
      `it changed or was damaged after it was registered, so it is refused: ${REMEDY}`,
  );
}

/** Reads a registered file and checks its sha256; a missing or unreadable file is refused the same way. */
export async function readArtifact(path: string, expectedSha256: string, what: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${(error as Error).message})`;
    throw new ArtifactIntegrityError(
      `${what} (${path}) ${problem}; expected a file with sha256 ${expectedSha256}: ${REMEDY}`,
    );
  }
  checkArtifact(bytes, path, expectedSha256, what);
  return bytes;
}
