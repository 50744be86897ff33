import { signatureOf, type ModelSignature } from '../../registry/signature';
import type { ModelVersionRecord } from '../../registry/types';
import { metric, printJson, printLines } from './output';
import { parseVersion, recordOf, withRegistry } from './registry-access';

export interface DiffOptions {
  model: string;
  from: string;
  to: string;
  json?: boolean;
}

export interface VersionDiff {
  model: string;
  from: number;
  to: number;
  metrics: { name: string; from: number | null; to: number | null; delta: number | null }[];
  params: { name: string; from: unknown; to: unknown }[];
  threshold: { from: number; to: number };
  features: {
    added: string[];
    removed: string[];
    kindChanged: { name: string; from: string; to: string }[];
    levels: { name: string; added: string[]; removed: string[] }[];
  };
  target: { from: string; to: string } | null;
  data: { name: 'uri' | 'sha256' | 'rows'; from: string | number; to: string | number }[];
}

/** `mlcycle models diff`: what changed between two versions — metrics, params, features and their levels, data. */
export async function runModelsDiff(options: DiffOptions): Promise<void> {
  const diff = await withRegistry((registry) =>
    diffVersions(
      recordOf(registry, options.model, parseVersion(options.from, '--from')),
      recordOf(registry, options.model, parseVersion(options.to, '--to')),
    ),
  );
  if (options.json) return printJson(diff);
  printLines(diffLines(diff));
}

export function diffVersions(from: ModelVersionRecord, to: ModelVersionRecord): VersionDiff {
  const numbers = (record: ModelVersionRecord) =>
    Object.fromEntries(Object.entries(record.metrics).filter(([, v]) => typeof v === 'number')) as Record<
      string,
      number
    >;
  const [a, b] = [numbers(from), numbers(to)];
  const metricNames = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const paramNames = [...new Set([...Object.keys(from.params), ...Object.keys(to.params)])];
  return {
    model: from.modelName,
    from: from.version,
    to: to.version,
    metrics: metricNames.map((name) => {
      const [x, y] = [a[name] ?? null, b[name] ?? null];
      return { name, from: x, to: y, delta: x === null || y === null ? null : y - x };
    }),
    params: paramNames
      .filter((name) => JSON.stringify(from.params[name]) !== JSON.stringify(to.params[name]))
      .map((name) => ({ name, from: from.params[name] ?? null, to: to.params[name] ?? null })),
    threshold: { from: from.threshold, to: to.threshold },
    features: featureDiff(signatureOf(from), signatureOf(to)),
    target:
      from.target === to.target && from.positiveLabel === to.positiveLabel
        ? null
        : { from: `${from.target}=${from.positiveLabel}`, to: `${to.target}=${to.positiveLabel}` },
    data: (
      [
        ['uri', from.dataUri, to.dataUri],
        ['sha256', from.dataSha256, to.dataSha256],
        ['rows', from.dataRows, to.dataRows],
      ] as const
    )
      .filter(([, x, y]) => x !== y)
      .map(([name, x, y]) => ({ name, from: x, to: y })),
  };
}

function featureDiff(from: ModelSignature, to: ModelSignature): VersionDiff['features'] {
  const before = new Map(from.inputs.map((input) => [input.name, input]));
  const after = new Map(to.inputs.map((input) => [input.name, input]));
  const both = [...after.values()].filter((input) => before.has(input.name));
  return {
    added: [...after.keys()].filter((name) => !before.has(name)),
    removed: [...before.keys()].filter((name) => !after.has(name)),
    kindChanged: both
      .filter((input) => before.get(input.name)?.kind !== input.kind)
      .map((input) => ({ name: input.name, from: before.get(input.name)?.kind ?? '', to: input.kind })),
    // Levels of columns that stayed categorical; a column that changed kind is listed under kindChanged.
    levels: both
      .filter((input) => input.kind === 'categorical' && before.get(input.name)?.kind === 'categorical')
      .map((input) => {
        const old = new Set(before.get(input.name)?.levels ?? []);
        const now = new Set(input.levels ?? []);
        return {
          name: input.name,
          added: [...now].filter((level) => !old.has(level)),
          removed: [...old].filter((level) => !now.has(level)),
        };
      })
      .filter((change) => change.added.length + change.removed.length > 0),
  };
}

function diffLines(diff: VersionDiff): string[] {
  const { features } = diff;
  const featureLines = [
    ...features.added.map((name) => `  + ${name}`),
    ...features.removed.map((name) => `  - ${name}`),
    ...features.kindChanged.map((c) => `  ~ ${c.name}: ${c.from} -> ${c.to}`),
    ...features.levels.map(
      (c) =>
        `  ~ ${c.name} levels:${c.added.map((l) => ` +${JSON.stringify(l)}`).join('')}${c.removed.map((l) => ` -${JSON.stringify(l)}`).join('')}`,
    ),
  ];
  const signed = (delta: number | null) => (delta === null ? '-' : `${delta >= 0 ? '+' : ''}${delta.toFixed(4)}`);
  return [
    `${diff.model}: v${diff.from} -> v${diff.to}`,
    'metrics (test split)      from      to        delta',
    ...diff.metrics.map(
      (m) => `  ${m.name.padEnd(22)}  ${metric(m.from).padEnd(8)}  ${metric(m.to).padEnd(8)}  ${signed(m.delta)}`,
    ),
    `threshold  ${diff.threshold.from} -> ${diff.threshold.to}`,
    'params',
    ...(diff.params.length === 0
      ? ['  unchanged']
      : diff.params.map((p) => `  ${p.name}: ${short(p.from)} -> ${short(p.to)}`)),
    'features',
    ...(featureLines.length === 0 ? ['  unchanged'] : featureLines),
    ...(diff.target ? [`target  ${diff.target.from} -> ${diff.target.to}`] : []),
    'data',
    ...(diff.data.length === 0 ? ['  unchanged'] : diff.data.map((d) => `  ${d.name}: ${d.from} -> ${d.to}`)),
  ];
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? 'none';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
