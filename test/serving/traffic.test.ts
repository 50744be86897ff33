import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgePromotion } from '../../activities/promotion-rule';
import { judgeCanary } from '../../activities/rollout-verdict';
import { quantileMs, trafficBetween } from '../../activities/traffic-window';
import type { GateMetrics } from '../../contracts';
import { headerVersion, stableFraction } from '../../serving/traffic-router';
import { TrafficStats } from '../../serving/traffic-stats';

const champion: GateMetrics = { rocAuc: 0.84, prAuc: 0.65, f1: 0.62, accuracy: 0.8, logLoss: 0.42, brier: 0.14 };
const versions = { candidate: 3, champion: 2, rows: 1409 };

describe('the champion gate rule', () => {
  it('passes an equal version, and one within the default tolerance of 0.01 ROC AUC, naming the figures', () => {
    const verdict = judgePromotion(undefined, { ...champion }, champion, versions);
    assert.equal(verdict.passed, true);
    assert.match(verdict.reason, /rocAuc 0\.8400 vs champion v2's 0\.8400/);
    assert.equal(judgePromotion(undefined, { ...champion, rocAuc: 0.832 }, champion, versions).passed, true);
  });

  it('fails a lower ROC AUC, and a better one that breaks a log-loss guard, naming each reason', () => {
    const worse = judgePromotion(undefined, { ...champion, rocAuc: 0.825 }, champion, versions);
    assert.equal(worse.passed, false);
    assert.match(
      worse.reason,
      /loses on the same 1409 held-back rows the champion never trained on: rocAuc 0\.8250 .* worse by 0\.0150, may fall by at most 0\.01/,
    );
    const guarded = judgePromotion(undefined, { ...champion, rocAuc: 0.85, logLoss: 0.45 }, champion, versions);
    assert.equal(guarded.passed, false);
    assert.match(guarded.reason, /guard logLoss: 0\.4500 vs 0\.4200, worse by 0\.0300 \(at most 0\.02\)/);
  });

  it('reads lower log loss as better when it is the primary metric, with a minimum change', () => {
    const rule = { metric: 'logLoss' as const, minDelta: 0.01, guards: [] };
    assert.equal(judgePromotion(rule, { ...champion, logLoss: 0.4 }, champion, versions).passed, true);
    assert.equal(judgePromotion(rule, { ...champion, logLoss: 0.415 }, champion, versions).passed, false);
  });
});

describe('the canary verdict', () => {
  const traffic = (requests: number, errors: number, p99Ms: number) => ({
    version: 3,
    requests,
    errors,
    p50Ms: p99Ms / 2,
    p99Ms,
  });
  const options = { strategy: 'canary' as const, minRequests: 10 };

  it('rolls back at once when the error rate breaks its limit, before the window ends', () => {
    const verdict = judgeCanary(options, traffic(20, 3, 1), { ...traffic(200, 0, 1), version: 2 }, false);
    assert.deepEqual(verdict.decided && verdict.promote, false);
    assert.match(verdict.decided ? verdict.reason : '', /failed 3 of 20 requests \(15\.0%, at most 1\.0%/);
  });

  it('waits while nothing is breached, then promotes; too little traffic is a rollback', () => {
    const champ = { ...traffic(200, 0, 1), version: 2 };
    assert.equal(judgeCanary(options, traffic(20, 0, 1), champ, false).decided, false);
    const promoted = judgeCanary(options, traffic(20, 0, 1), champ, true);
    assert.ok(promoted.decided && promoted.promote);
    const starved = judgeCanary(options, traffic(3, 0, 1), champ, true);
    assert.ok(starved.decided && !starved.promote);
    assert.match(starved.reason, /only 3 requests reached version 3/);
  });

  it('rolls back on the p99 limit, and on a latency ratio only beyond the noise floor', () => {
    const champ = { ...traffic(200, 0, 2), version: 2 };
    const slow = judgeCanary({ ...options, maxP99Ms: 5 }, traffic(20, 0, 6), champ, true);
    assert.ok(slow.decided && !slow.promote);
    // 3× of 2 ms is noise; 3× of 20 ms (60 ms more) is not.
    assert.ok(judgeCanary(options, traffic(20, 0, 8), champ, true).decided);
    assert.ok((judgeCanary(options, traffic(20, 0, 8), champ, true) as { promote: boolean }).promote);
    const ratio = judgeCanary(options, traffic(20, 0, 80), { ...champ, p99Ms: 20 }, true);
    assert.ok(ratio.decided && !ratio.promote);
  });
});

describe('traffic routing and counters', () => {
  it('draws the same canary fraction for the same caller key, spread over [0, 1)', () => {
    assert.equal(stableFraction('1:alice'), stableFraction('1:alice'));
    const draws = Array.from({ length: 2000 }, (_, i) => stableFraction(`1:caller-${i}`));
    const below = draws.filter((d) => d < 0.1).length;
    assert.ok(draws.every((d) => d >= 0 && d < 1));
    assert.ok(below > 100 && below < 300, `${below} of 2000 below 0.1`);
  });

  it('reads the version header as digits and refuses anything else, naming the header', () => {
    assert.equal(headerVersion({}), undefined);
    assert.equal(headerVersion({ 'x-mlcycle-version': '12' }), 12);
    for (const bad of ['0', 'latest', '1.5', '-1']) {
      assert.throws(() => headerVersion({ 'x-mlcycle-version': bad }), /x-mlcycle-version header must be/);
    }
  });

  it('gives a window its own requests, errors and p99 from two cumulative snapshots', () => {
    const stats = new TrafficStats();
    stats.recordRequest('m', 2, 1, false);
    const before = stats.snapshot('m');
    for (let i = 0; i < 99; i++) stats.recordRequest('m', 2, 1, false);
    stats.recordRequest('m', 2, 50, true);
    const window = trafficBetween(before, stats.snapshot('m'), 2);
    assert.equal(window.requests, 100);
    assert.equal(window.errors, 1);
    assert.ok(window.p50Ms !== null && window.p50Ms >= 1 && window.p50Ms < 1.25);
    assert.ok(window.p99Ms !== null && window.p99Ms >= 1 && window.p99Ms < 1.25);
    assert.equal(quantileMs([1, 2], [0, 0, 0], 0.99), null);
  });
});
