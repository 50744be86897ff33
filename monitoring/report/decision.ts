import { readFile } from 'node:fs/promises';
import type { MonitorDecision } from '../../contracts';
import { escapeHtml } from './format';
import { writeAtomically } from './files';

/** What the monitor decided after the report was written, and why. */
export interface ReportDecision {
  decision: MonitorDecision;
  reason: string;
  retrainWorkflowId?: string | null;
}

type Tone = 'ok' | 'alert' | 'neutral';

const HEADLINES: Record<MonitorDecision, [string, Tone]> = {
  'no-data': ['Not tested: too few logged predictions', 'neutral'],
  'no-drift': ['No drift: nothing to do', 'ok'],
  'drift-retrain-disabled': ['Drift: retraining is off', 'alert'],
  'drift-cooling-down': ['Drift: cooling down after the last retrain, not retraining', 'alert'],
  'drift-too-few-labels': ['Drift: too few new labelled records to retrain', 'alert'],
  'retrain-started': ['Drift: retrain started', 'neutral'],
  retrained: ['Drift: retrained, the new version serves', 'ok'],
  'retrain-not-deployed': ['Drift: retrained, but the new version was not deployed', 'alert'],
  'retrain-failed': ['Drift: the retrain failed', 'alert'],
};

// The section sits between markers so writing it again replaces it rather than adding a second one.
const START = '<!-- mlcycle:decision -->';
const END = '<!-- /mlcycle:decision -->';

export function renderDecisionSection({ decision, reason, retrainWorkflowId }: ReportDecision): string {
  const [headline, tone] = HEADLINES[decision];
  const run = retrainWorkflowId ? `<p>Retrain run: <code>${escapeHtml(retrainWorkflowId)}</code></p>` : '';
  return (
    `${START}<section id="decision"><h2>Decision</h2>` +
    `<p class="verdict"><span class="badge ${tone}">${escapeHtml(headline)}</span> <code>${decision}</code></p>` +
    `<p class="summary">${escapeHtml(reason)}</p>${run}</section>${END}`
  );
}

/** The report's HTML with the decision section first in `<main>` (or before `</body>`), replacing an earlier one. */
export function withDecisionSection(html: string, decision: ReportDecision): string {
  const section = renderDecisionSection(decision);
  const start = html.indexOf(START);
  const end = html.indexOf(END, start);
  if (start !== -1 && end !== -1) return html.slice(0, start) + section + html.slice(end + END.length);
  const main = html.indexOf('<main>');
  if (main !== -1) return html.slice(0, main + '<main>'.length) + section + html.slice(main + '<main>'.length);
  const body = html.lastIndexOf('</body>');
  return body === -1 ? html + section : html.slice(0, body) + section + html.slice(body);
}

/**
 * Adds the decision to a written report: a section in the HTML and a `decision` field in the JSON,
 * each replaced atomically. Writing the same decision again gives the same files (activity retries).
 */
export async function writeDecisionIntoReport(
  htmlPath: string,
  jsonPath: string,
  decision: ReportDecision,
): Promise<void> {
  const html = await readFile(htmlPath, 'utf8');
  await writeAtomically(htmlPath, withDecisionSection(html, decision));
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as Record<string, unknown>;
  const stored = {
    decision: decision.decision,
    reason: decision.reason,
    ...(decision.retrainWorkflowId ? { retrainWorkflowId: decision.retrainWorkflowId } : {}),
  };
  await writeAtomically(jsonPath, `${JSON.stringify({ ...report, decision: stored }, null, 2)}\n`);
}
