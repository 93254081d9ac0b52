import type { Middleware } from 'koa';

import type { KeyValueStore } from '../store/key-value-store.ts';

/** Process is up: answers as long as the event loop turns. */
export function liveness(): Middleware {
  return (ctx) => {
    ctx.body = { status: 'ok' };
  };
}

/** Ready to serve: the store answers. A load balancer takes the process out while it does not. */
export function readiness(store: KeyValueStore): Middleware {
  return async (ctx) => {
    try {
      await store.ping();
      ctx.body = { status: 'ok', store: store.kind };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', store: store.kind, reason: 'the store does not answer' };
    }
  };
}
