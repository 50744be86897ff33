import { createHash } from 'node:crypto';

/** Well under the 255-byte limit of common filesystems, leaving room for suffixes such as `.tmp`. */
const MAX_NAME_CHARS = 120;

/**
 * A workflow id, run id or model name as one file name that stays inside its folder. Percent
 * encoding keeps ordinary names readable (`telco-churn` stays `telco-churn`) but leaves `.` and
 * `..` as they are, which would name the folder itself or its parent: a leading dot is encoded
 * too. Names too long for a file system keep a readable start and end with a hash of the whole.
 */
export function safeFileName(name: string): string {
  const encoded = encodeURIComponent(name).replace(/^\./, '%2E').replace(/[*]/g, '%2A');
  if (encoded.length <= MAX_NAME_CHARS && encoded !== '') return encoded;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return `${encoded.slice(0, MAX_NAME_CHARS - 18).replace(/%[0-9A-F]?$/, '')}~${hash}`;
}
