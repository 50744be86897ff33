import type { BatchScoreProgress } from '../contracts/batch';

const count = new Intl.NumberFormat('en-US');

/** Seconds as "42 s", "3 min 5 s" or "1 h 2 min": an estimate, so no more precision than that. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/** Seconds left at the current rate; undefined until there is a total and a rate to divide by. */
export function etaSeconds(progress: BatchScoreProgress): number | undefined {
  if (progress.rowsTotal === null || progress.rowsPerSecond <= 0) return undefined;
  return Math.max(0, progress.rowsTotal - progress.rowsDone) / progress.rowsPerSecond;
}

/** "300,000/1,000,000 rows (30%), 85,000 rows/s, ETA 9 s": the numbers both displays show. */
export function progressFigures(progress: BatchScoreProgress): string {
  const total = progress.rowsTotal;
  const rows =
    total === null
      ? `${count.format(progress.rowsDone)} rows`
      : `${count.format(progress.rowsDone)}/${count.format(total)} rows (${percent(progress)}%)`;
  const eta = etaSeconds(progress);
  const rate = progress.rowsPerSecond > 0 ? `, ${count.format(Math.round(progress.rowsPerSecond))} rows/s` : '';
  const rejected = progress.rejectedRows > 0 ? `, ${count.format(progress.rejectedRows)} rejected` : '';
  const etaText = eta !== undefined && progress.phase === 'scoring' ? `, ETA ${formatEta(eta)}` : '';
  return `${rows}${rate}${rejected}${etaText}`;
}

/** One plain line a progress change, for a log or a pipe: the phase, then the figures. */
export function progressLine(progress: BatchScoreProgress): string {
  const version = progress.version === null ? '' : ` v${progress.version}`;
  return `[${progress.modelName}${version}] ${progress.phase}: ${progressFigures(progress)}`;
}

/** The bar a terminal redraws in place, fitted to `columns`. */
export function progressBar(progress: BatchScoreProgress, columns: number): string {
  const text = ` ${percent(progress) ?? '  ?'}% ${progressFigures(progress).replace(/ \(\d+%\)/, '')} · ${progress.phase}`;
  const width = Math.max(10, Math.min(40, columns - text.length - 3));
  const filled = progress.rowsTotal
    ? Math.round((width * Math.min(progress.rowsDone, progress.rowsTotal)) / progress.rowsTotal)
    : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${text}`.slice(0, Math.max(0, columns - 1));
}

function percent(progress: BatchScoreProgress): number | undefined {
  if (!progress.rowsTotal) return progress.rowsTotal === 0 ? 100 : undefined;
  return Math.floor((100 * Math.min(progress.rowsDone, progress.rowsTotal)) / progress.rowsTotal);
}
