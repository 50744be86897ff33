import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FeatureSpec } from '../models/types';
import type { ClassificationMetrics } from '../contracts';
import { Aliases, CHAMPION, type Actor } from './aliases';
import { MonitorRuns } from './monitor-runs';
import { Rollouts } from './rollouts';
import { REGISTRY_SCHEMA } from './schema';
import { migrate } from '../core/sqlite-migrations';
import type { ModelVersionRecord } from './types';

/** What a caller supplies to register a version; the registry assigns `version` and `createdAt`. */
export type NewModelVersion = Omit<
  ModelVersionRecord,
  'version' | 'createdAt' | 'modelPath' | 'modelSha256' | 'expectedSha256'
> &
  Partial<Pick<ModelVersionRecord, 'modelPath' | 'modelSha256' | 'expectedSha256'>>;

export interface ServingRecord {
  modelName: string;
  version: number;
  since: string;
}

export interface DeploymentRecord {
  modelName: string;
  version: number;
  outcome: 'serving' | 'rejected';
  reason: string;
  at: string;
  workflowId: string | null;
  runId: string | null;
}

interface DeploymentRow {
  model_name: string;
  version: number;
  outcome: 'serving' | 'rejected';
  reason: string;
  at: string;
  workflow_id: string | null;
  run_id: string | null;
}

interface VersionRow {
  model_name: string;
  version: number;
  artifact_path: string;
  artifact_sha256: string;
  expected_path: string;
  expected_sha256: string | null;
  model_path: string | null;
  model_sha256: string | null;
  spec_json: string;
  threshold: number;
  target: string;
  positive_label: string;
  data_uri: string;
  data_sha256: string;
  data_rows: number;
  params_json: string;
  metrics_json: string;
  package_version: string;
  git_commit: string | null;
  workflow_id: string;
  run_id: string;
  created_at: string;
}

/**
 * The model registry: one SQLite file (WAL, so the worker writes while scoring servers read) plus
 * content-addressed artifact files beside it. Every write is a single transaction, so a crash
 * mid-way never leaves a half-registered version.
 */
export class ModelRegistry {
  readonly monitorRuns: MonitorRuns;
  readonly rollouts: Rollouts;
  /** `champion` (the serving pointer), `challenger` and user names, with their append-only history. */
  readonly aliases: Aliases;
  private readonly statements: Statements;

  private constructor(
    private readonly db: Database.Database,
    readonly home: string,
  ) {
    this.statements = prepareStatements(db);
    this.monitorRuns = new MonitorRuns(db);
    this.rollouts = new Rollouts(db);
    this.aliases = new Aliases(db);
  }

  static open(home: string): ModelRegistry {
    const dir = join(home, 'registry');
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, 'registry.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    try {
      migrate(db, REGISTRY_SCHEMA);
      return new ModelRegistry(db, home);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get artifactsDir(): string {
    return join(this.home, 'registry', 'artifacts');
  }

  /**
   * Adds a version, or returns the one this workflow run already added: the (model, workflow id,
   * run id) key makes an activity retry land on the same version instead of creating a second.
   */
  register(entry: NewModelVersion, now = new Date()): { record: ModelVersionRecord; created: boolean } {
    const insert = this.db.transaction((): { record: ModelVersionRecord; created: boolean } => {
      const existing = this.findByRun(entry.modelName, entry.workflowId, entry.runId);
      if (existing) return { record: existing, created: false };
      const version = this.statements.nextVersion.get(entry.modelName)?.next ?? 1;
      this.statements.insertVersion.run(
        entry.modelName,
        version,
        entry.artifactPath,
        entry.artifactSha256,
        entry.expectedPath,
        entry.expectedSha256 ?? null,
        entry.modelPath ?? null,
        entry.modelSha256 ?? null,
        JSON.stringify(entry.spec),
        entry.threshold,
        entry.target,
        entry.positiveLabel,
        entry.dataUri,
        entry.dataSha256,
        entry.dataRows,
        JSON.stringify(entry.params),
        JSON.stringify(entry.metrics),
        entry.packageVersion,
        entry.gitCommit,
        entry.workflowId,
        entry.runId,
        now.toISOString(),
      );
      const record = this.getVersion(entry.modelName, version);
      if (!record) throw new Error(`registry: version ${version} of ${entry.modelName} vanished after insert`);
      return { record, created: true };
    });
    return insert.immediate();
  }

  getVersion(modelName: string, version: number): ModelVersionRecord | undefined {
    const row = this.statements.version.get(modelName, version);
    return row && toRecord(row);
  }

  listVersions(modelName: string): ModelVersionRecord[] {
    return this.statements.versions.all(modelName).map(toRecord);
  }

  listModelNames(): string[] {
    return this.statements.modelNames.all();
  }

  getServing(modelName: string): ModelVersionRecord | undefined {
    const row = this.statements.serving.get(modelName);
    return row && toRecord(row);
  }

  listServing(): ModelVersionRecord[] {
    return this.statements.allServing.all().map(toRecord);
  }

  /**
   * Points the model at `version` (the champion alias) and records the promotion in the deployments
   * and the alias history, in one transaction; nothing is recorded when it serves already.
   */
  markServing(modelName: string, version: number, reason: string, run?: Actor): void {
    this.aliases.set(modelName, CHAMPION, version, { reason, actor: run });
  }

  markRejected(modelName: string, version: number, reason: string, run?: { workflowId: string; runId: string }): void {
    this.recordDeployment(modelName, version, 'rejected', reason, new Date().toISOString(), run);
  }

  listDeployments(modelName: string): DeploymentRecord[] {
    return this.statements.deployments.all(modelName).map((row) => ({
      modelName: row.model_name,
      version: row.version,
      outcome: row.outcome,
      reason: row.reason,
      at: row.at,
      workflowId: row.workflow_id,
      runId: row.run_id,
    }));
  }

  /** The drift baseline file of a version (content-addressed, like the model). */
  saveBaseline(modelName: string, version: number, path: string, sha256: string): void {
    this.statements.saveBaseline.run(modelName, version, path, sha256);
  }

  getBaseline(modelName: string, version: number): { path: string; sha256: string } | undefined {
    return this.statements.baseline.get(modelName, version);
  }

  close(): void {
    this.db.close();
  }

  private findByRun(modelName: string, workflowId: string, runId: string): ModelVersionRecord | undefined {
    const row = this.statements.versionByRun.get(modelName, workflowId, runId);
    return row && toRecord(row);
  }

  private recordDeployment(
    modelName: string,
    version: number,
    outcome: 'serving' | 'rejected',
    reason: string,
    at: string,
    run?: { workflowId: string; runId: string },
  ): void {
    this.statements.insertDeployment.run(
      modelName,
      version,
      outcome,
      reason,
      at,
      run?.workflowId ?? null,
      run?.runId ?? null,
    );
  }
}

type Statements = ReturnType<typeof prepareStatements>;

/** Every statement the registry runs, prepared once when it opens rather than on every call. */
function prepareStatements(db: Database.Database) {
  const servingJoin = 'FROM serving s JOIN model_versions v ON v.model_name = s.model_name AND v.version = s.version';
  return {
    nextVersion: db.prepare<[string], { next: number }>(
      'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model_name = ?',
    ),
    insertVersion: db.prepare(
      `INSERT INTO model_versions (model_name, version, artifact_path, artifact_sha256, expected_path, expected_sha256,
         model_path, model_sha256, spec_json, threshold, target, positive_label, data_uri, data_sha256, data_rows,
         params_json, metrics_json, package_version, git_commit, workflow_id, run_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    version: db.prepare<[string, number], VersionRow>(
      'SELECT * FROM model_versions WHERE model_name = ? AND version = ?',
    ),
    versionByRun: db.prepare<[string, string, string], VersionRow>(
      'SELECT * FROM model_versions WHERE model_name = ? AND workflow_id = ? AND run_id = ?',
    ),
    versions: db.prepare<[string], VersionRow>('SELECT * FROM model_versions WHERE model_name = ? ORDER BY version'),
    modelNames: db.prepare<[], string>('SELECT DISTINCT model_name FROM model_versions ORDER BY model_name').pluck(),
    serving: db.prepare<[string], VersionRow>(`SELECT v.* ${servingJoin} WHERE s.model_name = ?`),
    allServing: db.prepare<[], VersionRow>(`SELECT v.* ${servingJoin} ORDER BY v.model_name`),
    insertDeployment: db.prepare<[string, number, string, string, string, string | null, string | null]>(
      'INSERT INTO deployments (model_name, version, outcome, reason, at, workflow_id, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    deployments: db.prepare<[string], DeploymentRow>('SELECT * FROM deployments WHERE model_name = ? ORDER BY id'),
    saveBaseline: db.prepare<[string, number, string, string]>(
      `INSERT INTO baselines (model_name, version, path, sha256) VALUES (?, ?, ?, ?)
       ON CONFLICT (model_name, version) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256`,
    ),
    baseline: db.prepare<[string, number], { path: string; sha256: string }>(
      'SELECT path, sha256 FROM baselines WHERE model_name = ? AND version = ?',
    ),
  };
}

function toRecord(row: VersionRow): ModelVersionRecord {
  return {
    modelName: row.model_name,
    version: row.version,
    artifactPath: row.artifact_path,
    artifactSha256: row.artifact_sha256,
    expectedPath: row.expected_path,
    expectedSha256: row.expected_sha256,
    modelPath: row.model_path,
    modelSha256: row.model_sha256,
    spec: JSON.parse(row.spec_json) as FeatureSpec,
    threshold: row.threshold,
    target: row.target,
    positiveLabel: row.positive_label,
    dataUri: row.data_uri,
    dataSha256: row.data_sha256,
    dataRows: row.data_rows,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    metrics: JSON.parse(row.metrics_json) as ClassificationMetrics,
    packageVersion: row.package_version,
    gitCommit: row.git_commit,
    workflowId: row.workflow_id,
    runId: row.run_id,
    createdAt: row.created_at,
  };
}
