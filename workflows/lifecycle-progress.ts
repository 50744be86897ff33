import type { LifecycleStep, MlLifecycleProgress, StepProgress } from '../contracts';

export const LIFECYCLE_STEPS: LifecycleStep[] = [
  'validate',
  'train',
  'export',
  'register',
  'gate',
  'approval',
  'deploy',
];

const STATUS_MARK: Record<StepProgress['status'], string> = {
  pending: '·',
  running: '▶',
  done: '✓',
  failed: '✗',
  skipped: '–',
};

export function initialProgress(modelName: string): MlLifecycleProgress {
  return {
    modelName,
    current: 'validate',
    steps: LIFECYCLE_STEPS.map((step) => ({ step, status: 'pending' })),
  };
}

export function updateStep(
  progress: MlLifecycleProgress,
  step: LifecycleStep,
  status: StepProgress['status'],
  detail?: string,
): void {
  const entry = progress.steps.find((s) => s.step === step);
  if (!entry) return;
  entry.status = status;
  entry.detail = detail;
  if (status === 'running') progress.current = step;
}

/** Markdown shown as the workflow's "current details" in the Web UI. */
export function progressMarkdown(progress: MlLifecycleProgress): string {
  const lines = progress.steps.map(
    (s) => `| ${STATUS_MARK[s.status]} | ${s.step} | ${s.status} | ${(s.detail ?? '').replace(/\|/g, '/')} |`,
  );
  const title = `**${progress.modelName}**${progress.version ? ` v${progress.version}` : ''} — ${progress.current}`;
  return [title, '', '| | step | status | detail |', '|---|---|---|---|', ...lines].join('\n');
}
