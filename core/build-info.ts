import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Package version and git commit recorded with every model version; the commit is null outside a checkout. */
export function readBuildInfo(env: NodeJS.ProcessEnv = process.env): {
  packageVersion: string;
  gitCommit: string | null;
} {
  const root = packageRoot(__dirname);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { packageVersion: pkg.version, gitCommit: env.MLCYCLE_GIT_COMMIT || gitHead(root) };
}

/** The nearest folder above holding package.json: the repository root from core/ and from dist/core/. */
export function packageRoot(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function gitHead(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}
