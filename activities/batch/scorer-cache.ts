import { OnnxScorer } from '../../models/onnx-scorer';
import type { ModelVersionRecord } from '../../registry/types';

/** Sessions kept per thread: one per version recently scored. */
const KEPT = 4;
/**
 * One thread per session: each chunk runs in a thread of its own already, and ORT's own pool threads
 * would only spin-wait beside them on the worker's cores.
 */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1 };

/**
 * One ONNX session per model version in a chunk thread, created once and used by every chunk the
 * thread scores; the sha256 of the artifact is checked on load.
 */
export class ScorerCache {
  private readonly sessions = new Map<string, Promise<OnnxScorer>>();

  get(
    record: Pick<ModelVersionRecord, 'modelName' | 'version' | 'artifactPath' | 'artifactSha256'>,
  ): Promise<OnnxScorer> {
    const key = `${record.modelName}@${record.version}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = OnnxScorer.fromFile(
        record.artifactPath,
        record.artifactSha256,
        SESSION_OPTIONS,
        `the ONNX model of ${record.modelName} v${record.version}`,
      );
      // A failed load is not kept: the next chunk tries again.
      session.catch(() => this.sessions.delete(key));
      this.sessions.set(key, session);
      this.evict();
    } else {
      // Most recently used last.
      this.sessions.delete(key);
      this.sessions.set(key, session);
    }
    return session;
  }

  private evict(): void {
    // Chunks of an evicted version still running keep their session until the worker ends: a
    // session is small beside the risk of releasing one under a running call.
    while (this.sessions.size > KEPT) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
  }
}
