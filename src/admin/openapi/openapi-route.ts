import type Router from '@koa/router';

import type { AdminState } from '../admin-auth.ts';
import { adminApiDocument } from './admin-api-document.ts';

/**
 * `GET /admin/openapi.json`: the admin API's OpenAPI 3.1 document. Built on first request (it is
 * the same for the life of the process), not at start, so a process that never serves it pays nothing.
 */
export function mountOpenApiDocument(router: Router<AdminState>, baseUrl: string): void {
  let document: ReturnType<typeof adminApiDocument> | undefined;
  router.get('/openapi.json', (ctx) => {
    document ??= adminApiDocument(baseUrl);
    ctx.body = document;
  });
}
