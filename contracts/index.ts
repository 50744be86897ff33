// Every wire type of mlcycle: workflow inputs and results, activity-facing inputs, and the scoring
// server's bodies and headers. Inputs are TypeBox schemas with their types derived from them, checked
// at every edge (workflow start, CLI, HTTP). This module imports nothing but typebox.
export * from './batch';
export * from './check';
export * from './common';
export * from './data';
export * from './http';
export * from './lifecycle';
export * from './lifecycle-activities';
export * from './metrics';
export * from './monitor';
export * from './monitor-activities';
export * from './retrain';
export * from './rollout';
export * from './stream';
export * from './stream-activities';
export * from './stream-messages';
export * from './online';
