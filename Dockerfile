# syntax=docker/dockerfile:1
# frappe-admission: the admission webhooks and the controller in one process (`serve`).
# Build with the Node the repo pins (package.json devDependency `node`); the runtime holds only the
# production dependencies, package.json (ESM: "type": "module") and the built dist/src, including the
# Job scripts (*.sh) that `npm run build` copies next to the modules that read them at run time.
# Runs as a numeric non-root user and writes nothing to its filesystem, so readOnlyRootFilesystem works.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# The image's Node is the pinned one: skip install scripts (the `node` devDependency would download
# the same Node again; nothing else the build needs has one).
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY harness ./harness
COPY scripts ./scripts
COPY benchmarks ./benchmarks
RUN npm run build

FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --omit=dev && npm cache clean --force

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /src/dist/src ./dist/src
# 65532: the conventional "nonroot" uid/gid; numeric so runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
EXPOSE 9443
# The chart runs this command with V8 flags of its own (values.yaml runtimeFlags).
ENTRYPOINT ["node", "/app/dist/src/cli.js", "serve"]
