import { BadRequestError, ConflictError, NotFoundError, ServiceUnavailableError, TooManyRequestsError } from '../errors.ts';
import type { MessageKey } from '../i18n/translate.ts';

/**
 * The sentence a console page shows when a domain service refused an action (the admin API
 * answers the same refusals with a 4xx and an English message). Anything else is not the
 * administrator's to fix: it goes on to the error page (web/unhandled-errors.ts).
 */
export function actionProblem(error: unknown): MessageKey {
  if (error instanceof TooManyRequestsError) return 'console.problem.tooManyMails';
  if (error instanceof ServiceUnavailableError) return 'console.problem.unavailable';
  if (error instanceof ConflictError) return 'console.problem.conflict';
  if (error instanceof NotFoundError) return 'console.problem.notFound';
  if (error instanceof BadRequestError) return 'console.problem.refused';
  throw error;
}
