import type { OnlineMetricsSnapshot } from '../../contracts/online';
import type { ProgressiveSnapshot } from '../../models/online';

/** The window's metrics as the progress query shows them. */
export function snapshotOf(snapshot: ProgressiveSnapshot): OnlineMetricsSnapshot {
  const { records, windowSize, observedRate, online, serving } = snapshot;
  return { records, windowSize, observedRate, online, serving };
}
