# syntax=docker/dockerfile:1
#
# The deployment image: one image for every vendor (VIDEO_VENDOR picks one at start).
#   docker build -t pipedrive-video .
#   docker run -e NODE_ENV=production -e PUBLIC_BASE_URL=... -e MONGODB_URI=... ... -p 3000:3000 pipedrive-video
#
# Three stages: `build` compiles TypeScript with the dev dependencies; `deps` installs the
# production dependencies alone; the final stage holds only those, the compiled `dist/` and
# package.json (its "type": "module" makes Node read dist/ as ES modules), and runs as a non-root
# user. Pin the base image by digest in your registry for reproducible builds.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency of the service needs an install script.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# The image's `node` user, by number: Kubernetes' runAsNonRoot can only check a numeric user.
# The files above stay owned by root, so the process cannot change its own code.
USER 1000:1000
EXPOSE 3000
# Liveness, not readiness: a container must not be marked unhealthy (and replaced) because
# MongoDB is away; /readyz says whether it can serve. Node's fetch: no curl in the slim image.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# node itself as PID 1 (no npm in between), so SIGTERM reaches the service's graceful stop.
CMD ["node", "--enable-source-maps", "dist/infrastructure/main.js"]
