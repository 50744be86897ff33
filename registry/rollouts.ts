import type Database from 'better-sqlite3';

export type RolloutStrategy = 'canary' | 'shadow';
export type RolloutEnd = 'promoted' | 'rolled-back' | 'observed' | 'superseded';

/** A canary or shadow rollout: under way while `endedAt` is null, kept as history after. */
export interface RolloutRecord {
  id: number;
  modelName: string;
  candidateVersion: number;
  /** The version serving when it started. */
  championVersion: number | null;
  strategy: RolloutStrategy;
  /** Canary: share of unpinned requests the candidate answers; null for shadow. */
  share: number | null;
  startedAt: string;
  endedAt: string | null;
  outcome: RolloutEnd | null;
  reason: string | null;
  workflowId: string | null;
  runId: string | null;
}

interface Row {
  id: number;
  model_name: string;
  candidate_version: number;
  champion_version: number | null;
  strategy: RolloutStrategy;
  share: number | null;
  started_at: string;
  ended_at: string | null;
  outcome: RolloutEnd | null;
  reason: string | null;
  workflow_id: string | null;
  run_id: string | null;
}

export interface NewRollout {
  modelName: string;
  candidateVersion: number;
  championVersion: number | null;
  strategy: RolloutStrategy;
  share: number | null;
  run?: { workflowId: string; runId: string };
}

/**
 * The rollouts table (registry schema step 6). Scoring servers read the active ones every refresh and
 * route by them, so every replica follows the same canary or shadow; the worker starts and ends them.
 */
export class Rollouts {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepare(db);
  }

  /**
   * Starts a rollout, or returns the one this workflow run already started (an activity retry). A
   * rollout of another run still under way for the model is ended as superseded: the newest wins.
   */
  start(entry: NewRollout, now = new Date()): RolloutRecord {
    return this.db
      .transaction((): RolloutRecord => {
        const active = this.active(entry.modelName);
        if (active && entry.run && active.workflowId === entry.run.workflowId && active.runId === entry.run.runId) {
          return active;
        }
        if (active) {
          const reason = `superseded by a ${entry.strategy} of version ${entry.candidateVersion}`;
          this.statements.end.run(now.toISOString(), 'superseded', reason, active.id);
        }
        const { lastInsertRowid } = this.statements.insert.run(
          entry.modelName,
          entry.candidateVersion,
          entry.championVersion,
          entry.strategy,
          entry.share,
          now.toISOString(),
          entry.run?.workflowId ?? null,
          entry.run?.runId ?? null,
        );
        return this.get(Number(lastInsertRowid)) as RolloutRecord;
      })
      .immediate();
  }

  /** Ends a rollout once; ending it again (a retry) changes nothing and returns it as it ended. */
  end(id: number, outcome: RolloutEnd, reason: string, now = new Date()): RolloutRecord | undefined {
    this.statements.end.run(now.toISOString(), outcome, reason, id);
    return this.get(id);
  }

  get(id: number): RolloutRecord | undefined {
    const row = this.statements.byId.get(id);
    return row && toRecord(row);
  }

  active(modelName: string): RolloutRecord | undefined {
    const row = this.statements.active.get(modelName);
    return row && toRecord(row);
  }

  listActive(): RolloutRecord[] {
    return this.statements.allActive.all().map(toRecord);
  }

  /** Every rollout of a model, oldest first. */
  list(modelName: string): RolloutRecord[] {
    return this.statements.byModel.all(modelName).map(toRecord);
  }
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare<[string, number, number | null, string, number | null, string, string | null, string | null]>(
      `INSERT INTO rollouts (model_name, candidate_version, champion_version, strategy, share, started_at, workflow_id, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    end: db.prepare<[string, string, string, number]>(
      'UPDATE rollouts SET ended_at = ?, outcome = ?, reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
    byId: db.prepare<[number], Row>('SELECT * FROM rollouts WHERE id = ?'),
    active: db.prepare<[string], Row>('SELECT * FROM rollouts WHERE model_name = ? AND ended_at IS NULL'),
    allActive: db.prepare<[], Row>('SELECT * FROM rollouts WHERE ended_at IS NULL ORDER BY model_name'),
    byModel: db.prepare<[string], Row>('SELECT * FROM rollouts WHERE model_name = ? ORDER BY id'),
  };
}

function toRecord(row: Row): RolloutRecord {
  return {
    id: row.id,
    modelName: row.model_name,
    candidateVersion: row.candidate_version,
    championVersion: row.champion_version,
    strategy: row.strategy,
    share: row.share,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    reason: row.reason,
    workflowId: row.workflow_id,
    runId: row.run_id,
  };
}
