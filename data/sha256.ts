import { createHash } from 'node:crypto';
import { openRegularFile } from './open-regular-file';

/**
 * Hex sha256 of a file's bytes, read as a stream so the file's size does not matter. Only regular
 * files: a device (/dev/zero never ends), a named pipe (blocks until a writer comes) or a directory
 * is refused with a DataAccessError before a byte is read.
 */
export async function sha256File(path: string): Promise<string> {
  const file = await openRegularFile(path);
  const hash = createHash('sha256');
  for await (const chunk of file.createReadStream()) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
