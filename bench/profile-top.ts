// Prints the functions with the most self time in a V8 CPU profile (node --cpu-prof), grouped by
// function and file: what holds a server's event loop. Usage: tsx bench/profile-top.ts <file.cpuprofile> [n]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

const [path, count = '25'] = process.argv.slice(2);
if (!path) throw new Error('usage: profile-top.ts <file.cpuprofile> [n]');
const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
const hits = new Map<string, number>();
for (const node of profile.nodes) {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '');
  const name = `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
  hits.set(name, (hits.get(name) ?? 0) + (node.hitCount ?? 0));
}
const total = [...hits.values()].reduce((sum, n) => sum + n, 0);
for (const [name, n] of [...hits].sort((a, b) => b[1] - a[1]).slice(0, Number(count))) {
  console.log(`${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`);
}
