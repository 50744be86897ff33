import { log } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { PinoTemporalLogger } from '../../workers/temporal-logger';

/** A pino destination that keeps every JSON line it is given, parsed. */
function collectingLogger(level: pino.Level = 'trace'): { logger: pino.Logger; entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => void entries.push(JSON.parse(line) as Record<string, unknown>) };
  const logger = pino({ level, serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err } }, stream);
  return { logger, entries };
}

describe("Temporal's Logger on pino", () => {
  it("forwards each of Temporal's levels to the pino level of the same name, with message and meta", () => {
    const { logger, entries } = collectingLogger();
    const temporal = new PinoTemporalLogger(logger);
    temporal.trace('t', { step: 1 });
    temporal.debug('d', { step: 2 });
    temporal.info('i', { step: 3 });
    temporal.warn('w', { step: 4 });
    temporal.error('e', { step: 5 });
    temporal.log('WARN', 'through log()', { step: 6 });
    assert.deepEqual(
      entries.map(({ level, msg, step }) => ({ level, msg, step })),
      [
        { level: 10, msg: 't', step: 1 },
        { level: 20, msg: 'd', step: 2 },
        { level: 30, msg: 'i', step: 3 },
        { level: 40, msg: 'w', step: 4 },
        { level: 50, msg: 'e', step: 5 },
        { level: 40, msg: 'through log()', step: 6 },
      ],
    );
  });

  it('leaves out what is below the pino level', () => {
    const { logger, entries } = collectingLogger('warn');
    const temporal = new PinoTemporalLogger(logger);
    temporal.info('not shown');
    temporal.warn('shown');
    assert.deepEqual(
      entries.map((entry) => entry.msg),
      ['shown'],
    );
  });

  it("keeps the SDK's error under `error` with its message and stack, and drops its symbol keys", () => {
    const { logger, entries } = collectingLogger();
    const hidden = Symbol('timestamp');
    new PinoTemporalLogger(logger).error('Activity failed', { error: new Error('disk full'), [hidden]: 1n });
    const error = entries[0]?.error as { type: string; message: string; stack: string };
    assert.equal(error.type, 'Error');
    assert.equal(error.message, 'disk full');
    assert.match(error.stack, /disk full\n\s+at /);
    assert.deepEqual(Object.keys(entries[0] ?? {}).sort(), ['error', 'hostname', 'level', 'msg', 'pid', 'time']);
  });

  it("an activity's `log` call arrives with the SDK's meta fields: activity type, workflow, attempt", async () => {
    const { logger, entries } = collectingLogger();
    const env = new MockActivityEnvironment(
      { activityType: 'deployModel', workflowExecution: { workflowId: 'wf-1', runId: 'run-1' } },
      { logger: new PinoTemporalLogger(logger) },
    );
    await env.run(() => {
      log.info('model deployed', { modelName: 'telco-churn', version: 2 });
      return Promise.resolve();
    });
    const deployed = entries.find((entry) => entry.msg === 'model deployed');
    assert.ok(deployed, JSON.stringify(entries));
    assert.equal(deployed.level, 30);
    assert.equal(deployed.modelName, 'telco-churn');
    assert.equal(deployed.version, 2);
    assert.equal(deployed.activityType, 'deployModel');
    assert.equal(deployed.workflowId, 'wf-1');
    assert.equal(deployed.attempt, 1);
    assert.equal(deployed.sdkComponent, 'activity');
  });
});
