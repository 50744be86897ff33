import { heartbeat, log } from '@temporalio/activity';
import { InvalidInputError } from '../core/errors';
import { classificationMetrics } from '../models/metrics';
import { OnnxScorer } from '../models/onnx-scorer';
import type { RawRecord } from '../models/types';
import { CHALLENGER } from '../registry/aliases';
import type { ModelRegistry } from '../registry/model-registry';
import type { ModelVersionRecord } from '../registry/types';
import { checkRecords } from '../serving/request-validation';
import type { GateMetrics, GateOutcome, PromotionRule } from '../contracts/rollout';
import { judgePromotion } from './promotion-rule';
import { currentRun } from './run-files';
import { readExpected } from './smoke-test';
import { rowsUnseenByChampion } from './champion-unseen-rows';

export interface CompareWithChampionInput {
  modelName: string;
  version: number;
  rule?: PromotionRule;
}

const SCORE_BATCH = 2000;
/** Fewer rows than this (or of one class) give metrics too noisy to rank two versions by. */
const MIN_COMPARED_ROWS = 100;
const MIN_CLASS_ROWS = 10;

/**
 * The promotion gate against the champion: both versions' ONNX files score the new version's held-back
 * test rows (the ones the champion accepts), their metrics are computed the same way, and the rule
 * decides. No champion, the version itself serving, another target, or no labels kept: no comparison,
 * with the reason, and the run's own minimum-ROC-AUC gate alone decides.
 */
export function createCompareWithChampion(registry: ModelRegistry) {
  return async function compareWithChampion({
    modelName,
    version,
    rule,
  }: CompareWithChampionInput): Promise<GateOutcome> {
    const candidate = registry.getVersion(modelName, version);
    if (!candidate) throw new InvalidInputError(`${modelName} has no version ${version} in the registry`);
    const champion = registry.getServing(modelName);
    if (!champion) return { compared: false, reason: 'no version serves yet: no champion to beat' };
    if (champion.version === version) return { compared: false, reason: `version ${version} already serves` };
    if (champion.target !== candidate.target || champion.positiveLabel !== candidate.positiveLabel) {
      return {
        compared: false,
        reason: `not compared: champion v${champion.version} predicts ${champion.target}=${champion.positiveLabel}, version ${version} ${candidate.target}=${candidate.positiveLabel}`,
      };
    }
    const expected = await readExpected(candidate);
    const labels = expected.labels;
    if (!labels || labels.length !== expected.records.length) {
      return { compared: false, reason: `not compared: version ${version} kept no labels for its held-back rows` };
    }
    // Rows the champion cannot take (a column it needs that the new version dropped, say) are left out,
    // and so are rows it trained on (champion-unseen-rows.ts says why).
    const unseen = await rowsUnseenByChampion(champion, candidate.spec.inputs, expected.records, (rows) =>
      heartbeat({ championRowsRead: rows }),
    );
    const fair = unseen.known ? new Set(unseen.rows) : undefined;
    const usable = expected.records.flatMap((record, row) =>
      (fair === undefined || fair.has(row)) && checkRecords([record], champion.spec).count === 0 ? [row] : [],
    );
    const y = usable.map((row) => labels[row] as number);
    const positives = y.reduce((sum, label) => sum + label, 0);
    const fairRows = unseen.known
      ? `${unseen.rows.length} of its ${expected.records.length} held-back rows are new to champion v${champion.version} (it trained on the rest)`
      : `${expected.records.length} held-back rows`;
    if (y.length < MIN_COMPARED_ROWS || positives < MIN_CLASS_ROWS || y.length - positives < MIN_CLASS_ROWS) {
      return {
        compared: false,
        reason: `not compared: ${fairRows}; the champion accepts ${usable.length} of them (${positives} positive), fewer than the ${MIN_COMPARED_ROWS} rows with ${MIN_CLASS_ROWS} of each class a fair comparison needs`,
      };
    }
    if (!unseen.known) log.warn('the champion may have trained on some compared rows', { reason: unseen.reason });
    const records = usable.map((row) => expected.records[row] as RawRecord);
    const championP = await scoreAll(champion, records);
    const candidateP = await scoreAll(candidate, records);
    const championMetrics = gateMetrics(y, championP, champion.threshold);
    const candidateMetrics = gateMetrics(y, candidateP, candidate.threshold);
    const verdict = judgePromotion(rule, candidateMetrics, championMetrics, {
      candidate: version,
      champion: champion.version,
      rows: y.length,
    });
    log.info('compared with the champion', { modelName, version, champion: champion.version, ...verdict });
    // A loser is the challenger: the alias says which version would be next (set once; a retry changes nothing).
    if (!verdict.passed)
      registry.aliases.set(modelName, CHALLENGER, version, { reason: verdict.reason, actor: currentRun() });
    return {
      compared: true,
      championVersion: champion.version,
      candidateVersion: version,
      rows: y.length,
      champion: championMetrics,
      candidate: candidateMetrics,
      ...verdict,
    };
  };
}

async function scoreAll(record: ModelVersionRecord, records: RawRecord[]): Promise<number[]> {
  const scorer = await OnnxScorer.fromFile(record.artifactPath, record.artifactSha256);
  try {
    const out: number[] = [];
    for (let start = 0; start < records.length; start += SCORE_BATCH) {
      out.push(...(await scorer.score(record.spec.inputs, records.slice(start, start + SCORE_BATCH))));
      heartbeat({ version: record.version, scored: out.length });
    }
    return out;
  } finally {
    await scorer.release();
  }
}

function gateMetrics(y: number[], p: number[], threshold: number): GateMetrics {
  const { rocAuc, prAuc, f1, accuracy, logLoss, brier } = classificationMetrics(y, p, threshold);
  return { rocAuc, prAuc, f1, accuracy, logLoss, brier };
}
