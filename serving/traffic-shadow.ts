import type { Prediction } from '../contracts/http';
import type { RawRecord } from '../models/types';
import type { ModelPool } from './model-pool';
import { checkRecords } from './request-validation';
import type { ShadowLogWriter } from './shadow-log';
import type { TrafficStats } from './traffic-stats';

/** Shadow scorings under way beyond which copies are dropped (and counted) rather than queued. */
const MAX_SHADOW_IN_FLIGHT = 32;

/**
 * Scores a copy of a request with a shadow version after the caller's answer is on its way: it never
 * delays or changes that answer, and a shadow failure is only counted. Its answers go to the shadow
 * log and into the agreement counters the rollout watcher reads.
 */
export class ShadowScorer {
  private inFlight = 0;

  constructor(
    private readonly pool: ModelPool,
    private readonly stats: TrafficStats,
    private readonly log: ShadowLogWriter | undefined,
  ) {}

  copy(name: string, version: number, records: readonly RawRecord[], served: ServedAnswer): void {
    if (this.inFlight >= MAX_SHADOW_IN_FLIGHT) {
      this.stats.recordShadow(name, version, 'dropped');
      return;
    }
    this.inFlight += 1;
    // After the current I/O phase: the caller's response is written before the shadow scoring starts.
    setImmediate(() => {
      void this.score(name, version, records, served).finally(() => {
        this.inFlight -= 1;
      });
    });
  }

  private async score(name: string, version: number, records: readonly RawRecord[], served: ServedAnswer) {
    try {
      await this.pool.withModel(name, version, async ({ record, scorer }) => {
        if (checkRecords(records, record.spec).count > 0) throw new Error('the shadow version refuses these records');
        const probabilities = await scorer.score(record.spec.inputs, records);
        const time = Date.now();
        const absDiffs: number[] = [];
        let sameLabel = 0;
        const entries = served.predictions.map((prediction, i) => {
          const probability = probabilities[i] as number;
          const label = probability >= record.threshold ? 1 : 0;
          if (label === prediction.label) sameLabel += 1;
          absDiffs.push(Math.abs(probability - prediction.probability));
          return {
            id: prediction.id,
            time,
            model: name,
            version,
            probability,
            label,
            servedVersion: served.version,
            servedProbability: prediction.probability,
            servedLabel: prediction.label,
          } as const;
        });
        this.stats.recordShadow(name, version, { sameLabel, absDiffs });
        this.log?.append(entries);
      });
    } catch {
      this.stats.recordShadow(name, version, 'error');
    }
  }
}

export interface ServedAnswer {
  version: number;
  predictions: readonly Prediction[];
}
