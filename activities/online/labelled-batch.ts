import type { OnlineCursor } from '../../contracts/online';
import type { RawRecord } from '../../models/types';

/** One record a source gave, with the cursor just after it; or one it passed over, with the reason. */
export type SourceItem =
  | { kind: 'record'; record: RawRecord; label: 0 | 1; cursor: OnlineCursor }
  | { kind: 'skip'; reason: string; cursor: OnlineCursor };

/** The next items of a source, in order: learning may stop part-way (a pause), each cursor says where. */
export interface LabelledBatch {
  items: SourceItem[];
}
