import { createConsumeStream, type StreamDeps } from './consume-stream';

export type { StreamDeps };

/** The activities of `streamScore`: one long-running consumer. */
export function createStreamActivities(deps: StreamDeps) {
  return { consumeStream: createConsumeStream(deps) };
}

export type StreamActivities = ReturnType<typeof createStreamActivities>;
