import type Database from 'better-sqlite3';

/** One numbered schema step: after it ran, the database's `user_version` is `version`. */
export interface Migration {
  version: number;
  /** What the step changes, for whoever reads the list. */
  description: string;
  /** SQL run as it is, or a function for a step that must look before it changes. */
  up: string | ((db: Database.Database) => void);
}

/** A database's schema history: its steps, numbered 1, 2, 3, … in order. */
export interface SchemaPlan {
  /** The database's name in errors, e.g. "the model registry". */
  name: string;
  migrations: readonly Migration[];
  /**
   * For a database written before the steps were numbered (tables present, `user_version` 0): the
   * last step its tables already have, found by looking at them; 0 for an empty database.
   */
  recognise: (db: Database.Database) => number;
}

/** The database was migrated by a newer mlcycle: this one does not know its tables and must not write them. */
export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(plan: SchemaPlan): number {
  return plan.migrations.length;
}

/** Throws `SchemaVersionError` when `version` is beyond the steps this code knows. */
export function refuseNewer(plan: SchemaPlan, version: number, file: string): void {
  const latest = latestVersion(plan);
  if (version <= latest) return;
  throw new SchemaVersionError(
    `${plan.name} (${file}) has schema version ${version}, newer than the ${latest} this mlcycle knows: ` +
      'a newer mlcycle migrated it. Run that version, or restore a copy made before the upgrade.',
  );
}

/** Names of the tables and indexes the database holds. */
export function schemaObjects(db: Database.Database, type: 'table' | 'index'): Set<string> {
  return new Set(db.prepare<[string], string>('SELECT name FROM sqlite_master WHERE type = ?').pluck().all(type));
}

export function columnNames(db: Database.Database, table: string): Set<string> {
  return new Set(db.prepare<[string], string>('SELECT name FROM pragma_table_info(?)').pluck().all(table));
}

/**
 * Brings the database to the plan's last step. Each step runs in its own write transaction that also
 * sets `user_version`, so a crash leaves the database at a whole step; the version is read again under
 * the write lock, so processes that open the file at once (a worker and a scoring server) each run a
 * step at most once between them. Returns the version found and the version reached.
 */
export function migrate(db: Database.Database, plan: SchemaPlan): { from: number; to: number } {
  assertNumbered(plan);
  const latest = latestVersion(plan);
  const found = schemaVersion(db);
  refuseNewer(plan, found, db.name);
  if (found === latest) return { from: found, to: found };
  db.transaction(() => {
    if (schemaVersion(db) !== 0) return;
    const recognised = plan.recognise(db);
    if (recognised > 0) setVersion(db, recognised);
  }).immediate();
  const from = schemaVersion(db);
  for (const step of plan.migrations) {
    db.transaction(() => {
      const at = schemaVersion(db);
      refuseNewer(plan, at, db.name);
      if (at >= step.version) return;
      if (typeof step.up === 'string') db.exec(step.up);
      else step.up(db);
      setVersion(db, step.version);
    }).immediate();
  }
  return { from, to: latest };
}

function setVersion(db: Database.Database, version: number): void {
  db.pragma(`user_version = ${Math.trunc(version)}`);
}

function assertNumbered(plan: SchemaPlan): void {
  plan.migrations.forEach((step, index) => {
    if (step.version !== index + 1) {
      throw new Error(
        `${plan.name}: migration ${index + 1} is numbered ${step.version}; steps are numbered 1, 2, 3, …`,
      );
    }
  });
}
