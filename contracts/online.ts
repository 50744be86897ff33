import { Type, type Static } from 'typebox';
import { ModelName } from './common';
import { Broker, Topic } from './stream';

// The online training workflow's wire types: its input (plain JSON, so `temporal workflow start` can
// start it), its progress query, and what its activities pass each other (file paths plus sha256).

export const KafkaSourceSchema = Type.Object(
  {
    kafka: Type.Object(
      {
        brokers: Type.Array(Broker, { minItems: 1 }),
        /** Labelled records: a JSON object per message, the features plus the version's target column. */
        topic: Topic,
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** `"feedback"`: predictions logged by /predict, batch or stream that get a label after the run starts. */
export const OnlineSourceSchema = Type.Union([Type.Literal('feedback'), KafkaSourceSchema]);
export type OnlineSource = Static<typeof OnlineSourceSchema>;

/** When the run pauses itself (models/online/rules.ts judgePause), judged on the most recent `alarmWindow` records. */
export const PauseRuleSchema = Type.Object(
  {
    /** Pause when the online log loss exceeds the serving version's by more than this many nats (default 0.05). */
    logLossMargin: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    /** Pause when the serving version's ROC AUC on the same records falls below this (default 0.5): the labels contradict it. */
    minServingRocAuc: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Most recent records the rule looks at, and needs before it judges (default 500). */
    alarmWindow: Type.Optional(Type.Integer({ minimum: 20, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type PauseRule = Static<typeof PauseRuleSchema>;

export const OnlineTrainingInputSchema = Type.Object(
  {
    modelName: ModelName,
    source: OnlineSourceSchema,
    /** Records per update (default 16). */
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** Records learned between two candidate versions (default 5,000). */
    publishEvery: Type.Optional(Type.Integer({ minimum: 100, maximum: 100_000_000 })),
    /** Also publish when this many minutes passed since the last one (and something was learned). */
    publishEveryMinutes: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 525_600 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
    l2: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    /** Records in the progressive-validation window that publishing compares on (default 2,000). */
    windowSize: Type.Optional(Type.Integer({ minimum: 50, maximum: 1_000_000 })),
    pause: Type.Optional(PauseRuleSchema),
    /** false: candidates are registered, never deployed (default true). */
    deploy: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OnlineTrainingInput = Static<typeof OnlineTrainingInputSchema>;

/** Where the source was read up to: next Kafka offsets by `topic:partition`, or the feedback log's position. */
export type OnlineCursor =
  { kind: 'kafka'; offsets: Record<string, string> } | { kind: 'feedback'; labelledAfter: number; seq: number };

/** A checkpoint of the learner (coefficients, optimizer state, windows, cursor) as a file. */
export interface CheckpointRef {
  path: string;
  sha256: string;
}

/** Metrics of one model over the progressive window; null where undefined (no records, one class only). */
export interface OnlineWindowMetrics {
  logLoss: number | null;
  rocAuc: number | null;
  meanPredicted: number | null;
  ece: number | null;
}

export interface OnlineMetricsSnapshot {
  records: number;
  windowSize: number;
  observedRate: number | null;
  online: OnlineWindowMetrics;
  serving: OnlineWindowMetrics;
}

export interface PublishedVersion {
  /** null when publishing failed before a version was registered (the reason says why). */
  version: number | null;
  deployed: boolean;
  reason: string;
  fromRecord: number;
  toRecord: number;
  at: string;
}

/** The `progress` query of an `onlineTraining` run. */
export interface OnlineTrainingProgress {
  modelName: string;
  /** The serving version the run warm-started from; null until it did. */
  parentVersion: number | null;
  /** Version whose scores the window compares with (the serving one at the last batch). */
  servingVersion: number | null;
  recordsLearned: number;
  /** Records read but not learned (no usable label or features), with the last reason. */
  recordsSkipped: number;
  lastSkipReason: string | null;
  cursor: OnlineCursor | null;
  checkpoint: CheckpointRef | null;
  metrics: OnlineMetricsSnapshot | null;
  published: PublishedVersion[];
  paused: boolean;
  pauseReason: string | null;
  state: 'starting' | 'learning' | 'waiting' | 'paused' | 'publishing' | 'stopped';
  updatedAt: string | null;
}

export interface OnlineTrainingResult {
  modelName: string;
  recordsLearned: number;
  recordsSkipped: number;
  published: PublishedVersion[];
  metrics: OnlineMetricsSnapshot | null;
  checkpoint: CheckpointRef | null;
  cursor: OnlineCursor | null;
}

/** Settings the activities need, defaults filled in by the workflow. */
export interface OnlineSettings {
  batchSize: number;
  learningRate?: number;
  l2?: number;
  windowSize: number;
  pause: Required<PauseRule>;
}

export interface StartOnlineInput {
  modelName: string;
  source: OnlineSource;
  settings: OnlineSettings;
  /** Epoch ms the run started: feedback labelled after it is learned. */
  startedAt: number;
}

export interface StartOnlineResult {
  checkpoint: CheckpointRef;
  parentVersion: number;
  cursor: OnlineCursor;
  metrics: OnlineMetricsSnapshot;
}

export interface LearnOnlineInput {
  modelName: string;
  source: OnlineSource;
  settings: OnlineSettings;
  checkpoint: CheckpointRef;
  /** At most this many records in this call (the records left until the next publish). */
  maxRecords: number;
  /** How long to wait for records when none are there before returning empty-handed. */
  idleMs: number;
  /** The first call after a resume: the pause rule forgets the records it judged before. */
  resumed: boolean;
}

export interface LearnOnlineResult {
  checkpoint: CheckpointRef;
  /** Records learned in this call, and since the run's warm start. */
  records: number;
  recordsLearned: number;
  skipped: number;
  lastSkipReason: string | null;
  cursor: OnlineCursor;
  metrics: OnlineMetricsSnapshot;
  servingVersion: number | null;
  /** Set when the pause rule fired: the call stopped right after the update that made it fire. */
  pauseReason: string | null;
}

export interface OnlinePublishInput {
  modelName: string;
  checkpoint: CheckpointRef;
  parentVersion: number;
  source: OnlineSource;
  fromRecord: number;
  toRecord: number;
  /** The run that learned it (the child's own id differs). */
  trainingWorkflowId: string;
  deploy: boolean;
}

export interface OnlinePublishResult {
  version: number;
  deployed: boolean;
  reason: string;
}
