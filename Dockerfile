# syntax=docker/dockerfile:1
# switchover-bot: build with the dev toolchain, run with production dependencies only, as a non-root user.
#   docker build -t switchover-bot .
#   docker run --rm --env-file .env -v switchover-data:/app/data switchover-bot

ARG NODE_IMAGE=node:22-alpine

# 1. Compile TypeScript.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only. npm picks @napi-rs/canvas's musl binary here (chart drawing); the chart font
#    (dejavu-fonts-ttf) is an npm package too, so the image needs no system fonts or graphics libraries.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: compiled code + production node_modules, owned by root and read-only to the app user.
FROM ${NODE_IMAGE}
# MALLOC_MMAP_THRESHOLD_ as in `npm start`: glibc's malloc then unmaps each chart's freed pixel buffers at once
# (it otherwise raises the threshold and keeps them); musl (this Alpine image) does so anyway and ignores it.
ENV NODE_ENV=production \
    SWITCHOVER_DATA_DIR=/app/data \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The durable journal is the only thing the bot writes; keep it on a volume so it survives restarts.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
# HTTP mode listens on PORT (default 3000) at /slack/events, with /healthz for probes. Socket Mode needs no port
# for Slack; its /healthz is on SWITCHOVER_HEALTH_PORT, on by default in the image so HEALTHCHECK works in both.
ENV SWITCHOVER_HEALTH_PORT=3001
EXPOSE 3000 3001
# 200 when the bot can act (Socket Mode: connected to Slack; both: it holds its data directory), else unhealthy.
# Node rather than curl (not in the image); the start period covers the wait for another bot's data directory lock.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "const p=process.env.SLACK_APP_TOKEN?process.env.SWITCHOVER_HEALTH_PORT:process.env.PORT||3000;if(!p){console.error('set SWITCHOVER_HEALTH_PORT');process.exit(1)}fetch('http://127.0.0.1:'+p+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),e=>{console.error(e.message);process.exit(1)})"]
# Node is PID 1 and handles SIGTERM itself (graceful stop), so `docker stop` is clean. The flags are those of
# `npm start`: a young generation of 2 MB semi-spaces instead of V8's up to 16 MB, which the bot's small heap
# does not need and which would otherwise stay resident after a burst: without it the bot with the chart
# renderer measured 175 MB instead of 135, over the 150 MB target (see README, Benchmarks).
CMD ["node", "--max-semi-space-size=2", "dist/index.js"]
