import type { IncomingHttpHeaders } from 'node:http';
import type { ModelPool, LoadedModel } from './model-pool';
import type { ModelSource } from './model-source';
import { badRequest, ServingError } from './problems';
import { ShadowScorer } from './traffic-shadow';
import type { ShadowLogWriter } from './shadow-log';
import { callerKey, headerVersion, type Route, TrafficRouter, VERSION_HEADER } from './traffic-router';
import { TrafficStats } from './traffic-stats';

/** A scoring server's traffic control: who answers (router), how each version fares (stats), shadow copies. */
export interface Traffic {
  router: TrafficRouter;
  stats: TrafficStats;
  shadow: ShadowScorer;
}

export function createTraffic(
  source: ModelSource,
  pool: ModelPool,
  refreshIntervalMs: number,
  shadowLog?: ShadowLogWriter,
): Traffic {
  const stats = new TrafficStats();
  return {
    router: new TrafficRouter(source, pool, refreshIntervalMs),
    stats,
    shadow: new ShadowScorer(pool, stats, shadowLog),
  };
}

/**
 * The route of a scoring request for any protocol: the version the body names, else the one the
 * `x-mlcycle-version` header pins, else the rollout's split. A body and header that disagree are a 400.
 */
export function routeRequest(
  traffic: Traffic | undefined,
  name: string,
  bodyVersion: number | undefined,
  headers: IncomingHttpHeaders,
): Route {
  const pinnedByHeader = headerVersion(headers);
  if (bodyVersion !== undefined && pinnedByHeader !== undefined && bodyVersion !== pinnedByHeader) {
    const message = `The body asks for version ${bodyVersion} and the ${VERSION_HEADER} header for ${pinnedByHeader}`;
    throw badRequest(message, [{ row: null, field: VERSION_HEADER, message }]);
  }
  const pinned = bodyVersion ?? pinnedByHeader;
  if (!traffic) return { version: pinned, pinned: pinned !== undefined };
  return traffic.router.route(name, pinned, callerKey(headers));
}

/**
 * Runs `use` with the routed version and counts the request for that version (latency, and whether it
 * failed with a 5xx). `live: false` (the deploy smoke test) is not counted.
 */
export async function withRoutedModel<T>(
  pool: ModelPool,
  traffic: Traffic | undefined,
  name: string,
  route: Route,
  live: boolean,
  use: (model: LoadedModel) => Promise<T>,
): Promise<T> {
  const started = performance.now();
  let answering: number | undefined;
  try {
    const result = await pool.withModel(name, route.version, (model) => {
      answering = model.record.version;
      return use(model);
    });
    if (live && answering !== undefined)
      traffic?.stats.recordRequest(name, answering, performance.now() - started, false);
    return result;
  } catch (error) {
    const status = error instanceof ServingError ? error.statusCode : 500;
    if (live && answering !== undefined && status >= 500) {
      traffic?.stats.recordRequest(name, answering, performance.now() - started, true);
    }
    throw error;
  }
}
