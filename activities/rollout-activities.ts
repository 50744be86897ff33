import { Context, heartbeat, log, sleep } from '@temporalio/activity';
import { InvalidInputError } from '../core/errors';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelTrafficSnapshot } from '../contracts/rollout';
import { shadowBetween, trafficBetween } from './traffic-window';
import type { RolloutOptions, RolloutOutcome } from '../contracts/rollout';
import { currentRun } from './run-files';
import { describeShadow, judgeCanary, ROLLOUT_DEFAULTS } from './rollout-verdict';
import { ScoringClient } from './scoring-client';
import { stageAndSmokeTest } from './smoke-test';

export interface RolloutDeps {
  registry: ModelRegistry;
  scoringUrl: string;
  adminToken?: string;
}

export interface StartRolloutInput {
  modelName: string;
  version: number;
  strategy: 'canary' | 'shadow';
  share: number;
}

export type StartedRollout =
  | { started: true; rolloutId: number; championVersion: number; smokeRows: number }
  /** `direct`: nothing serves, so there is nothing to split or shadow against: deploy it directly. */
  | { started: false; direct: boolean; reason: string; servingVersion: number | null };

export interface WatchRolloutInput {
  modelName: string;
  rolloutId: number;
  version: number;
  championVersion: number;
  options: RolloutOptions;
}

export interface FinishRolloutInput {
  modelName: string;
  rolloutId: number;
  version: number;
  outcome: RolloutOutcome['outcome'];
  reason: string;
}

const POLL_MS = 1000;

export function createRolloutActivities({ registry, scoringUrl, adminToken }: RolloutDeps) {
  const client = new ScoringClient(scoringUrl, adminToken);
  // Servers follow the registry within their poll interval anyway; this only saves that delay.
  const refreshServer = async (): Promise<void> => {
    try {
      await client.refreshRollouts();
    } catch (error) {
      log.warn('rollout refresh not applied', { error: String(error) });
    }
  };

  /** Smoke-tests the version, then records the rollout in the registry, which every scoring server follows. */
  async function startRollout({ modelName, version, strategy, share }: StartRolloutInput): Promise<StartedRollout> {
    const record = registry.getVersion(modelName, version);
    if (!record) throw new InvalidInputError(`${modelName} has no version ${version} in the registry`);
    const champion = registry.getServing(modelName);
    if (!champion)
      return {
        started: false,
        direct: true,
        reason: `nothing serves ${modelName} yet, so no ${strategy}`,
        servingVersion: null,
      };
    const smoke = await stageAndSmokeTest(client, record);
    if (!smoke.passed) {
      const reason = `${smoke.reason}; version ${champion.version} keeps serving`;
      registry.markRejected(modelName, version, reason, currentRun());
      return { started: false, direct: false, reason, servingVersion: champion.version };
    }
    const rollout = registry.rollouts.start({
      modelName,
      candidateVersion: version,
      championVersion: champion.version,
      strategy,
      share: strategy === 'canary' ? share : null,
      run: currentRun(),
    });
    await refreshServer();
    log.info('rollout started', { modelName, version, strategy, rolloutId: rollout.id });
    return { started: true, rolloutId: rollout.id, championVersion: champion.version, smokeRows: smoke.rows };
  }

  /**
   * Watches the scoring server's counters for `watchSeconds` (heartbeating; a retry resumes the same
   * window from its heartbeat) and returns the verdict: a canary promoted or rolled back, a shadow
   * observed. A canary whose error guard is breached is rolled back at once.
   */
  async function watchRollout(input: WatchRolloutInput): Promise<RolloutOutcome> {
    const { modelName, version, championVersion, options } = input;
    const watchMs = (options.watchSeconds ?? ROLLOUT_DEFAULTS.watchSeconds) * 1000;
    const resumed = (Context.current().info.heartbeatDetails ?? undefined) as
      { startedAt: number; before: ModelTrafficSnapshot } | undefined;
    const startedAt = resumed?.startedAt ?? Date.now();
    const before = resumed?.before ?? (await client.rolloutStats(modelName));
    const minRequests = options.minRequests ?? ROLLOUT_DEFAULTS.minRequests;
    const share = options.strategy === 'canary' ? (options.share ?? ROLLOUT_DEFAULTS.share) : null;
    for (;;) {
      const rollout = registry.rollouts.get(input.rolloutId);
      const now = await client.rolloutStats(modelName);
      const elapsed = Date.now() - startedAt;
      const final = elapsed >= watchMs;
      const candidate = trafficBetween(before, now, version);
      const champion = trafficBetween(before, now, championVersion);
      const base = {
        strategy: options.strategy as 'canary' | 'shadow',
        candidateVersion: version,
        championVersion,
        share,
      };
      const watchedSeconds = Math.round(elapsed / 100) / 10;
      if (rollout?.endedAt) {
        // Ended elsewhere (superseded by a newer run, or by hand): nothing left to decide here.
        return {
          ...base,
          watchedSeconds,
          outcome: 'rolled-back',
          reason: `rollout ended elsewhere: ${rollout.reason ?? rollout.outcome}`,
          candidate,
          champion,
        };
      }
      if (options.strategy === 'shadow') {
        if (final) {
          const shadow = shadowBetween(before, now, version);
          const { dropped: _dropped, ...agreement } = shadow;
          return {
            ...base,
            watchedSeconds,
            outcome: 'observed',
            reason: describeShadow(version, agreement, minRequests),
            candidate,
            champion,
            shadow: agreement,
          };
        }
      } else {
        const verdict = judgeCanary(options, candidate, champion, final);
        if (verdict.decided) {
          return {
            ...base,
            watchedSeconds,
            outcome: verdict.promote ? 'promoted' : 'rolled-back',
            reason: verdict.reason,
            candidate,
            champion,
          };
        }
      }
      heartbeat({ startedAt, before, candidate });
      await sleep(Math.min(POLL_MS, Math.max(watchMs - elapsed, 10)));
    }
  }

  /** Ends the rollout in the registry; a promotion also moves the serving pointer. Idempotent. */
  async function finishRollout({
    modelName,
    rolloutId,
    version,
    outcome,
    reason,
  }: FinishRolloutInput): Promise<{ servingVersion: number | null }> {
    const ended = registry.rollouts.get(rolloutId);
    if (!ended?.endedAt) {
      if (outcome === 'promoted') {
        if (registry.getServing(modelName)?.version !== version)
          registry.markServing(modelName, version, reason, currentRun());
      } else {
        registry.markRejected(modelName, version, reason, currentRun());
      }
      registry.rollouts.end(rolloutId, outcome, reason);
    }
    if (outcome === 'promoted') {
      // The registry already serves it and every replica follows within its poll: this only saves the delay.
      await client.promote(modelName, version).catch((error: unknown) => {
        log.warn('direct promote not applied; servers follow the registry', { error: String(error) });
      });
    }
    await refreshServer();
    log.info('rollout finished', { modelName, version, outcome, reason });
    return { servingVersion: registry.getServing(modelName)?.version ?? null };
  }

  return { startRollout, watchRollout, finishRollout };
}
