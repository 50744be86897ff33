import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLatestReport } from '../../monitoring/report-files';
import { loadConfig } from '../../shared/config';
import { safeFileName } from '../../shared/file-names';
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
    out.info(`  json: ${latest.jsonPath} (${latest.drifted ? 'drift' : 'no drift'}, ${latest.stamp})`);
    const decision = await readDecision(latest.jsonPath);
    if (decision) out.info(`  decision: ${decision.decision} — ${decision.reason}`);
  }
  if (!found) {
    throw new Error(
      `no drift report yet under ${root}${options.model ? ` for ${options.model}` : ''}: a monitor run writes one ` +
        'once its window holds enough logged predictions (100 by default); run "mlcycle monitor --model NAME --trigger"',
    );
  }
}

/** The monitor's decision, written into the report's JSON after the run decided; absent in older reports. */
async function readDecision(jsonPath: string): Promise<{ decision: string; reason: string } | undefined> {
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as {
    decision?: { decision?: unknown; reason?: unknown };
  };
  const { decision, reason } = report.decision ?? {};
  return typeof decision === 'string' && typeof reason === 'string' ? { decision, reason } : undefined;
}
