import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

/** A new file written in order and hashed as it is written, so its sha256 needs no second read. */
export class HashingFile {
  private readonly hash: Hash = createHash('sha256');

  private constructor(private readonly file: FileHandle) {}

  /** Creates the file; an existing one is an error (names are unique per attempt). */
  static async create(path: string): Promise<HashingFile> {
    return new HashingFile(await open(path, 'wx'));
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    this.hash.update(bytes);
    await this.file.write(bytes);
  }

  /** Closes the file and returns the sha256 of everything written. */
  async close(): Promise<string> {
    await this.file.close();
    return this.hash.digest('hex');
  }

  /** Closes the file after a failure, when its digest no longer matters. */
  async abandon(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}
