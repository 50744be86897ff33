import type { OnlineTrainingProgress, OnlineWindowMetrics } from '../contracts/online';

/** What `onlineTraining` carries across continue-as-new: everything the progress query shows. */
export interface OnlineCarry {
  progress: OnlineTrainingProgress;
  /** Records learned when the last candidate was published, and when (epoch ms). */
  publishedAtRecord: number;
  publishedAt: number;
  /** Epoch ms the first run started: feedback labelled after it is learned. */
  startedAt: number;
}

/** Candidates listed in the progress (the registry keeps them all). */
export const PUBLISHED_SHOWN = 50;

export function initialProgress(modelName: string): OnlineTrainingProgress {
  return {
    modelName,
    parentVersion: null,
    servingVersion: null,
    recordsLearned: 0,
    recordsSkipped: 0,
    lastSkipReason: null,
    cursor: null,
    checkpoint: null,
    metrics: null,
    published: [],
    paused: false,
    pauseReason: null,
    state: 'starting',
    updatedAt: null,
  };
}

const f = (value: number | null) => (value === null ? '—' : value.toFixed(4));
const row = (name: string, m: OnlineWindowMetrics) =>
  `| ${name} | ${f(m.logLoss)} | ${f(m.rocAuc)} | ${f(m.meanPredicted)} | ${f(m.ece)} |`;

/** The Web UI's current details of a run. */
export function progressMarkdown(p: OnlineTrainingProgress, source: string): string {
  const lines = [
    `**${p.modelName}** online training from ${source}, warm-started from v${p.parentVersion ?? '?'}: **${p.state}**`,
    '',
    `${p.recordsLearned} records learned, ${p.recordsSkipped} skipped${p.lastSkipReason ? ` (last: ${p.lastSkipReason})` : ''}`,
  ];
  if (p.paused)
    lines.push(
      '',
      `**paused**: ${p.pauseReason ?? ''} — resume with \`npx mlcycle learn --model ${p.modelName} --resume\``,
    );
  if (p.metrics) {
    lines.push(
      '',
      `progressive metrics over the last ${p.metrics.records} records (serving: v${p.servingVersion ?? '?'})`,
      '',
      '| model | log loss | ROC AUC | mean p | ECE |',
      '| --- | --- | --- | --- | --- |',
      row('online', p.metrics.online),
      row('serving', p.metrics.serving),
    );
  }
  if (p.published.length > 0) {
    lines.push('', '| version | records | deployed | reason |', '| --- | --- | --- | --- |');
    for (const v of p.published.slice(-10)) {
      lines.push(
        `| ${v.version ?? '—'} | ${v.fromRecord}–${v.toRecord} | ${v.deployed ? 'yes' : 'no'} | ${v.reason} |`,
      );
    }
  }
  return lines.join('\n');
}
