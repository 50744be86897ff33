import type { BatchScoreResult } from '../contracts/batch';
import { fileURLToPath } from 'node:url';

const count = new Intl.NumberFormat('en-US');

/** What a finished `batchScore` run did, as lines for the terminal (`score`, `score --trigger --wait`). */
export function describeBatchResult(result: BatchScoreResult): string[] {
  const rate = result.seconds > 0 ? `, ${count.format(Math.round(result.rows / result.seconds))} rows/s` : '';
  const logged = result.logSampled
    ? `${count.format(result.loggedRows)} scored rows logged for drift monitoring (a sample)`
    : `${count.format(result.loggedRows)} scored rows logged for drift monitoring`;
  return [
    `scored ${result.modelName} v${result.version}: ${count.format(result.rows)} rows read, ${count.format(result.scoredRows)} scored, ${count.format(result.rejectedRows)} rejected in ${result.seconds.toFixed(1)} s${rate}`,
    `output: ${uriPath(result.outputUri)} (sha256 ${result.outputSha256})`,
    `rejects: ${result.rejectsUri ? `${uriPath(result.rejectsUri)} (sha256 ${result.rejectsSha256 ?? '?'})` : 'none'}`,
    logged,
  ];
}

/** The absolute path of a file:// URI, for the terminal; a path as it is. */
function uriPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : uri;
}
