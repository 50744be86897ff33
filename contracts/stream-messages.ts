// What `streamScore` writes to Kafka: one result per input record, and dead letters for records it cannot score.

/** Where a record was read: consumers drop duplicates (after a crash) by this triple. */
export interface StreamSource {
  topic: string;
  partition: number;
  /** A decimal string: Kafka offsets are 64-bit. */
  offset: string;
}

/** Value of a message on the output topic (its key is the input's key). */
export interface StreamResultMessage {
  key: string | null;
  /** Logged in the prediction log under this id; send the true outcome with it as key to the labels topic. */
  predictionId: string;
  probability: number;
  label: 0 | 1;
  model: { name: string; version: number };
  source: StreamSource;
}

/** Value of a message on the dead-letter topic (its key is the input's key). */
export interface DeadLetterMessage {
  reason: string;
  problems: { field: string | null; message: string }[];
  /** The original value as text (UTF-8), or null when the message had none. */
  value: string | null;
  key: string | null;
  source: StreamSource;
}
