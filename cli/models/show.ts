import type { AliasChange } from '../../registry/aliases';
import { signatureOf, type ModelSignature } from '../../registry/signature';
import { versionArtifacts, type ArtifactEntry } from './artifacts';
import { describeActor } from './history';
import { metric, printJson, printLines, shortTime } from './output';
import { pickVersion, withRegistry } from './registry-access';

export interface ShowOptions {
  model: string;
  version?: string;
  alias?: string;
  json?: boolean;
}

/** `mlcycle models show`: one version (the serving one by default) with everything the registry knows of it. */
export async function runModelsShow(options: ShowOptions): Promise<void> {
  await withRegistry(async (registry) => {
    const record = pickVersion(registry, options.model, options, () => registry.getServing(options.model));
    const { params, metrics } = record;
    const { lineage, ...otherParams } = params;
    const aliases = registry.aliases
      .list(record.modelName)
      .filter((a) => a.version === record.version)
      .map((a) => a.alias);
    const history = registry.aliases
      .history(record.modelName)
      .filter((h) => h.fromVersion === record.version || h.toVersion === record.version);
    const shown = {
      model: record.modelName,
      version: record.version,
      createdAt: record.createdAt,
      aliases,
      serving: aliases.includes('champion'),
      threshold: record.threshold,
      metrics,
      params: otherParams,
      lineage: lineage ?? null,
      signature: signatureOf(record),
      data: { uri: record.dataUri, sha256: record.dataSha256, rows: record.dataRows },
      provenance: {
        workflowId: record.workflowId,
        runId: record.runId,
        packageVersion: record.packageVersion,
        gitCommit: record.gitCommit,
      },
      artifacts: await versionArtifacts(registry, record),
      history,
    };
    if (options.json) return printJson(shown);
    printLines([
      `${shown.model} v${shown.version}${shown.serving ? ' (serving)' : ''}`,
      `  created    ${shortTime(shown.createdAt)} by workflow ${shown.provenance.workflowId} (run ${shown.provenance.runId})`,
      `  aliases    ${aliases.join(', ') || 'none'}`,
      `  threshold  ${shown.threshold}`,
      `  data       ${shown.data.uri} (${shown.data.rows} rows, sha256 ${shown.data.sha256})`,
      'metrics (test split)',
      ...Object.entries(metrics)
        .filter(([, value]) => typeof value === 'number')
        .map(([name, value]) => `  ${name.padEnd(10)} ${metric(value)}`),
      'params',
      ...Object.entries(otherParams).map(([name, value]) => `  ${name.padEnd(18)} ${JSON.stringify(value)}`),
      ...(lineage === undefined ? [] : ['lineage', `  ${JSON.stringify(lineage)}`]),
      ...signatureLines(shown.signature),
      'artifacts',
      ...shown.artifacts.map(artifactLine),
      'history',
      ...(history.length === 0 ? ['  no alias ever pointed at this version'] : history.map(historyLine)),
    ]);
  });
}

function signatureLines(signature: ModelSignature): string[] {
  return [
    `signature (target ${signature.target}, positive ${JSON.stringify(signature.positiveLabel)})`,
    ...signature.inputs.map(
      (input) =>
        `  in   ${input.name.padEnd(18)} ${input.kind.padEnd(11)} ${input.type}` +
        (input.levels ? `  levels: ${input.levels.map((l) => JSON.stringify(l)).join(', ')}` : ''),
    ),
    ...signature.outputs.map((output) => `  out  ${output.name.padEnd(18)} ${output.type} [N, 1]  ${output.meaning}`),
  ];
}

function artifactLine(file: ArtifactEntry): string {
  const state = file.state === 'changed' ? `CHANGED: now sha256 ${file.actualSha256 ?? '?'}` : file.state.toUpperCase();
  return `  ${file.role.padEnd(9)} ${file.path}\n            sha256 ${file.sha256 ?? 'not recorded'}  ${state}`;
}

function historyLine(change: AliasChange): string {
  const move = `${change.fromVersion === null ? '-' : `v${change.fromVersion}`} -> ${change.toVersion === null ? '-' : `v${change.toVersion}`}`;
  return `  ${shortTime(change.at)}  ${change.alias} ${change.action} ${move}  by ${describeActor(change)}: ${change.reason}`;
}
