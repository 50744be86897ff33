import { ScoringClient } from '../../activities/scoring-client';
import { loadConfig } from '../../core/config';
import { DEFAULT_REFRESH_INTERVAL_MS } from '../../serving/model-pool';

const PROBE_TIMEOUT_MS = 2000;

/**
 * After the registry's serving pointer moved: tells the scoring server of this environment
 * (MLCYCLE_SCORING_URL, else MLCYCLE_HOST:MLCYCLE_PORT) to serve `version` now, through the admin
 * route the deploy step uses. Other servers, or this one if it does not answer, follow the registry
 * on their next refresh. Returns the line to print; never throws, the registry change already stands.
 */
export async function notifyScoringServer(modelName: string, version: number): Promise<string> {
  const { scoringUrl, adminToken } = loadConfig();
  const later = `scoring servers pick v${version} up from the registry within their refresh interval (${DEFAULT_REFRESH_INTERVAL_MS / 1000} s by default)`;
  try {
    await fetch(`${scoringUrl}/health/live`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch {
    return `no scoring server answers at ${scoringUrl}: ${later}`;
  }
  try {
    await new ScoringClient(scoringUrl, adminToken).promote(modelName, version);
    return `the scoring server at ${scoringUrl} serves v${version} now`;
  } catch (error) {
    return `the scoring server at ${scoringUrl} did not switch: ${(error as Error).message}; it keeps its current version and retries on its next refresh`;
  }
}
