import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DataAccessError } from '../core/errors';

/**
 * Opens a file for reading only if it is a regular file, checked on the opened descriptor (no race
 * between a check and the open). O_NONBLOCK keeps the open of a named pipe from waiting for a
 * writer; it changes nothing for regular files. Missing, unreadable and non-regular files are
 * DataAccessErrors, which no retry would fix; other I/O errors pass on and may be retried.
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataAccessError(`File not found: ${path}`);
    if (code === 'EACCES' || code === 'EPERM') throw new DataAccessError(`The worker may not read ${path}`);
    if (code === 'EISDIR') throw new DataAccessError(`${path} is a directory, not a file`);
    throw error;
  }
  const stats = await file.stat();
  if (!stats.isFile()) {
    await file.close();
    throw new DataAccessError(
      `${path} is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}, not a data file`,
    );
  }
  return file;
}
