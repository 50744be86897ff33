# The mlcycle worker and scoring server image (see docker-compose.yml).
# Build stage: install everything (TypeScript is a devDependency), compile to dist/, bundle the
# workflow code from the compiled JavaScript, then drop the devDependencies.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ git \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
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
# onnxruntime-node would download CUDA libraries the CPU image never uses. `npm ci` runs the
# `prepare` script, which compiles to dist/ (the explicit build below is then a quick no-op).
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
RUN npm run build \
  && node dist/scripts/build-workflow-bundle.js /app/dist/workflow-bundle.js \
  && npm prune --omit=dev --no-audit --no-fund \
  && node bin/mlcycle.cjs --help >/dev/null

# Runtime stage: compiled JavaScript and production dependencies only, no compiler or sources.
FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/mlcycle && chown node:node /var/lib/mlcycle
USER node
ENV MLCYCLE_HOME=/var/lib/mlcycle NODE_ENV=production MLCYCLE_WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
CMD ["node", "bin/mlcycle.cjs", "worker"]
