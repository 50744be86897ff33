import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../core/config';
import type { Actor } from '../../registry/aliases';
import { ModelRegistry } from '../../registry/model-registry';
import type { ModelVersionRecord } from '../../registry/types';

/**
 * Opens the registry of MLCYCLE_HOME directly (SQLite in WAL mode, so this runs beside a worker and
 * scoring servers), runs `use` and closes it. A home without a registry is an error, not a new empty one.
 */
export async function withRegistry<T>(use: (registry: ModelRegistry) => Promise<T> | T): Promise<T> {
  const { home } = loadConfig();
  const file = join(home, 'registry', 'registry.sqlite');
  if (!existsSync(file)) {
    throw new Error(
      `no model registry at ${file}: set MLCYCLE_HOME to the home your worker uses, or train a model first ("mlcycle train --data FILE")`,
    );
  }
  const registry = ModelRegistry.open(home);
  try {
    return await use(registry);
  } finally {
    registry.close();
  }
}

/** The person running a command, as the alias history records them. */
export function commandActor(command: string): Extract<Actor, { command: string }> {
  return { command: `mlcycle models ${command}`, user: currentUser() };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** The model's versions; an unknown name is an error that lists the names there are. */
export function versionsOf(registry: ModelRegistry, modelName: string): ModelVersionRecord[] {
  const versions = registry.listVersions(modelName);
  if (versions.length > 0) return versions;
  const names = registry.listModelNames();
  throw new Error(
    `the registry has no model "${modelName}"; it has ${names.length === 0 ? 'none yet' : names.map((n) => `"${n}"`).join(', ')}`,
  );
}

/** `--version V` or `--alias A` (exactly one, or neither for `fallback`) to a version record. */
export function pickVersion(
  registry: ModelRegistry,
  modelName: string,
  choice: { version?: string; alias?: string },
  fallback?: () => ModelVersionRecord | undefined,
): ModelVersionRecord {
  const versions = versionsOf(registry, modelName);
  if (choice.version !== undefined && choice.alias !== undefined) {
    throw new Error('give --version or --alias, not both');
  }
  if (choice.alias !== undefined) {
    const alias = registry.aliases.get(modelName, choice.alias);
    if (!alias) {
      const known = registry.aliases.list(modelName).map((a) => a.alias);
      throw new Error(
        `${modelName} has no alias "${choice.alias}"; its aliases: ${known.length === 0 ? 'none' : known.join(', ')}`,
      );
    }
    return recordOf(registry, modelName, alias.version);
  }
  if (choice.version !== undefined) return recordOf(registry, modelName, parseVersion(choice.version));
  const picked = fallback?.();
  if (picked) return picked;
  const latest = versions.at(-1);
  if (!latest) throw new Error(`${modelName} has no versions`);
  return latest;
}

export function recordOf(registry: ModelRegistry, modelName: string, version: number): ModelVersionRecord {
  const record = registry.getVersion(modelName, version);
  if (record) return record;
  const known = versionsOf(registry, modelName).map((v) => v.version);
  throw new Error(`${modelName} has no version ${version}; its versions: ${known.join(', ')}`);
}

export function parseVersion(text: string, flag = '--version'): number {
  const version = Number(text);
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`${flag} must be a version number (1, 2, …), got "${text}"`);
  }
  return version;
}
