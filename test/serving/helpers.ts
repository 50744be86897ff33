import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRecords } from '../../models/features';
import { predictProba } from '../../models/logistic';
import { exportLogisticToOnnx } from '../../models/onnx-export';
import type { FeatureSpec, LogisticModel, RawRecord } from '../../models/types';
import type { ModelVersionRecord } from '../../registry/types';
import type { ModelSource } from '../../serving/model-source';

/** A registry in memory: versions by (name, version) and a serving pointer per name. */
export class InMemorySource implements ModelSource {
  private readonly versions = new Map<string, ModelVersionRecord>();
  private readonly serving = new Map<string, number>();
  private readonly baselines = new Map<string, { path: string; sha256: string }>();

  add(record: ModelVersionRecord): this {
    this.versions.set(`${record.modelName}@${record.version}`, record);
    return this;
  }

  addBaseline(name: string, version: number, file: { path: string; sha256: string }): this {
    this.baselines.set(`${name}@${version}`, file);
    return this;
  }

  getBaseline(name: string, version: number): { path: string; sha256: string } | undefined {
    return this.baselines.get(`${name}@${version}`);
  }

  setServing(name: string, version: number | undefined): this {
    if (version === undefined) this.serving.delete(name);
    else this.serving.set(name, version);
    return this;
  }

  getVersion(name: string, version: number): ModelVersionRecord | undefined {
    return this.versions.get(`${name}@${version}`);
  }

  listVersions(name: string): ModelVersionRecord[] {
    return [...this.versions.values()].filter((record) => record.modelName === name);
  }

  listServing(): ModelVersionRecord[] {
    return [...this.serving].flatMap(([name, version]) => this.getVersion(name, version) ?? []);
  }
}

/** A small Telco-like spec: three numerics (one often blank) and two categoricals, one with a blank level. */
export const SPEC: FeatureSpec = {
  inputs: [
    { name: 'tenure', kind: 'numeric' },
    { name: 'Contract', kind: 'categorical' },
    { name: 'MonthlyCharges', kind: 'numeric' },
    { name: 'InternetService', kind: 'categorical' },
    { name: 'TotalCharges', kind: 'numeric' },
  ],
  numeric: [
    { name: 'tenure', impute: 29, mean: 32.4, std: 24.5 },
    { name: 'MonthlyCharges', impute: 70.35, mean: 64.76, std: 30.09 },
    { name: 'TotalCharges', impute: 1397.5, mean: 2283.3, std: 2266.8 },
  ],
  categorical: [
    { name: 'Contract', levels: ['Month-to-month', 'One year', 'Two year'] },
    { name: 'InternetService', levels: ['', 'DSL', 'Fiber optic', 'No'] },
  ],
};

/** Two versions that answer differently enough to tell apart. */
export const MODELS: Record<number, LogisticModel> = {
  1: { weights: [-0.9, 0.35, 0.12, 0.6, -0.5, -1.4, 0.2, -0.1, 0.8, -0.7], intercept: -1.2 },
  2: { weights: [-0.4, 0.9, -0.3, 1.1, -0.2, -0.9, -0.3, 0.4, 1.3, -1.1], intercept: 0.7 },
};

export const RECORDS: RawRecord[] = [
  {
    customerID: '7590-VHVEG',
    tenure: 1,
    Contract: 'Month-to-month',
    MonthlyCharges: 29.85,
    InternetService: 'DSL',
    TotalCharges: 29.85,
    Churn: 'No',
  },
  { tenure: 34, Contract: 'One year', MonthlyCharges: 56.95, InternetService: 'DSL', TotalCharges: '1889.5' },
  {
    tenure: '2',
    Contract: 'Month-to-month',
    MonthlyCharges: '53.85',
    InternetService: 'Fiber optic',
    TotalCharges: '108.15',
  },
  { tenure: 0, Contract: 'Two year', MonthlyCharges: 20.25, InternetService: 'No', TotalCharges: '' },
  { tenure: 72, Contract: 'Two year', MonthlyCharges: 118.75, InternetService: '', TotalCharges: null },
  { tenure: 8, Contract: 'Month-to-month', MonthlyCharges: 99.65, InternetService: 'Fiber optic', TotalCharges: 820.5 },
];

/** The float64 reference the served probabilities must match. */
export function referenceProbabilities(version: number, records: RawRecord[]): number[] {
  return Array.from(predictProba(model(version), encodeRecords(SPEC, records)));
}

export function model(version: number): LogisticModel {
  const found = MODELS[version];
  if (!found) throw new Error(`no fixture model ${version}`);
  return found;
}

export interface Fixture {
  dir: string;
  /** Exports fixture model `version` to an ONNX file and returns its registry record. */
  version(name: string, version: number, overrides?: Partial<ModelVersionRecord>): Promise<ModelVersionRecord>;
  cleanup(): Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mlcycle-serving-'));
  return {
    dir,
    async version(name, version, overrides = {}) {
      const bytes = exportLogisticToOnnx(SPEC, model(version), { modelName: name, version, producerVersion: 'test' });
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const artifactPath = join(dir, `${name}-${version}-${sha256}.onnx`);
      await writeFile(artifactPath, bytes);
      return { ...versionRecord(name, version, artifactPath, sha256), ...overrides };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function versionRecord(name: string, version: number, artifactPath: string, sha256: string): ModelVersionRecord {
  return {
    modelName: name,
    version,
    artifactPath,
    artifactSha256: sha256,
    expectedPath: `${artifactPath}.expected.json`,
    expectedSha256: null,
    modelPath: null,
    modelSha256: null,
    spec: SPEC,
    threshold: 0.5,
    target: 'Churn',
    positiveLabel: 'Yes',
    dataUri: 'file:///fixture.csv',
    dataSha256: '0'.repeat(64),
    dataRows: 100,
    params: { algorithm: 'logistic' },
    metrics: {
      rocAuc: 0.8,
      prAuc: 0.6,
      accuracy: 0.8,
      precision: 0.6,
      recall: 0.5,
      f1: 0.55,
      logLoss: 0.45,
      brier: 0.14,
      threshold: 0.5,
      confusion: { tp: 10, fp: 5, tn: 70, fn: 15 },
      rows: 100,
      positives: 25,
    },
    packageVersion: '0.1.0',
    gitCommit: null,
    workflowId: 'wf',
    runId: 'run',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}
