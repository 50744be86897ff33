import { writeFileSync } from 'node:fs';
import { createRng } from '../../models/random';

// Data sets that are not Telco, for tests of what users bring: another target name, 0/1 or yes/no
// labels, only numbers or a mix. Seeded, so a failing test reproduces exactly. `shift` moves features
// (numerics by that many standard deviations, categories towards their last level) for data drift;
// `relation: 'inverted'` draws labels from the opposite relationship, for concept drift with the
// features unchanged.

export interface DatasetOptions {
  rows: number;
  seed: number;
  /** Per feature: numerics move by this many SDs; a category's last level gains this share of rows. */
  shift?: Record<string, number>;
  /** 'inverted' flips the sign of the relationship between features and label (concept drift). */
  relation?: 'normal' | 'inverted';
}

export type DatasetRecord = Record<string, string | number>;

export interface GeneratedDataset {
  /** Feature columns only (no target, no id): what a client sends to /predict. */
  records: DatasetRecord[];
  /** The true outcome of each record as the file writes it (0/1 or "yes"/"no"). */
  labels: (string | number)[];
  /** The same outcomes as 0/1, as /feedback takes them. */
  outcomes: (0 | 1)[];
  /** Full rows in file column order, target (and id) included. */
  rows: DatasetRecord[];
  header: string[];
  target: string;
}

function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function draw(rng: () => number, logit: number, relation: DatasetOptions['relation']): 0 | 1 {
  const z = relation === 'inverted' ? -logit : logit;
  return rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/** Numbers only, target `malignant` with 0/1 labels, no id column (shaped like the breast-cancer data). */
export const NUMERIC_FEATURES = [
  'radius_mean',
  'texture_mean',
  'smoothness_mean',
  'compactness_mean',
  'concavity_mean',
  'symmetry_mean',
] as const;

export function numericDataset(options: DatasetOptions): GeneratedDataset {
  const rng = createRng(options.seed);
  const shift = options.shift ?? {};
  const moved = (name: string, mean: number, sd: number) => mean + sd * (gaussian(rng) + (shift[name] ?? 0));
  const records: DatasetRecord[] = [];
  const outcomes: (0 | 1)[] = [];
  for (let i = 0; i < options.rows; i++) {
    const radius = moved('radius_mean', 14, 3.5);
    const texture = moved('texture_mean', 19, 4.3);
    const smoothness = moved('smoothness_mean', 0.096, 0.014);
    const compactness = moved('compactness_mean', 0.104, 0.053);
    const concavity = Math.max(0, moved('concavity_mean', 0.089, 0.08));
    const symmetry = moved('symmetry_mean', 0.181, 0.027);
    const logit =
      -0.6 + 1.5 * ((radius - 14) / 3.5) + 0.6 * ((texture - 19) / 4.3) + 1.1 * ((concavity - 0.089) / 0.08);
    outcomes.push(draw(rng, logit, options.relation));
    records.push({
      radius_mean: round(radius, 3),
      texture_mean: round(texture, 2),
      smoothness_mean: round(smoothness, 5),
      compactness_mean: round(compactness, 5),
      concavity_mean: round(concavity, 5),
      symmetry_mean: round(symmetry, 4),
    });
  }
  const target = 'malignant';
  return {
    records,
    outcomes,
    labels: outcomes,
    rows: records.map((r, i) => ({ ...r, [target]: outcomes[i] as number })),
    header: [...NUMERIC_FEATURES, target],
    target,
  };
}

/** A mix of numbers and categories, id column `client_id`, target `subscribed` with yes/no labels. */
export const YES_NO_FEATURES = ['age', 'balance', 'duration', 'campaign', 'job', 'marital', 'housing', 'contact'];
const JOBS = ['admin', 'blue-collar', 'technician', 'services', 'management', 'retired', 'student'];
const MARITAL = ['married', 'single', 'divorced'];
const CONTACT = ['cellular', 'telephone', 'unknown'];

function pick<T>(rng: () => number, levels: readonly T[], lastLevelBoost = 0): T {
  if (rng() < lastLevelBoost) return levels[levels.length - 1] as T;
  return levels[Math.floor(rng() * levels.length)] as T;
}

export function yesNoDataset(options: DatasetOptions): GeneratedDataset {
  const rng = createRng(options.seed);
  const shift = options.shift ?? {};
  const records: DatasetRecord[] = [];
  const outcomes: (0 | 1)[] = [];
  for (let i = 0; i < options.rows; i++) {
    const age = Math.round(Math.min(95, Math.max(18, 41 + 10.5 * (gaussian(rng) + (shift.age ?? 0)))));
    const balance = Math.round(1400 + 3000 * (gaussian(rng) + (shift.balance ?? 0)));
    const duration = Math.round(Math.max(0, 260 + 250 * (gaussian(rng) + (shift.duration ?? 0))));
    const campaign = Math.max(1, Math.round(2.7 + 3 * Math.abs(gaussian(rng)) + (shift.campaign ?? 0)));
    const job = pick(rng, JOBS, shift.job ?? 0);
    const marital = pick(rng, MARITAL, shift.marital ?? 0);
    const housing = pick(rng, ['yes', 'no'], shift.housing ?? 0);
    const contact = pick(rng, CONTACT, shift.contact ?? 0);
    const logit =
      -1.2 +
      1.6 * ((duration - 260) / 250) -
      0.35 * (campaign - 2.7) +
      (job === 'student' || job === 'retired' ? 0.9 : 0) +
      (housing === 'yes' ? -0.6 : 0.3) +
      (contact === 'unknown' ? -0.8 : 0.2);
    outcomes.push(draw(rng, logit, options.relation));
    records.push({ age, balance, duration, campaign, job, marital, housing, contact });
  }
  const target = 'subscribed';
  const labels = outcomes.map((o) => (o === 1 ? 'yes' : 'no'));
  return {
    records,
    outcomes,
    labels,
    rows: records.map((r, i) => ({
      client_id: `C${String(i + 1).padStart(6, '0')}`,
      ...r,
      [target]: labels[i] as string,
    })),
    header: ['client_id', ...YES_NO_FEATURES, target],
    target,
  };
}

/** Writes a generated data set as CSV (header row, `\n` line ends; no field needs quoting). */
export function writeDataset(path: string, dataset: GeneratedDataset): string {
  const lines = dataset.rows.map((row) => dataset.header.map((column) => String(row[column] ?? '')).join(','));
  writeFileSync(path, `${dataset.header.join(',')}\n${lines.join('\n')}\n`);
  return path;
}

export function writeNumericDataset(path: string, options: DatasetOptions): GeneratedDataset {
  const dataset = numericDataset(options);
  writeDataset(path, dataset);
  return dataset;
}

export function writeYesNoDataset(path: string, options: DatasetOptions): GeneratedDataset {
  const dataset = yesNoDataset(options);
  writeDataset(path, dataset);
  return dataset;
}
