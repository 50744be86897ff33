import type { IncomingHttpHeaders } from 'node:http';
import type { RolloutRecord } from '../registry/rollouts';
import type { ModelPool, PoolLog } from './model-pool';
import type { ModelSource } from './model-source';
import { badRequest } from './problems';
import { pathVersion } from './versions';

/** Pins a caller to one version: `x-mlcycle-version: 3`. */
export const VERSION_HEADER = 'x-mlcycle-version';
/** A stable key of the caller (a user or session id): the same key lands on the same side of a canary. */
export const CALLER_HEADER = 'x-mlcycle-caller';

/** Which version answers a request, and which one (if any) scores a copy in the shadow. */
export interface Route {
  /** Undefined: the serving version. */
  version: number | undefined;
  /** The caller named the version (body or header): no canary split, no shadow copy. */
  pinned: boolean;
  shadow?: number;
}

/**
 * Decides which version answers each request by the registry's rollouts under way: a canary takes
 * `share` of the unpinned traffic, split by a stable hash of the caller key (random without one); a
 * shadow version gets a copy of every unpinned request. Follows the registry on the pool's interval,
 * staging candidate versions so their first requests do not wait for a load.
 */
export class TrafficRouter {
  private active = new Map<string, RolloutRecord>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly source: ModelSource,
    private readonly pool: ModelPool,
    private readonly refreshIntervalMs: number,
  ) {}

  start(log?: PoolLog): void {
    this.refresh(log);
    const tick = () => {
      this.timer = setTimeout(() => {
        this.refresh(log);
        if (!this.closed) tick();
      }, this.refreshIntervalMs);
      this.timer.unref();
    };
    tick();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Reads the rollouts under way; stages new candidates, lets ended ones go. */
  refresh(log?: PoolLog): void {
    let listed: RolloutRecord[];
    try {
      listed = this.source.rollouts?.listActive() ?? [];
    } catch (error) {
      log?.warn({ err: error }, 'could not read rollouts');
      return;
    }
    const next = new Map(listed.map((rollout) => [rollout.modelName, rollout]));
    for (const [name, old] of this.active) {
      const now = next.get(name);
      if (now?.id === old.id) continue;
      this.pool.unstage(name, old.candidateVersion);
      log?.info({ name, version: old.candidateVersion, strategy: old.strategy }, 'rollout ended');
    }
    for (const [name, rollout] of next) {
      if (this.active.get(name)?.id === rollout.id) continue;
      log?.info({ name, version: rollout.candidateVersion, strategy: rollout.strategy }, 'rollout started');
      this.pool.stage(name, rollout.candidateVersion).catch((error: unknown) => {
        log?.warn({ name, version: rollout.candidateVersion, err: error }, 'could not load rollout version');
      });
    }
    this.active = next;
  }

  rollout(name: string): RolloutRecord | undefined {
    return this.active.get(name);
  }

  activeRollouts(): RolloutRecord[] {
    return [...this.active.values()];
  }

  /**
   * The route of one request to model `name`. `pinned` is the version the caller named in the body or
   * the version header; `callerKey` splits a canary stably.
   */
  route(name: string, pinned: number | undefined, callerKey: string | undefined): Route {
    if (pinned !== undefined) return { version: pinned, pinned: true };
    const rollout = this.active.get(name);
    if (!rollout || rollout.candidateVersion === this.pool.servingVersion(name)) {
      return { version: undefined, pinned: false };
    }
    if (rollout.strategy === 'shadow') return { version: undefined, pinned: false, shadow: rollout.candidateVersion };
    const draw = callerKey === undefined ? Math.random() : stableFraction(`${rollout.id}:${callerKey}`);
    return { version: draw < (rollout.share ?? 0) ? rollout.candidateVersion : undefined, pinned: false };
  }
}

/** The version the `x-mlcycle-version` header pins, undefined without one; 400 naming the header if invalid. */
export function headerVersion(headers: IncomingHttpHeaders): number | undefined {
  const value = headers[VERSION_HEADER];
  if (value === undefined) return undefined;
  const checked = typeof value === 'string' ? pathVersion(value.trim()) : undefined;
  if (checked && 'version' in checked) return checked.version;
  const message = `The ${VERSION_HEADER} header must be a positive integer in digits (e.g. 3); got ${JSON.stringify(value)}`;
  throw badRequest(message, [{ row: null, field: VERSION_HEADER, message }]);
}

/** The caller key of a request: the `x-mlcycle-caller` header, when sent. */
export function callerKey(headers: IncomingHttpHeaders): string | undefined {
  const value = headers[CALLER_HEADER];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** FNV-1a of the key, as a fraction in [0, 1): the same key always draws the same. */
export function stableFraction(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}
