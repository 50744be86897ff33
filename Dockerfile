# The mlcycle worker and scoring server image (see docker-compose.yml).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ git \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# onnxruntime-node would download CUDA libraries the CPU image never uses.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY activities ./activities
COPY cli ./cli
COPY contracts ./contracts
COPY core ./core
COPY data ./data
COPY models ./models
COPY monitoring ./monitoring
COPY registry ./registry
COPY schedules ./schedules
COPY scripts ./scripts
COPY serving ./serving
COPY workers ./workers
COPY workflows ./workflows
COPY tsconfig.json ./
RUN node bin/mlcycle.cjs --help >/dev/null && npx tsx scripts/build-workflow-bundle.ts /app/dist/workflow-bundle.js
RUN mkdir -p /var/lib/mlcycle && chown node:node /var/lib/mlcycle
USER node
ENV MLCYCLE_HOME=/var/lib/mlcycle NODE_ENV=production MLCYCLE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
CMD ["node", "bin/mlcycle.cjs", "worker"]
