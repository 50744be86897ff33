/** Web UI address of one workflow run; `uiBase` is the config's `uiBaseUrl`. */
export function workflowRunUrl(uiBase: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
