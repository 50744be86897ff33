import type Database from 'better-sqlite3';
import { InvalidInputError } from '../core/errors';
import type { Actor, AliasAction, AliasChange, AliasRecord } from './alias-types';
import { previousServing } from './serving-stack';

export type { Actor, AliasAction, AliasChange, AliasRecord };

/** The alias every scoring server serves: stored as the `serving` pointer, so the two are one thing. */
export const CHAMPION = 'champion';
export const CHALLENGER = 'challenger';
const ALIAS_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export interface ChangeOptions {
  reason: string;
  actor?: Actor;
  /** When the change happens; now by default. */
  at?: Date;
}

interface ChangeRow {
  id: number;
  model_name: string;
  alias: string;
  action: AliasAction;
  from_version: number | null;
  to_version: number | null;
  reason: string;
  at: string;
  workflow_id: string | null;
  run_id: string | null;
  command: string | null;
  user_name: string | null;
}

/**
 * Named pointers at versions of a model, and the history of every change to them. `champion` is the
 * serving pointer (the `serving` table every server follows); a champion change also goes to
 * `deployments`, so the audit trail older code reads stays whole.
 */
export class Aliases {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepare(db);
  }

  /** Points `alias` at `version`; returns the change recorded, or undefined when it pointed there already. */
  set(modelName: string, alias: string, version: number, options: ChangeOptions): AliasChange | undefined {
    checkAliasName(alias);
    return this.change(modelName, alias, version, 'set', options);
  }

  /** Removes a user alias (or `challenger`); `champion` is never removed, only moved. */
  remove(modelName: string, alias: string, options: ChangeOptions): AliasChange | undefined {
    checkAliasName(alias);
    if (alias === CHAMPION) {
      throw new InvalidInputError(
        `the champion alias of ${modelName} is its serving version and cannot be removed: promote or roll back instead`,
      );
    }
    return this.change(modelName, alias, null, 'remove', options);
  }

  /**
   * Returns the champion to the version that served before the current one took over (undoing the
   * last promotion; a second rollback undoes the one before).
   */
  rollback(modelName: string, options: ChangeOptions): AliasChange {
    return this.db
      .transaction(() => {
        const current = this.get(modelName, CHAMPION);
        if (!current) throw new InvalidInputError(`${modelName} has no serving version to roll back`);
        const target = previousServing(this.history(modelName, CHAMPION));
        if (target === undefined || target === current.version) {
          throw new InvalidInputError(
            `${modelName} has no earlier serving version to roll back to (v${current.version} is the first that served); ` +
              'promote a version instead: mlcycle models promote --model NAME --version V',
          );
        }
        const change = this.change(modelName, CHAMPION, target, 'rollback', options);
        if (!change) throw new Error(`registry: the rollback of ${modelName} to v${target} changed nothing`);
        return change;
      })
      .immediate();
  }

  /** The version `rollback` would return to; undefined when there is none. */
  rollbackTarget(modelName: string): number | undefined {
    const current = this.get(modelName, CHAMPION)?.version;
    const target = previousServing(this.history(modelName, CHAMPION));
    return target === current ? undefined : target;
  }

  get(modelName: string, alias: string): AliasRecord | undefined {
    const row =
      alias === CHAMPION ? this.statements.champion.get(modelName) : this.statements.alias.get(modelName, alias);
    return row && { modelName, alias, version: row.version, since: row.since };
  }

  /** Every alias of the model, the champion first. */
  list(modelName: string): AliasRecord[] {
    const champion = this.get(modelName, CHAMPION);
    const others = this.statements.aliases.all(modelName).map((row) => ({ modelName, ...row }));
    return champion ? [champion, ...others] : others;
  }

  /** The changes in the order they happened; one alias's only when `alias` is given. */
  history(modelName: string, alias?: string): AliasChange[] {
    const rows =
      alias === undefined ? this.statements.history.all(modelName) : this.statements.aliasHistory.all(modelName, alias);
    return rows.map(toChange);
  }

  /**
   * The champion change in force at `time`: its `toVersion` is the version that served then (null if
   * none did). Undefined when nothing had served yet.
   */
  servingAt(modelName: string, time: Date | string): AliasChange | undefined {
    const iso = typeof time === 'string' ? time : time.toISOString();
    const row = this.statements.championAt.get(modelName, iso);
    return row && toChange(row);
  }

  private change(
    modelName: string,
    alias: string,
    version: number | null,
    action: AliasAction,
    { reason, actor, at = new Date() }: ChangeOptions,
  ): AliasChange | undefined {
    return this.db
      .transaction((): AliasChange | undefined => {
        if (version !== null && !this.statements.versionExists.get(modelName, version)) {
          throw new InvalidInputError(
            `${modelName} has no version ${version}; "mlcycle models list --model ${modelName}" lists them`,
          );
        }
        const from = this.get(modelName, alias)?.version ?? null;
        if (from === version) return undefined;
        const when = at.toISOString();
        const run = actor && 'workflowId' in actor ? actor : undefined;
        const person = actor && 'command' in actor ? actor : undefined;
        if (alias === CHAMPION && version !== null) {
          this.statements.setServing.run(modelName, version, when, run?.workflowId ?? null, run?.runId ?? null);
          this.statements.insertDeployment.run(
            modelName,
            version,
            reason,
            when,
            run?.workflowId ?? null,
            run?.runId ?? null,
          );
        } else if (version === null) {
          this.statements.removeAlias.run(modelName, alias);
        } else {
          this.statements.setAlias.run(modelName, alias, version, when);
        }
        const { lastInsertRowid } = this.statements.insertChange.run(
          modelName,
          alias,
          action,
          from,
          version,
          reason,
          when,
          run?.workflowId ?? null,
          run?.runId ?? null,
          person?.command ?? null,
          person?.user ?? null,
        );
        return toChange({
          id: Number(lastInsertRowid),
          model_name: modelName,
          alias,
          action,
          from_version: from,
          to_version: version,
          reason,
          at: when,
          workflow_id: run?.workflowId ?? null,
          run_id: run?.runId ?? null,
          command: person?.command ?? null,
          user_name: person?.user ?? null,
        });
      })
      .immediate();
  }
}

export function checkAliasName(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw new InvalidInputError(
      `alias "${alias}" is not a valid name: use a lower-case letter, then lower-case letters, digits or "-" (at most 63)`,
    );
  }
}

function prepare(db: Database.Database) {
  return {
    versionExists: db.prepare<[string, number], { one: number }>(
      'SELECT 1 AS one FROM model_versions WHERE model_name = ? AND version = ?',
    ),
    champion: db.prepare<[string], { version: number; since: string }>(
      'SELECT version, since FROM serving WHERE model_name = ?',
    ),
    alias: db.prepare<[string, string], { version: number; since: string }>(
      'SELECT version, since FROM aliases WHERE model_name = ? AND alias = ?',
    ),
    aliases: db.prepare<[string], { alias: string; version: number; since: string }>(
      'SELECT alias, version, since FROM aliases WHERE model_name = ? ORDER BY alias',
    ),
    setServing: db.prepare<[string, number, string, string | null, string | null]>(
      `INSERT INTO serving (model_name, version, since, workflow_id, run_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (model_name) DO UPDATE SET version = excluded.version, since = excluded.since,
         workflow_id = excluded.workflow_id, run_id = excluded.run_id`,
    ),
    insertDeployment: db.prepare<[string, number, string, string, string | null, string | null]>(
      `INSERT INTO deployments (model_name, version, outcome, reason, at, workflow_id, run_id)
       VALUES (?, ?, 'serving', ?, ?, ?, ?)`,
    ),
    setAlias: db.prepare<[string, string, number, string]>(
      `INSERT INTO aliases (model_name, alias, version, since) VALUES (?, ?, ?, ?)
       ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, since = excluded.since`,
    ),
    removeAlias: db.prepare<[string, string]>('DELETE FROM aliases WHERE model_name = ? AND alias = ?'),
    insertChange: db.prepare<
      [
        string,
        string,
        AliasAction,
        number | null,
        number | null,
        string,
        string,
        string | null,
        string | null,
        string | null,
        string | null,
      ]
    >(
      `INSERT INTO alias_history (model_name, alias, action, from_version, to_version, reason, at, workflow_id, run_id,
         command, user_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    history: db.prepare<[string], ChangeRow>('SELECT * FROM alias_history WHERE model_name = ? ORDER BY id'),
    aliasHistory: db.prepare<[string, string], ChangeRow>(
      'SELECT * FROM alias_history WHERE model_name = ? AND alias = ? ORDER BY id',
    ),
    championAt: db.prepare<[string, string], ChangeRow>(
      `SELECT * FROM alias_history WHERE model_name = ? AND alias = '${CHAMPION}' AND julianday(at) <= julianday(?)
       ORDER BY julianday(at) DESC, id DESC LIMIT 1`,
    ),
  };
}

function toChange(row: ChangeRow): AliasChange {
  return {
    id: row.id,
    modelName: row.model_name,
    alias: row.alias,
    action: row.action,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    reason: row.reason,
    at: row.at,
    workflowId: row.workflow_id,
    runId: row.run_id,
    command: row.command,
    user: row.user_name,
  };
}
