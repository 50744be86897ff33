import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readLatestReport } from '../../monitoring/report-files';
import { loadConfig } from '../../shared/config';
import { safeFileName } from '../../shared/file-names';

/** `mlcycle drift report`: where the latest drift report (HTML, and its JSON beside it) is. */
export async function runDriftReportCommand(options: { model?: string }): Promise<void> {
  const root = join(loadConfig().home, 'monitoring', 'reports');
  const models = options.model ? [safeFileName(options.model)] : await readdir(root).catch(() => [] as string[]);
  let found = false;
  for (const model of models) {
    const latest = await readLatestReport(join(root, model));
    if (!latest) continue;
    found = true;
    console.log(`${decodeURIComponent(model)}: ${latest.htmlPath}`);
    console.log(`  json: ${latest.jsonPath} (${latest.drifted ? 'drift' : 'no drift'}, ${latest.stamp})`);
  }
  if (!found) {
    throw new Error(
      `no drift report yet under ${root}${options.model ? ` for ${options.model}` : ''}: a monitor run writes one ` +
        'once its window holds enough logged predictions (100 by default); run "mlcycle monitor --model NAME --trigger"',
    );
  }
}
