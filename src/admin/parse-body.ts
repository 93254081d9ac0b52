import type { Context } from 'koa';
import type { z } from 'zod';

import { BadRequestError, UnsupportedMediaTypeError } from '../errors.ts';
import { describeIssues } from './schemas.ts';

/** Validates the JSON body against a schema; a 400 names every bad field. */
export function parseBody<Schema extends z.ZodType>(ctx: Context, schema: Schema): z.infer<Schema> {
  const hasBody = Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
  if (hasBody && !ctx.is('application/json')) {
    throw new UnsupportedMediaTypeError('Send the body as application/json.');
  }
  const result = schema.safeParse(hasBody ? (ctx.request as { body?: unknown }).body : {});
  if (!result.success) throw new BadRequestError(`Invalid request body: ${describeIssues(result.error)}.`);
  return result.data;
}
