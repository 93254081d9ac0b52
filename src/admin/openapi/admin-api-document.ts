import { createDocument, type ZodOpenApiPathItemObject } from 'zod-openapi';

import { z } from 'zod';

import { activityLogsPaths } from './activity-logs-paths.ts';
import { brandingPaths } from './branding-paths.ts';
import { clientsPaths } from './clients-paths.ts';
import { identityProvidersPaths } from './identity-providers-paths.ts';
import { invitationsPaths } from './invitations-paths.ts';
import { type AdminPaths, jsonAnswer } from './operation-parts.ts';
import { policiesPaths } from './policies-paths.ts';
import { guestMfaPaths } from './guest-mfa-paths.ts';
import { tenantsPaths } from './tenants-paths.ts';
import { usersPaths } from './users-paths.ts';

/** The document itself: the one admin route that needs no token. */
const documentPaths: AdminPaths = {
  '/admin/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['document'],
      summary: 'This OpenAPI 3.1 document (no token needed)',
      security: [],
      responses: { 200: jsonAnswer(z.looseObject({ openapi: z.string() }), 'The OpenAPI document of the admin API') },
    },
  },
};

/** Every area's paths; a new *-api.ts brings its own *-paths.ts here. */
const AREAS: AdminPaths[] = [
  documentPaths, tenantsPaths, clientsPaths, invitationsPaths, usersPaths, policiesPaths, identityProvidersPaths, brandingPaths,
  activityLogsPaths, guestMfaPaths,
];

/**
 * The OpenAPI 3.1 document of the admin API, generated from the zod schemas the handlers validate
 * requests with (schemas.ts and the *-api.ts files) and the response schemas of views.ts.
 */
export function adminApiDocument(baseUrl: string): ReturnType<typeof createDocument> {
  return createDocument({
    openapi: '3.1.1',
    info: {
      title: 'guest-idp admin API',
      version: '1',
      description: 'Tenants, their relying parties, guests and policies. Field names follow Microsoft Graph where Graph has the concept. '
        + 'Every failure is a JSON {"error": {"code", "message"}}; a refused request changes nothing.',
    },
    servers: [{ url: baseUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'The deployment\'s ADMIN_TOKEN (everything), or a client-credentials access token of a tenant client with the admin role (that tenant only).',
        },
      },
    },
    paths: mergePaths(AREAS),
  });
}

/** One paths object; two areas documenting the same method of the same path is a mistake. */
function mergePaths(areas: AdminPaths[]): AdminPaths {
  const merged: Record<string, ZodOpenApiPathItemObject> = {};
  for (const area of areas) {
    for (const [path, item] of Object.entries(area)) {
      const existing = merged[path] ?? {};
      for (const method of Object.keys(item)) {
        if (method in existing) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is documented twice`);
      }
      merged[path] = { ...existing, ...item };
    }
  }
  return merged;
}
