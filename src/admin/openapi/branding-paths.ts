import { ACCEPTED_LOGOS } from '../../branding/logo-image.ts';
import { LOGO_MAX_BYTES } from '../../limits.ts';
import { updateBrandingBody } from '../schemas.ts';
import { brandingSchema } from '../views.ts';
import { type AdminPaths, errorAnswers, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors, tenantWriteErrors } from './operation-parts.ts';

const logoBytes = { schema: { type: 'string' as const, contentEncoding: 'binary' } };

/** branding-api.ts */
export const brandingPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/branding': {
    get: {
      operationId: 'getBranding',
      tags: ['branding'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(brandingSchema, 'The tenant\'s branding; null where not set'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateBranding',
      tags: ['branding'],
      summary: 'A given field replaces, null clears, a missing one stays',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(updateBrandingBody),
      responses: { 200: jsonAnswer(brandingSchema, 'The branding now'), ...tenantWriteErrors },
    },
  },
  '/admin/tenants/{tenantId}/branding/squareLogo': {
    put: {
      operationId: 'putSquareLogo',
      tags: ['branding'],
      summary: `Upload the square logo: ${ACCEPTED_LOGOS}, at most ${LOGO_MAX_BYTES / 1024} KiB`,
      description: 'The raw image bytes. Its bytes decide whether it is a PNG or a JPEG, whatever Content-Type is sent.',
      requestParams: { path: tenantParameters },
      requestBody: { required: true, content: { 'image/png': logoBytes, 'image/jpeg': logoBytes } },
      responses: { 200: jsonAnswer(brandingSchema, 'The branding with its squareLogoUrl'), ...errorAnswers(400, 401, 403, 404, 413) },
    },
    delete: {
      operationId: 'deleteSquareLogo',
      tags: ['branding'],
      requestParams: { path: tenantParameters },
      responses: { 204: noContent, ...tenantRouteErrors },
    },
  },
};
