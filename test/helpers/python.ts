import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The Python that runs the tests' checks with tools we did not write (onnxruntime, pypmml,
 * tritonclient): MLCYCLE_TEST_PYTHON, else the clone's .venv that .ci/run fills from
 * test/python/requirements.txt. Missing, the test fails with what to run; it never skips.
 */
export function testPython(): string {
  const fromEnv = process.env.MLCYCLE_TEST_PYTHON;
  const candidate = fromEnv ?? resolve(__dirname, '..', '..', '.venv', 'bin', 'python');
  if (!existsSync(candidate)) {
    throw new Error(
      `No Python for the interoperability tests at ${candidate}: run ` +
        '`python3 -m venv .venv && .venv/bin/pip install -r test/python/requirements.txt` or set MLCYCLE_TEST_PYTHON',
    );
  }
  return candidate;
}

/** Runs a Python script from test/python with JSON on stdin and parses the JSON it prints. */
export function runPythonJson<T>(script: string, input: unknown, timeoutMs = 120_000): T {
  const out = execFileSync(testPython(), [resolve(__dirname, '..', 'python', script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

/**
 * `runPythonJson` without blocking the event loop, for scripts that talk to a server in this process
 * (a synchronous child would leave the server unable to answer).
 */
export function runPythonJsonAsync<T>(script: string, input: unknown, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      testPython(),
      [resolve(__dirname, '..', 'python', script)],
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
        else resolvePromise(JSON.parse(stdout) as T);
      },
    );
    child.stdin?.end(JSON.stringify(input));
  });
}
