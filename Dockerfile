# guest-idp: the provider on Node 24 (it runs the TypeScript sources directly; Node strips the types).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY package.json package-lock.json ./
# Production dependencies only; the node@24 dev dependency is not needed, the image is Node 24.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY interactions ./interactions
COPY config ./config
COPY bin ./bin
USER node
EXPOSE 3000
# Liveness (/healthz), not readiness (/readyz): while Redis is away the process answers 503 and
# reconnects by itself, so an orchestrator that restarts unhealthy containers must not kill it
# for an outage it will recover from (a restart would not bring Redis back either). /readyz is
# for a load balancer deciding where to send requests.
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "src/main.ts"]
