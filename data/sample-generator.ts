import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createRng } from '../models/random';

// Synthetic customers shaped like the IBM Telco churn file, for tests and benchmarks at any size.
// The relationships are the real file's in miniature: long contracts keep customers longer, fibre
// and electronic cheques churn more, support add-ons churn less. Churn is drawn from a logistic
// model of those, so a logistic regression can learn it (ROC AUC about 0.83, churn rate about 26%).

export const TELCO_COLUMNS = [
  'customerID',
  'gender',
  'SeniorCitizen',
  'Partner',
  'Dependents',
  'tenure',
  'PhoneService',
  'MultipleLines',
  'InternetService',
  'OnlineSecurity',
  'OnlineBackup',
  'DeviceProtection',
  'TechSupport',
  'StreamingTV',
  'StreamingMovies',
  'Contract',
  'PaperlessBilling',
  'PaymentMethod',
  'MonthlyCharges',
  'TotalCharges',
  'Churn',
] as const;

export interface TelcoSampleOptions {
  rows: number;
  seed: number;
  /**
   * Rows from this index on draw churn from CHANGED_CHURN_LOGIT: the same customers (same seed, same
   * features), a changed market. For concept-drift tests and the online-training benchmark.
   */
  conceptChangeAt?: number;
}

type Rng = () => number;

const CONTRACTS = ['Month-to-month', 'One year', 'Two year'] as const;
const INTERNET = ['DSL', 'Fiber optic', 'No'] as const;
const PAYMENTS = ['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)'] as const;
/** Internet add-ons: share of internet customers who have each, and its monthly price. */
const ADD_ONS = {
  OnlineSecurity: { share: 0.37, price: 5 },
  OnlineBackup: { share: 0.44, price: 5 },
  DeviceProtection: { share: 0.44, price: 5 },
  TechSupport: { share: 0.37, price: 5 },
  StreamingTV: { share: 0.49, price: 10 },
  StreamingMovies: { share: 0.5, price: 10 },
} as const;
type AddOn = keyof typeof ADD_ONS;
const ADD_ON_NAMES = Object.keys(ADD_ONS) as AddOn[];

interface Customer {
  female: boolean;
  senior: boolean;
  partner: boolean;
  dependents: boolean;
  tenure: number;
  phone: boolean;
  multipleLines: boolean;
  internet: (typeof INTERNET)[number];
  addOns: Record<AddOn, boolean>;
  contract: (typeof CONTRACTS)[number];
  paperless: boolean;
  payment: (typeof PAYMENTS)[number];
  monthly: number;
}

/** Log-odds of churn; the intercept is tuned so about 26% of customers churn. */
const CHURN_LOGIT = {
  intercept: 0.1,
  contract: { 'Month-to-month': 0, 'One year': -1.1, 'Two year': -2.4 },
  perTenureMonth: -0.035,
  internet: { DSL: 0, 'Fiber optic': 0.9, No: -0.9 },
  electronicCheck: 0.5,
  techSupport: -0.45,
  onlineSecurity: -0.45,
  senior: 0.3,
  paperless: 0.35,
  dependents: -0.2,
};

/**
 * After the concept change: a competitor's fibre undercuts ours (fibre customers now churn less than
 * DSL ones), contracts bind less, seniors and families leave more, paperless billing stops mattering.
 */
const CHANGED_CHURN_LOGIT: typeof CHURN_LOGIT = {
  intercept: -0.3,
  contract: { 'Month-to-month': 0, 'One year': -0.5, 'Two year': -1.2 },
  perTenureMonth: -0.015,
  internet: { DSL: 0.9, 'Fiber optic': -0.6, No: -0.9 },
  electronicCheck: 0.5,
  techSupport: -0.45,
  onlineSecurity: 0.3,
  senior: 1,
  paperless: 0,
  dependents: 0.6,
};

const BATCH_CHARS = 1 << 20;
const ID_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ID_SPACE = 10_000n * 26n ** 5n;

/** The whole CSV (header and trailing newline included) as one string: for small samples. */
export function generateTelcoCsv(options: TelcoSampleOptions): string {
  return [...csvBatches(options)].join('');
}

/** Writes the CSV to `path` a batch of lines at a time, so millions of rows never sit in memory. */
export async function writeTelcoSample(path: string, options: TelcoSampleOptions): Promise<void> {
  await pipeline(Readable.from(csvBatches(options)), createWriteStream(path, { encoding: 'utf8' }));
}

function csvBatches({ rows, seed, conceptChangeAt = Infinity }: TelcoSampleOptions): Generator<string> {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a whole number >= 0, got ${rows}`);
  return batchLines(rows, seed, conceptChangeAt);
}

function* batchLines(rows: number, seed: number, conceptChangeAt: number): Generator<string> {
  const rng = createRng(seed);
  const customerId = customerIdSequence(rng);
  let batch = TELCO_COLUMNS.join(',') + '\n';
  for (let i = 0; i < rows; i++) {
    batch += customerLine(rng, customerId(i), i >= conceptChangeAt ? CHANGED_CHURN_LOGIT : CHURN_LOGIT) + '\n';
    if (batch.length >= BATCH_CHARS) {
      yield batch;
      batch = '';
    }
  }
  yield batch;
}

function customerLine(rng: Rng, customerId: string, concept: typeof CHURN_LOGIT): string {
  const customer = drawCustomer(rng);
  // Prices drift over a customer's life, so the total is only roughly tenure × monthly.
  const { tenure, monthly } = customer;
  const total = tenure <= 1 ? monthly * tenure : tenure * monthly * (0.95 + rng() * 0.1);
  const churn = rng() < 1 / (1 + Math.exp(-churnLogit(customer, concept)));
  return formatLine(customerId, customer, total, churn);
}

function drawCustomer(rng: Rng): Customer {
  const female = rng() < 0.5;
  const senior = rng() < 0.16;
  const partner = rng() < 0.48;
  const dependents = rng() < (partner ? 0.5 : 0.1);
  const contract = pickWeighted(rng, CONTRACTS, [0.55, 0.21, 0.24]);
  const tenure = drawTenure(rng, contract);
  const phone = rng() < 0.9;
  const multipleLines = phone && rng() < 0.47;
  const internet = pickWeighted(rng, INTERNET, [0.34, 0.44, 0.22]);
  const addOns = {} as Record<AddOn, boolean>;
  for (const name of ADD_ON_NAMES) addOns[name] = internet !== 'No' && rng() < ADD_ONS[name].share;
  const paperless = rng() < 0.59;
  const payment = pickWeighted(rng, PAYMENTS, [0.34, 0.23, 0.22, 0.21]);
  const services = { phone, multipleLines, internet, addOns };
  const monthly = monthlyCharge(services, rng);
  return { female, senior, partner, dependents, tenure, contract, paperless, payment, monthly, ...services };
}

/** The price list of the services, give or take $3, in steps of 5 cents like the real charges. */
function monthlyCharge(services: Pick<Customer, 'phone' | 'multipleLines' | 'internet' | 'addOns'>, rng: Rng): number {
  let price = (services.phone ? 20 : 0) + (services.multipleLines ? 5 : 0);
  price += services.internet === 'DSL' ? 25 : services.internet === 'Fiber optic' ? 50 : 0;
  for (const name of ADD_ON_NAMES) price += services.addOns[name] ? ADD_ONS[name].price : 0;
  return Math.max(18.25, Math.round((price + (rng() - 0.5) * 6) * 20) / 20);
}

function churnLogit(c: Customer, w: typeof CHURN_LOGIT): number {
  return (
    w.intercept +
    w.contract[c.contract] +
    w.perTenureMonth * c.tenure +
    w.internet[c.internet] +
    (c.payment === 'Electronic check' ? w.electronicCheck : 0) +
    (c.addOns.TechSupport ? w.techSupport : 0) +
    (c.addOns.OnlineSecurity ? w.onlineSecurity : 0) +
    (c.senior ? w.senior : 0) +
    (c.paperless ? w.paperless : 0) +
    (c.dependents ? w.dependents : 0)
  );
}

function formatLine(customerId: string, c: Customer, total: number, churn: boolean): string {
  const yesNo = (value: boolean) => (value ? 'Yes' : 'No');
  const addOn = (name: AddOn) => (c.internet === 'No' ? 'No internet service' : yesNo(c.addOns[name]));
  return [
    customerId,
    c.female ? 'Female' : 'Male',
    c.senior ? '1' : '0',
    yesNo(c.partner),
    yesNo(c.dependents),
    String(c.tenure),
    yesNo(c.phone),
    c.phone ? yesNo(c.multipleLines) : 'No phone service',
    c.internet,
    ...ADD_ON_NAMES.map(addOn),
    c.contract,
    yesNo(c.paperless),
    c.payment,
    formatAmount(c.monthly),
    // The real file has a single space here for customers who have not been billed yet.
    c.tenure === 0 ? ' ' : formatAmount(total),
    yesNo(churn),
  ].join(',');
}

/** Month-to-month customers are mostly new; two-year customers mostly long-standing. */
function drawTenure(rng: Rng, contract: (typeof CONTRACTS)[number]): number {
  if (rng() < 0.0016) return 0; // signed up this month, as 11 of the real 7,043 customers
  const u = rng();
  const months = contract === 'Month-to-month' ? 72 * u ** 2 : contract === 'One year' ? 72 * u ** 0.9 : 72 * u ** 0.45;
  return Math.min(72, Math.max(1, Math.ceil(months)));
}

/**
 * IDs like '7590-VHVEG', never repeated: an affine map i → (a·i + b) mod N is a permutation of the
 * N = 10⁴·26⁵ = 2⁹·5⁴·13⁵ possible IDs when a is coprime to N, so row i gets the i-th of them.
 */
function customerIdSequence(rng: Rng): (index: number) => string {
  let multiplier = BigInt(Math.floor(rng() * 2 ** 32)) * 1000n + 1n;
  while (multiplier % 2n === 0n || multiplier % 5n === 0n || multiplier % 13n === 0n) multiplier += 1n;
  const offset = BigInt(Math.floor(rng() * 2 ** 32));
  return (index) => {
    let code = (multiplier * BigInt(index) + offset) % ID_SPACE;
    let letters = '';
    for (let i = 0; i < 5; i++) {
      letters += ID_LETTERS[Number(code % 26n)];
      code /= 26n;
    }
    return `${code.toString().padStart(4, '0')}-${letters}`;
  };
}

function pickWeighted<T>(rng: Rng, values: readonly T[], weights: readonly number[]): T {
  let u = rng();
  for (let i = 0; i < values.length - 1; i++) {
    u -= weights[i] ?? 0;
    if (u < 0) return values[i] as T;
  }
  return values[values.length - 1] as T;
}

/** Two decimals at most, trailing zeros dropped, as in the real file ('42.3', '1889.5'). */
function formatAmount(value: number): string {
  return String(Math.round(value * 100) / 100);
}
