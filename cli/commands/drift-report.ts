import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLatestReport, type LatestReport } from '../../monitoring/report/files';
import { loadConfig } from '../../core/config';
import { safeFileName } from '../../core/file-names';
import { commandConsole } from '../console';

/** `mlcycle drift report`: where the latest drift report (HTML, and its JSON beside it) is. */
export async function runDriftReportCommand(options: { model?: string }): Promise<void> {
  const root = join(loadConfig().home, 'monitoring', 'reports');
  const models = options.model ? [safeFileName(options.model)] : await readdir(root).catch(() => [] as string[]);
  const out = commandConsole();
  let found = false;
  for (const model of models) {
    const latest = await readLatestReport(join(root, model));
    if (!latest) continue;
    found = true;
    out.info(`${decodeURIComponent(model)}: ${latest.htmlPath}`);
    for (const line of await describeLatestReport(latest)) out.info(`  ${line}`);
  }
  if (!found) {
    throw new Error(
      `no drift report yet under ${root}${options.model ? ` for ${options.model}` : ''}: a monitor run writes one ` +
        'once its window holds enough logged predictions (100 by default); run "mlcycle monitor --model NAME --trigger"',
    );
  }
}

interface ReportGist {
  headline?: { datasetDrift?: unknown; seen?: unknown };
  performance?: { drifted?: unknown } | null;
  decision?: { decision?: unknown };
}

/**
 * The JSON's path, then the report's headline and decision in its own words ("dataset drift: no — 2 of
 * 6 features drifted, predictions drifted; decision: no-drift"), concept drift included: a bare "no
 * drift" would hide drifted features under the dataset rule. Older reports without them say drift or not.
 */
export async function describeLatestReport(latest: LatestReport): Promise<string[]> {
  const lines = [`json: ${latest.jsonPath} (${latest.stamp})`];
  const { headline, performance, decision } = await readGist(latest.jsonPath);
  const verdict =
    typeof headline?.datasetDrift === 'boolean' && typeof headline.seen === 'string'
      ? `dataset drift: ${headline.datasetDrift ? 'yes' : 'no'} — ${headline.seen}`
      : latest.drifted
        ? 'drift'
        : 'no drift';
  const concept = performance?.drifted === true ? ', concept drift' : '';
  const decided = typeof decision?.decision === 'string' ? `; decision: ${decision.decision}` : '';
  lines.push(`${verdict}${concept}${decided}`);
  return lines;
}

async function readGist(jsonPath: string): Promise<ReportGist> {
  try {
    return (JSON.parse(await readFile(jsonPath, 'utf8')) as ReportGist | null) ?? {};
  } catch {
    return {};
  }
}
