import { z } from 'zod';
import type { ZodOpenApiPathsObject, ZodOpenApiRequestBodyObject, ZodOpenApiResponseObject, ZodOpenApiResponsesObject } from 'zod-openapi';

import { errorSchema } from '../views.ts';

/**
 * The pieces every area's paths (the other files here) are written with, so that documenting a
 * route is one entry: its path, method, parameters, body schema and answers.
 */

/** Each area's operations, keyed by the path as the document shows it (`{name}` for a parameter). */
export type AdminPaths = ZodOpenApiPathsObject;

export const tenantParameters = z.object({
  tenantId: z.string().meta({ description: 'The tenant\'s id (the path segment of its issuer)' }),
});

/** A JSON request body validated by `schema` (the same one the handler parses with). */
export function jsonBody(schema: z.ZodType, description?: string): ZodOpenApiRequestBodyObject {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

export function jsonAnswer(schema: z.ZodType, description: string): ZodOpenApiResponseObject {
  return { description, content: { 'application/json': { schema } } };
}

export const noContent: ZodOpenApiResponseObject = { description: 'Done; no body' };

const ERROR_DESCRIPTIONS = {
  400: 'The request is invalid; the message names every bad field. Nothing was changed.',
  401: 'No valid admin token: send the deployment\'s ADMIN_TOKEN, or a tenant admin client\'s access token.',
  403: 'The token may not do this (a tenant administrator acts on its own tenant only).',
  404: 'No such tenant or resource.',
  409: 'The request conflicts with what exists. Nothing was changed.',
  413: 'The body is too large.',
  415: 'The body is not application/json.',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** `{"error": {"code", "message"}}` answers with the given statuses. */
export function errorAnswers(...statuses: ErrorStatus[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(statuses.map((status) => [status, jsonAnswer(errorSchema, ERROR_DESCRIPTIONS[status])]));
}

/** What can go wrong on any route under /admin/tenants/{tenantId}: no token, another tenant's token, no tenant. */
export const tenantRouteErrors = errorAnswers(401, 403, 404);

/** ...and on one that takes a JSON body. */
export const tenantWriteErrors = errorAnswers(400, 401, 403, 404, 413, 415);
