import { OnnxScorer } from '../../models/onnx-scorer';
import type { ModelVersionRecord } from '../../registry/types';

/** Sessions kept per worker: one per version recently scored, the rest released. */
const KEPT = 4;

/**
 * One ONNX session per model version and worker, created once and shared by every chunk the worker
 * scores (a session runs concurrent calls safely); the sha256 of the artifact is checked on load.
 */
export class ScorerCache {
  private readonly sessions = new Map<string, Promise<OnnxScorer>>();

  get(
    record: Pick<ModelVersionRecord, 'modelName' | 'version' | 'artifactPath' | 'artifactSha256'>,
  ): Promise<OnnxScorer> {
    const key = `${record.modelName}@${record.version}`;
    let session = this.sessions.get(key);
    if (session === undefined) {
      session = OnnxScorer.fromFile(record.artifactPath, record.artifactSha256);
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
