// Everything the worker's workflow bundle contains: one workflow a file, re-exported here.
export { mlLifecycle, progressQuery } from './ml-lifecycle';
