# Agent Pacing Operator image. Three stages: compile TypeScript with dev dependencies, install production
# dependencies alone, then copy both into a slim runtime that runs as the non-root user 65532 (the chart's
# runAsUser), so no compiler, dev package or npm cache reaches the image.
# Build: docker build -t agent-pacing-operator:dev .   (make kind-deploy does this for you)

ARG NODE_IMAGE=node:24-bookworm
ARG RUNTIME_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY deploy/build ./deploy/build
RUN npx tsc -p tsconfig.build.json && node deploy/build/bundle-operator.mjs

FROM ${NODE_IMAGE} AS production-deps
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: production packages need no install hooks, and none should run at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${RUNTIME_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /src/node_modules ./node_modules
# One bundled file (see deploy/build/bundle-operator.mjs): a third of the memory of loading the packages' modules
# one by one. node_modules stays for pino, which the bundle loads as a package.
COPY --from=build /src/dist/operator ./dist/operator
# package.json gives `--version` its answer; crds/ travels along for installs without Helm.
COPY package.json ./
COPY crds ./crds
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "dist/operator/pacing-operator.mjs"]
CMD ["run"]
