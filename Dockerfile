# alertpipe container image.
#
#   docker build -t alertpipe:0.1.0 .
#   docker run --rm -p 8080:8080 -v alertpipe-data:/data alertpipe:0.1.0
#
# Build stage: compile TypeScript and the better-sqlite3 native addon, then drop the dev
# dependencies. The runtime stage uses the same base image, so the addon matches its glibc and Node.
# Node 26: the LTS line since October 2026 (Node 20's support ended in April 2026); CI runs the
# unit and integration tests on it (.ci/node-lts).

FROM node:26-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Dependencies first, so they stay cached while only the sources change (.npmrc: peer dependencies
# are not installed). Install scripts are held back (the `prepare` script would build before the
# sources are here), then better-sqlite3's is run.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-when-stale.mjs ./scripts/
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund


FROM node:26-bookworm-slim
# tini runs as PID 1: it forwards SIGTERM to node (graceful shutdown) and reaps children of the
# exec action. DejaVu gives the `graph` enricher's PNGs their labels (the slim image has no fonts).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 alertpipe \
 && useradd --uid 10001 --gid alertpipe --home-dir /app --no-create-home --shell /usr/sbin/nologin alertpipe \
 && mkdir -p /data \
 && chown alertpipe:alertpipe /data

WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/http/console/web ./src/http/console/web
COPY config.schema.json ./config.schema.json

ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=8080
VOLUME /data
EXPOSE 8080

# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001

# No curl in the slim image: node asks /healthz itself. (With server.tls set, point this at https.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

ENTRYPOINT ["tini", "--", "node", "dist/app/cli.js"]
