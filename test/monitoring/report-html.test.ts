import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { readLatestReport, writeDriftReport } from '../../monitoring/report/files';
import { cappedHistogram } from '../../monitoring/drift/categorical';
import { renderDriftReportHtml } from '../../monitoring/report/html';
import { yAxisFor } from '../../monitoring/report/svg-axes';
import type {
  DataQualityResult,
  DriftConfig,
  DriftReport,
  FeatureDriftResult,
  PerformanceResult,
} from '../../monitoring/types';
import { withChromium } from '../helpers/chromium';
import { TEST_OUTPUT, tempHome } from '../helpers/paths';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_LEVEL = '"><img src=x onerror=alert(2)>';
const GENERATED_AT = '2025-03-02T06:00:00.000Z';
const REPORT_DIR = join(TEST_OUTPUT, 'drift-report');

const scratch = tempHome('report-html');
after(() => rmSync(scratch, { recursive: true, force: true }));

const config: DriftConfig = {
  alpha: 0.05,
  correction: 'bh',
  largeWindow: 5000,
  wassersteinThreshold: 0.1,
  jensenShannonThreshold: 0.1,
  minEffectNumeric: 0.1,
  minEffectCategorical: 0.05,
  driftShare: 0.3,
  predictionDrift: 'feature',
  features: { tenure: { critical: true } },
  performance: { minLabelled: 200, rocAucMargin: 0.05 },
};

/** Shares over `labels` that sum to 1, shaped by `weights`. */
function shares(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

const TENURE_LABELS = ['0–2', '2–6', '6–12', '12–20', '20–29', '29–40', '40–50', '50–60', '60–69', '69–72'];

const tenure: FeatureDriftResult = {
  name: 'tenure',
  kind: 'numeric',
  test: 'ks',
  statistic: 0.231,
  pValue: 2.4e-9,
  adjustedPValue: 4.8e-8,
  effect: { measure: 'wasserstein', value: 0.34, minimum: 0.1 },
  psi: 0.287,
  drifted: true,
  critical: true,
  reason: 'Live customers are much newer: the share with tenure under 6 months doubled (KS p < 0.001, 0.34 std shift).',
  rows: 1180,
  liveMissingShare: 0,
  histogram: {
    labels: TENURE_LABELS,
    reference: shares([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]),
    live: shares([21, 17, 13, 10, 9, 8, 7, 6, 5, 4]),
  },
};

const paymentMethod: FeatureDriftResult = {
  name: 'PaymentMethod',
  kind: 'categorical',
  test: 'chi2',
  statistic: 3.12,
  pValue: 0.373,
  adjustedPValue: 0.62,
  effect: { measure: 'jensenshannon', value: 0.021, minimum: 0.05 },
  psi: 0.008,
  drifted: false,
  critical: false,
  reason: 'No significant change (chi-square adjusted p = 0.62).',
  rows: 1200,
  liveMissingShare: 0,
  histogram: {
    labels: ['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)'],
    reference: [0.336, 0.229, 0.219, 0.216],
    live: [0.35, 0.22, 0.215, 0.215],
  },
};

const hostile: FeatureDriftResult = {
  ...paymentMethod,
  name: HOSTILE,
  statistic: 0.8,
  pValue: 0.67,
  adjustedPValue: 0.8,
  reason: `Level ${HOSTILE_LEVEL} unchanged & stable.`,
  histogram: { labels: ['yes', HOSTILE_LEVEL, ''], reference: [0.5, 0.3, 0.2], live: [0.52, 0.3, 0.18] },
};

const monthlyCharges: FeatureDriftResult = {
  ...tenure,
  name: 'MonthlyCharges',
  statistic: 0.031,
  pValue: 0.41,
  adjustedPValue: 0.62,
  effect: { measure: 'wasserstein', value: 0.04, minimum: 0.1 },
  psi: 0.012,
  drifted: false,
  critical: false,
  reason: 'No significant change (KS adjusted p = 0.62).',
  histogram: {
    // Long, float-noisy bin labels: they must be shortened, not overflow the plot.
    labels: ['[18.25, 20.050000000000001)', '[20.05, 45.3)', '[45.3, 70.35)', '[70.35, 89.85)', '[89.85, 118.75]'],
    reference: [0.2, 0.2, 0.2, 0.2, 0.2],
    live: [0.19, 0.21, 0.2, 0.22, 0.18],
  },
};

const { adjustedPValue: _notCorrected, ...uncorrected } = tenure;
const prediction: FeatureDriftResult = {
  ...uncorrected,
  name: 'prediction',
  statistic: 0.12,
  pValue: 1.1e-4,
  effect: { measure: 'wasserstein', value: 0.18, minimum: 0.1 },
  psi: 0.11,
  drifted: true,
  critical: false,
  reason: 'Predicted churn probabilities moved up: more customers scored above 0.5.',
  histogram: {
    labels: [
      '0.0–0.1',
      '0.1–0.2',
      '0.2–0.3',
      '0.3–0.4',
      '0.4–0.5',
      '0.5–0.6',
      '0.6–0.7',
      '0.7–0.8',
      '0.8–0.9',
      '0.9–1.0',
    ],
    reference: shares([30, 14, 10, 9, 8, 8, 7, 6, 5, 3]),
    live: shares([22, 12, 10, 9, 9, 9, 9, 8, 7, 5]),
  },
};

const performance: PerformanceResult = {
  labelled: 640,
  late: 410,
  predictionSpan: { from: '2025-02-10T08:00:00.000Z', to: '2025-03-01T23:00:00.000Z' },
  labelSpan: { from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' },
  rocAuc: 0.762,
  logLoss: 0.512,
  brier: 0.171,
  calibrationError: 0.064,
  calibration: Array.from({ length: 10 }, (_, i) => ({
    meanPredicted: (i + 0.5) / 10,
    observedRate: Math.min(1, Math.max(0, (i + 0.5) / 10 + 0.08 - 0.012 * i)),
    count: [150, 90, 70, 60, 55, 50, 45, 45, 40, 35][i] ?? 0,
  })),
  trainingRocAuc: 0.842,
  drifted: true,
  reason: 'Realised ROC AUC 0.762 on 640 labelled rows is 0.080 below training (0.842), more than the 0.05 margin.',
};

const dataQuality: DataQualityResult = {
  rows: 1200,
  blanks: 30,
  outOfRange: 4,
  features: [
    {
      name: 'tenure',
      kind: 'numeric',
      blanks: 0,
      blankShare: 0,
      trainingBlankShare: 0,
      range: [0, 72],
      belowRange: 3,
      aboveRange: 1,
      liveRange: [-5000, 80],
    },
    { name: 'PaymentMethod', kind: 'categorical', blanks: 30, blankShare: 0.025, trainingBlankShare: 0 },
    {
      name: 'MonthlyCharges',
      kind: 'numeric',
      blanks: 0,
      blankShare: 0,
      trainingBlankShare: 0,
      range: [18, 119],
      belowRange: 0,
      aboveRange: 0,
      liveRange: [19, 110],
    },
  ],
};

function report(overrides: Partial<DriftReport> = {}): DriftReport {
  const features = [paymentMethod, tenure, hostile, monthlyCharges];
  return {
    modelName: 'telco-churn',
    version: 3,
    window: { rows: 1200, from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' },
    features,
    driftedFeatures: features.filter((f) => f.drifted).map((f) => f.name),
    driftShare: 0.4,
    datasetDrift: true,
    prediction,
    performance,
    counted: { drifted: 2, of: 5, predictions: true },
    drifted: true,
    headline: { state: 'alert', datasetDrift: true, seen: '1 of 4 features drifted, predictions drifted' },
    dataQuality,
    summary: 'Data drift: critical feature tenure drifted. Concept drift: ROC AUC fell 0.080 below training.',
    config,
    ...overrides,
  };
}

/** Twenty features like the Telco data set's, each with the histogram detect-drift would attach. */
function twentyFeatureReport(): DriftReport {
  const features = Array.from({ length: 20 }, (_, i): FeatureDriftResult => {
    const base = i % 2 === 0 ? tenure : paymentMethod;
    return { ...base, name: `feature_${i}_${base.name}`, drifted: i < 3 };
  });
  return report({ features, driftedFeatures: features.filter((f) => f.drifted).map((f) => f.name), driftShare: 0.15 });
}

function tableOrder(html: string): string[] {
  return [...html.matchAll(/<td class="name"><a href="#feature-\d+">([^<]*)<\/a>/g)].map((m) => m[1] ?? '');
}

describe('renderDriftReportHtml', () => {
  const html = renderDriftReportHtml(report(), { generatedAt: GENERATED_AT });

  test('puts the model, the window, the verdict and the summary in the header', () => {
    assert.match(html, /<h1>Drift report: telco-churn <span class="version">v3<\/span><\/h1>/);
    assert.match(html, /<dt>Window rows<\/dt><dd>1,200<\/dd>/);
    assert.match(html, /<dt>From<\/dt><dd>2025-03-01T00:00:00.000Z<\/dd>/);
    assert.match(html, /<span class="badge alert">Dataset drift: yes<\/span>/);
    assert.match(html, /<span class="badge alert seen">1 of 4 features drifted, predictions drifted<\/span>/);
    assert.match(html, /<span class="badge alert">Concept drift<\/span>/);
    assert.match(
      html,
      /<dt>Drifted features<\/dt><dd>1 of 4; with the predictions 2 of 5 \(40%; dataset drift from 30%\)/,
    );
    assert.ok(html.includes('Concept drift: ROC AUC fell 0.080 below training.'));
    assert.ok(html.includes(GENERATED_AT));
  });

  test('says "Dataset drift: no" beside the drifted features and predictions in amber when the rule did not fire', () => {
    const amber = renderDriftReportHtml(
      report({
        datasetDrift: false,
        drifted: false,
        performance: { ...performance, drifted: false },
        headline: { state: 'warn', datasetDrift: false, seen: '3 of 19 features drifted, predictions drifted' },
      }),
    );
    assert.match(amber, /<header class="report-header warn">/);
    assert.match(amber, /<span class="badge ok">Dataset drift: no<\/span>/);
    assert.match(amber, /<span class="badge warn seen">3 of 19 features drifted, predictions drifted<\/span>/);
    assert.doesNotMatch(amber, /No drift|Concept drift<\/span>/);
  });

  test('is green only when nothing drifted', () => {
    const calm = renderDriftReportHtml(
      report({
        datasetDrift: false,
        drifted: false,
        performance: { ...performance, drifted: false },
        headline: { state: 'ok', datasetDrift: false, seen: 'no feature drifted' },
      }),
    );
    assert.match(calm, /<header class="report-header ok">/);
    assert.match(
      calm,
      /<span class="badge ok">Dataset drift: no<\/span> <span class="badge neutral seen">no feature drifted<\/span>/,
    );
  });

  test('lists blanks and values outside the training range in a data-quality section', () => {
    const section = html.slice(
      html.indexOf('<section id="data-quality">'),
      html.indexOf('<section id="model-output">'),
    );
    assert.match(section, /30 blank values and 4 numbers outside the training range/);
    assert.match(
      section,
      /<td class="name">tenure<\/td><td class="num">0 \(0.0%\)<\/td><td class="num">0.0%<\/td><td class="num">3<\/td><td class="num">1<\/td><td>0 to 72<\/td><td>-5000 to 80<\/td>/,
    );
    assert.match(section, /<td class="name">PaymentMethod<\/td><td class="num">30 \(2.5%\)<\/td>/);
    assert.doesNotMatch(section, /MonthlyCharges/, 'a feature with nothing to report is left out');
    const clean = renderDriftReportHtml(
      report({ dataQuality: { rows: 1200, blanks: 0, outOfRange: 0, features: [] } }),
    );
    assert.match(clean, /No blank values and no numbers outside the training range in 1,200 rows/);
  });

  test('says when the labelled predictions were made and when their labels arrived', () => {
    assert.match(html, /410 predicted before this window/);
    assert.match(
      html,
      /Predictions made after 2025-02-10T08:00:00.000Z until 2025-03-01T23:00:00.000Z; labels arrived after 2025-03-01T00:00:00.000Z until 2025-03-02T00:00:00.000Z/,
    );
  });

  test('lists drifted features first and keeps the report order within each group', () => {
    assert.deepEqual(tableOrder(html), [
      'tenure',
      'PaymentMethod',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      'MonthlyCharges',
    ]);
    assert.ok(html.indexOf('data-feature="tenure"') < html.indexOf('data-feature="PaymentMethod"'));
  });

  test('shows the adjusted p-value with the raw one as a tooltip, and effect, PSI and badges per row', () => {
    assert.ok(html.includes('<span title="raw p = 2.4e-9">4.8e-8 <span class="note">adj.</span></span>'));
    assert.ok(html.includes('Wasserstein 0.340 <span class="note">/ min 0.100</span>'));
    assert.ok(html.includes('<td class="num">0.287</td>'));
    assert.ok(html.includes('<span class="badge alert">drifted</span> <span class="badge critical"'));
  });

  test('escapes hostile feature names, levels and reasons everywhere they appear', () => {
    assert.ok(!html.includes(HOSTILE), 'the raw <script> feature name must not appear');
    assert.ok(!html.includes('<img'), 'a level must not become an element');
    assert.ok(!/<script/i.test(html));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;'));
    assert.ok(html.includes('unchanged &amp; stable.'));
  });

  test('references no external resource: no scripts, stylesheets, images, fonts or URLs', () => {
    assert.doesNotMatch(html, /https?:\/\//i);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|<object|<embed/i);
    assert.doesNotMatch(html, /<[a-z][^>]*\s(src|srcset|xlink:href)\s*=/i); // text is escaped, so "<" opens only tags
    assert.doesNotMatch(html, /@import|url\(/i);
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) assert.match(href ?? '', /^#/);
  });

  test('draws one histogram per feature plus one for the predictions, and a reliability diagram', () => {
    assert.equal(html.match(/<svg class="histogram"/g)?.length, 5);
    assert.equal(html.match(/<svg class="reliability"/g)?.length, 1);
    assert.equal(html.match(/<circle class="calibration-point"/g)?.length, 10 + 1); // ten bins + the legend
    assert.equal(html.match(/<g class="legend"><rect class="ref"/g)?.length, 5, 'every histogram has its own legend');
  });

  test('shortens long bin labels and keeps the full label as a tooltip', () => {
    assert.ok(html.includes('<title>[18.25, 20.050000000000001)</title>[18.25, 20.050000000000…</text>'));
    assert.ok(html.includes('(missing)'), 'the empty level reads as missing');
  });

  test('says performance was not measured when the window has no labelled feedback', () => {
    const unlabelled = renderDriftReportHtml(report({ performance: null, prediction: null }));
    assert.match(unlabelled, /No labels arrived since the previous run/);
    assert.doesNotMatch(unlabelled, /<svg class="reliability"/);
    assert.doesNotMatch(unlabelled, /id="prediction"/);
  });

  test('stays well under 200 KB for twenty features, even with a 500-level categorical', () => {
    const big = twentyFeatureReport();
    const many = Array.from({ length: 500 }, (_, i) => `customer-segment-${i}`);
    const first = big.features[1];
    assert.ok(first);
    big.features[1] = {
      ...first,
      // As detection measures it: the rarest levels pooled into "other" (drift/categorical.ts).
      histogram: cappedHistogram(many, shares(many.map(() => 1)), shares(many.map((_, i) => 1 + (i % 7)))),
    };
    const size = Buffer.byteLength(renderDriftReportHtml(big, { generatedAt: GENERATED_AT }));
    assert.ok(size < 200 * 1024, `${size} bytes`);
    assert.ok(size < 120 * 1024, `${size} bytes is more than expected for aggregated histograms`);
  });
});

describe('cappedHistogram', () => {
  test('shows at most 20 bars: the largest levels on either side, the rest pooled as "other" with every share kept', () => {
    const levels = Array.from({ length: 25 }, (_, i) => `level-${i}`);
    const reference = levels.map((_, i) => (i < 10 ? 0.08 : 0.2 / 15));
    const live = levels.map((_, i) => (i === 24 ? 0.3 : 0.7 / 24));
    const capped = cappedHistogram(levels, reference, live);
    assert.equal(capped.labels.length, 20);
    assert.equal(capped.labels.at(-1), 'other');
    assert.ok(capped.labels.includes('level-24'), 'a level large only in the live data stays');
    const total = (shares: number[]) => +shares.reduce((a, b) => a + b, 0).toFixed(9);
    assert.equal(total(capped.reference), total(reference));
    assert.equal(total(capped.live), total(live));
  });

  test('leaves a histogram with few enough levels whole, naming the blank level', () => {
    const capped = cappedHistogram(['a', ''], [0.5, 0.5], [0.4, 0.6]);
    assert.deepEqual(capped.labels.sort(), ['(missing)', 'a']);
  });
});

describe('yAxisFor', () => {
  test('tops the axis at the first round tick at or above the largest share', () => {
    assert.deepEqual(yAxisFor(0.21), { top: 0.25, step: 0.05 });
    assert.deepEqual(yAxisFor(0.5), { top: 0.5, step: 0.1 });
    assert.deepEqual(yAxisFor(0), { top: 0.1, step: 0.1 });
    assert.deepEqual(yAxisFor(Number.NaN), { top: 0.1, step: 0.1 });
  });
});

describe('writeDriftReport', () => {
  test('writes the HTML and JSON reports and points latest.json at them', async () => {
    const dir = join(scratch, 'reports');
    const written = await writeDriftReport(dir, report(), '2025-03-02T06-00-00Z', { generatedAt: GENERATED_AT });
    assert.equal(written.htmlPath, join(dir, '2025-03-02T06-00-00Z.html'));
    assert.deepEqual(JSON.parse(readFileSync(written.jsonPath, 'utf8')), report());
    assert.equal(
      readFileSync(written.htmlPath, 'utf8'),
      renderDriftReportHtml(report(), { generatedAt: GENERATED_AT }),
    );
    assert.deepEqual(await readLatestReport(dir), { ...written, stamp: '2025-03-02T06-00-00Z', drifted: true });
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  test('moves latest.json to the newest report and keeps the older one', async () => {
    const dir = join(scratch, 'two');
    const first = await writeDriftReport(dir, report(), 'run-1');
    await writeDriftReport(dir, report({ drifted: false, datasetDrift: false }), 'run-2');
    assert.deepEqual(await readLatestReport(dir), {
      htmlPath: join(dir, 'run-2.html'),
      jsonPath: join(dir, 'run-2.json'),
      stamp: 'run-2',
      drifted: false,
    });
    assert.ok(statSync(first.htmlPath).isFile());
  });

  test('gives undefined for a folder with no report yet', async () => {
    assert.equal(await readLatestReport(join(scratch, 'never-written')), undefined);
  });

  test('rejects a stamp that is not a plain file name', async () => {
    for (const stamp of ['../escape', 'a/b', 'latest', '', '.hidden']) {
      await assert.rejects(
        writeDriftReport(join(scratch, 'bad'), report(), stamp),
        { name: 'InvalidInputError' },
        stamp,
      );
    }
  });
});

/** The little of the DOM the browser-side checks use; the project compiles without the DOM library. */
interface ProbeElement {
  textContent: string | null;
  querySelector(selector: string): ProbeElement | null;
  querySelectorAll(selector: string): ArrayLike<ProbeElement> & Iterable<ProbeElement>;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number; height: number };
  getAttribute(name: string): string | null;
}

describe('the drift report in headless Chromium', () => {
  test('renders a visible histogram per feature, the performance panel, and no script', async () => {
    rmSync(REPORT_DIR, { recursive: true, force: true });
    const { htmlPath } = await writeDriftReport(REPORT_DIR, report(), 'report', { generatedAt: GENERATED_AT });
    assert.ok(statSync(htmlPath).size < 200 * 1024);

    await withChromium(async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const url = pathToFileURL(htmlPath).href;
      await page.goto(url);

      assert.deepEqual(requests, [url], 'the page loads nothing but itself');
      assert.deepEqual(dialogs, []);
      assert.equal(await page.locator('script').count(), 0);
      assert.ok((await page.title()).includes('telco-churn v3'));

      // Browser-side callbacks stay free of named inner functions: tsx would wrap them in a
      // `__name` helper that does not exist in the page.
      const cards = await page.$$eval('#distributions article.card', (articles: ProbeElement[]) =>
        articles.map((article) => {
          const svgs = article.querySelectorAll('svg.histogram');
          const frame = svgs[0]?.getBoundingClientRect();
          const bars = [...article.querySelectorAll('rect.bar')]
            .filter((rect) => rect.getBoundingClientRect().width > 0 && rect.getBoundingClientRect().height > 0)
            .map((rect) => rect.getAttribute('class'));
          const clipped = [...article.querySelectorAll('svg.histogram text')].filter((text) => {
            const box = text.getBoundingClientRect();
            return (
              !frame || box.left < frame.left - 0.5 || box.right > frame.right + 0.5 || box.bottom > frame.bottom + 0.5
            );
          }).length;
          return {
            name: article.querySelector('h3')?.textContent ?? '',
            svgs: svgs.length,
            reference: bars.filter((c) => c === 'bar ref').length,
            live: bars.filter((c) => c === 'bar live').length,
            clipped,
          };
        }),
      );
      assert.equal(cards.length, 4);
      assert.ok(cards[0]?.name.startsWith('tenure'), 'the drifted feature comes first');
      assert.ok(
        cards.some((card) => card.name.includes(HOSTILE)),
        'the hostile name shows as text',
      );
      for (const card of cards) {
        assert.equal(card.svgs, 1, card.name);
        assert.ok(card.reference > 0 && card.live > 0, `${card.name} has visible bars of both colours`);
        assert.equal(card.clipped, 0, `${card.name}: every label stays inside its plot`);
      }
      assert.equal(cards[0]?.reference, 10);

      const panel = await page.$eval('#performance', (section: ProbeElement) => ({
        text: section.textContent ?? '',
        points: section.querySelectorAll('svg.reliability circle.calibration-point').length,
        diagonal: section.querySelectorAll('svg.reliability line.diagonal').length,
        visible: section.getBoundingClientRect().height > 0,
      }));
      assert.ok(panel.visible);
      assert.match(panel.text, /ROC AUC0\.762training 0\.842 \(−0\.080\)/);
      assert.equal(panel.points, 11);
      assert.ok(panel.diagonal >= 1);
      assert.equal(await page.locator('#prediction svg.histogram').count(), 1);

      const badges = await page.$$eval('header .verdict .badge', (spans: ProbeElement[]) =>
        spans.map((span) => ({ text: span.textContent ?? '', top: Math.round(span.getBoundingClientRect().top) })),
      );
      assert.deepEqual(
        badges.map((badge) => badge.text),
        ['Dataset drift: yes', '1 of 4 features drifted, predictions drifted', 'Concept drift'],
      );
      assert.equal(new Set(badges.map((badge) => badge.top)).size, 1, 'the badges stand side by side');
      assert.equal(await page.locator('#data-quality table.quality tbody tr').count(), 2);

      await page.screenshot({ path: join(REPORT_DIR, 'report.png'), fullPage: true });
    });
    assert.ok(statSync(join(REPORT_DIR, 'report.png')).size > 10_000);
  });
});
