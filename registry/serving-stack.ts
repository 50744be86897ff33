import type { AliasChange } from './alias-types';

/**
 * The version a rollback returns to, from the champion's history: a promotion pushes its version on
 * a stack of served versions and a rollback pops one, so rollbacks walk back through promotions in
 * turn (v1 → v2 → v3, rollback → v2, rollback → v1) instead of bouncing between the last two.
 */
export function previousServing(championChanges: readonly AliasChange[]): number | undefined {
  const stack: number[] = [];
  for (const change of championChanges) {
    if (change.toVersion === null) continue;
    if (change.action === 'rollback') {
      stack.pop();
      if (stack.at(-1) !== change.toVersion) stack.push(change.toVersion);
    } else {
      stack.push(change.toVersion);
    }
  }
  const current = stack.pop();
  while (stack.length > 0 && stack.at(-1) === current) stack.pop();
  return stack.at(-1);
}
