import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { logFormat, logLevel, logRequestsFrom } from '../../core/logging/log-settings';
import { createLogger, type LogSink } from '../../core/logging/logger';

const BIN = resolve(__dirname, '..', '..', 'bin', 'mlcycle.cjs');

function collectingSink(format: LogSink['format']): { sink: LogSink; lines: string[] } {
  const lines: string[] = [];
  return { sink: { format, stream: { write: (line: string) => void lines.push(line) } }, lines };
}

describe('log format and level', () => {
  it('chooses JSON lines for a pipe or file and readable lines for a terminal, unless MLCYCLE_LOG_FORMAT says', () => {
    assert.equal(logFormat(false, {}), 'json');
    assert.equal(logFormat(true, {}), 'text');
    assert.equal(logFormat(false, { MLCYCLE_LOG_FORMAT: 'text' }), 'text');
    assert.equal(logFormat(true, { MLCYCLE_LOG_FORMAT: 'JSON' }), 'json');
    assert.throws(
      () => logFormat(true, { MLCYCLE_LOG_FORMAT: 'pretty' }),
      /MLCYCLE_LOG_FORMAT must be "json" or "text", got "pretty"/,
    );
  });

  it('reads the level from MLCYCLE_LOG_LEVEL in either spelling, info when unset, and refuses an unknown one', () => {
    assert.equal(logLevel({}), 'info');
    assert.equal(logLevel({ MLCYCLE_LOG_LEVEL: 'DEBUG' }), 'debug');
    assert.equal(logLevel({ MLCYCLE_LOG_LEVEL: 'warn' }), 'warn');
    assert.throws(
      () => logLevel({ MLCYCLE_LOG_LEVEL: 'loud' }),
      /MLCYCLE_LOG_LEVEL must be one of trace, .* got "loud"/,
    );
  });

  it('logs a line per scoring request only at debug or trace, or when MLCYCLE_LOG_REQUESTS says so', () => {
    assert.equal(logRequestsFrom({}), false);
    assert.equal(logRequestsFrom({ MLCYCLE_LOG_LEVEL: 'info' }), false);
    assert.equal(logRequestsFrom({ MLCYCLE_LOG_LEVEL: 'debug' }), true);
    assert.equal(logRequestsFrom({ MLCYCLE_LOG_LEVEL: 'TRACE' }), true);
    assert.equal(logRequestsFrom({ MLCYCLE_LOG_REQUESTS: '1' }), true);
    assert.equal(logRequestsFrom({ MLCYCLE_LOG_LEVEL: 'debug', MLCYCLE_LOG_REQUESTS: '0' }), false);
    assert.throws(() => logRequestsFrom({ MLCYCLE_LOG_REQUESTS: 'sometimes' }), /MLCYCLE_LOG_REQUESTS must be 1 or 0/);
  });

  it('a JSON sink gets one JSON.parse-able line per entry, with the component and the fields, a field called name included', () => {
    const { sink, lines } = collectingSink('json');
    const logger = createLogger('worker', sink, { style: 'detailed' }, {});
    logger.info({ name: 'telco-churn', version: 2 }, 'serving version changed');
    logger.debug('below the default level');
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.endsWith('\n'));
    const entry = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(entry.component, 'worker');
    assert.equal(entry.level, 30);
    assert.equal(entry.msg, 'serving version changed');
    assert.equal(entry.name, 'telco-churn');
    assert.equal(entry.version, 2);
    assert.equal(lines[0]?.match(/"name":/g)?.length, 1, 'no second name key');
  });

  it('a text sink gets the console form (prefix and message) or the detailed form (time, level, message, fields)', () => {
    const consoleSink = collectingSink('text');
    createLogger('mlcycle', consoleSink.sink, { style: 'console', prefix: 'mlcycle | ' }, {}).info(
      'serving until Ctrl-C',
    );
    assert.deepEqual(consoleSink.lines, ['mlcycle | serving until Ctrl-C\n']);

    const quiet = new Set(['taskQueue']);
    const detailed = collectingSink('text');
    const worker = createLogger('worker', detailed.sink, { style: 'detailed', quiet }, {});
    worker.warn({ modelName: 'telco-churn', taskQueue: 'mlcycle', err: new Error('disk full') }, 'retrying');
    assert.match(
      detailed.lines[0] ?? '',
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}retrying modelName=telco-churn err=Error: disk full\n$/,
    );

    const verbose = collectingSink('text');
    createLogger('worker', verbose.sink, { style: 'detailed', quiet }, { MLCYCLE_LOG_LEVEL: 'debug' }).debug(
      { taskQueue: 'mlcycle' },
      'polling',
    );
    assert.match(verbose.lines[0] ?? '', / DEBUG polling taskQueue=mlcycle\n$/, 'at debug level the quiet fields show');
  });

  it('a command whose output is piped writes JSON lines; with MLCYCLE_LOG_FORMAT=text the same line reads as on a terminal', async () => {
    const run = async (env: NodeJS.ProcessEnv): Promise<string> => {
      // Refused before any connection: the model name is checked first.
      const child = spawn(process.execPath, [BIN, 'monitor', '--model', '../x'], { env: { ...process.env, ...env } });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 1, output);
      return output;
    };
    const piped = (await run({ MLCYCLE_LOG_FORMAT: '' })).trim().split('\n');
    assert.equal(piped.length, 1, piped.join('\n'));
    const entry = JSON.parse(piped[0] ?? '') as Record<string, unknown>;
    assert.equal(entry.level, 50);
    assert.equal(entry.component, 'mlcycle');
    assert.match(String(entry.msg), /^--model "\.\.\/x" is not a model name/);

    assert.match(await run({ MLCYCLE_LOG_FORMAT: 'text' }), /^mlcycle: --model "\.\.\/x" is not a model name.*\n$/);
  });
});
