// The bare anchor of bench/serve.ts: node:http and one onnxruntime-node session, nothing else (no
// validation, no logging, no routing). It builds the same feeds mlcycle builds from a JSON record and
// answers the probability. Usage: tsx bench/anchors/bare-server.ts <model.onnx> <spec.json> <port>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { InferenceSession } from 'onnxruntime-node';
import { OUTPUT_NAME } from '../../models/onnx-export';
import { recordsToFeeds } from '../../models/onnx-scorer';
import type { FeatureSpec, RawRecord } from '../../models/types';

async function main(): Promise<void> {
  const [modelPath, specPath, port] = process.argv.slice(2);
  if (!modelPath || !specPath || !port) throw new Error('usage: bare-server.ts <model.onnx> <spec.json> <port>');
  const { inputs } = JSON.parse(readFileSync(specPath, 'utf8')) as FeatureSpec;
  const session = await InferenceSession.create(readFileSync(modelPath));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { records } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { records: RawRecord[] };
      session.run(recordsToFeeds(inputs, records), [OUTPUT_NAME]).then(
        (results) => {
          const body = JSON.stringify({ probabilities: Array.from(results[OUTPUT_NAME]?.data as Float32Array) });
          // A length, not chunked encoding: one write per answer, as Fastify sends.
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500);
          response.end(String(error));
        },
      );
    });
  });
  server.listen(Number(port), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
