import { readFile } from 'node:fs/promises';
import { sha256Hex } from '../../core/integrity';
import type { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';

export interface ArtifactEntry {
  role: 'onnx' | 'expected' | 'model' | 'baseline';
  path: string;
  sha256: string | null;
  /** What the file holds now: `ok`, `missing`, `changed` (another digest) or `unchecked` (no digest recorded). */
  state: 'ok' | 'missing' | 'changed' | 'unchecked';
  actualSha256?: string;
}

/** A version's registered files, each checked against its recorded sha256 as it is now on disk. */
export async function versionArtifacts(registry: ModelRegistry, record: ModelVersionRecord): Promise<ArtifactEntry[]> {
  const baseline = registry.getBaseline(record.modelName, record.version);
  const files: Omit<ArtifactEntry, 'state'>[] = [
    { role: 'onnx', path: record.artifactPath, sha256: record.artifactSha256 },
    { role: 'expected', path: record.expectedPath, sha256: record.expectedSha256 },
    ...(record.modelPath ? [{ role: 'model' as const, path: record.modelPath, sha256: record.modelSha256 }] : []),
    ...(baseline ? [{ role: 'baseline' as const, path: baseline.path, sha256: baseline.sha256 }] : []),
  ];
  return Promise.all(files.map(async (file) => ({ ...file, ...(await check(file.path, file.sha256)) })));
}

async function check(path: string, sha256: string | null): Promise<Pick<ArtifactEntry, 'state' | 'actualSha256'>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return { state: 'missing' };
  }
  if (sha256 === null) return { state: 'unchecked' };
  const actual = sha256Hex(bytes);
  return actual === sha256 ? { state: 'ok' } : { state: 'changed', actualSha256: actual };
}
