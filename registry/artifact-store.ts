import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFileName } from '../core/file-names';

/**
 * Content-addressed files under the registry: a file's name is its sha256, written to a temporary
 * name and renamed into place, so a crash leaves either nothing or a complete file, and writing the
 * same bytes twice (an activity retry) is a no-op.
 */
export class ArtifactStore {
  constructor(private readonly root: string) {}

  async put(modelName: string, bytes: Uint8Array, extension: string): Promise<{ path: string; sha256: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = join(this.root, safeFileName(modelName));
    const path = join(dir, `${sha256}${extension}`);
    if (await exists(path)) return { path, sha256 };
    await mkdir(dir, { recursive: true });
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
    return { path, sha256 };
  }

  async copyIn(modelName: string, sourcePath: string, extension: string): Promise<{ path: string; sha256: string }> {
    return this.put(modelName, await readFile(sourcePath), extension);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
