// Bundles the workflow code ahead of time, so production workers start without webpack:
//   npm run build:workflows && MLCYCLE_WORKFLOW_BUNDLE=dist/workflow-bundle.js npx mlcycle worker
import { resolve } from 'node:path';
import { writeWorkflowBundle } from '../workers/workflow-bundle';

const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
writeWorkflowBundle(out).then(
  (bytes) => console.log(`workflow bundle written to ${out} (${(bytes / 1024).toFixed(0)} KB)`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
