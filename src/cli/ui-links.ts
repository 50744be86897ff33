/** Web UI address of one workflow run. */
export function workflowRunUrl(uiBase: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}

/** The Web UI that goes with a frontend address: the dev server's UI is on :8233 unless TEMPORAL_UI_URL says otherwise. */
export function uiBaseUrl(env: NodeJS.ProcessEnv, fallbackPort = 8233): string {
  return env.TEMPORAL_UI_URL ?? `http://localhost:${fallbackPort}`;
}
