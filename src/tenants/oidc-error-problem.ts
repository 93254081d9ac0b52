import { errors } from 'oidc-provider';

import type { ProblemCode } from '../web/problem-page.ts';

/**
 * Which problem page an error of oidc-provider's (one it renders itself, never a JSON answer of
 * its API endpoints) is for a guest. Whatever the app sent wrong (an unknown client_id, a
 * redirect_uri that is not registered, a malformed request) is the app's to fix, so the guest is
 * told to ask the app's support team; an authorization that outlived its cookie is an expired
 * sign-in; the sign-out confirmation failing its own form check is an out-of-date form.
 */
export function oidcErrorProblem(error: unknown, code: string, route: string | undefined): ProblemCode {
  if (code === 'temporarily_unavailable') return 'unavailable';
  if (error instanceof errors.SessionNotFound) return 'expired';
  if (code === 'invalid_client' || code === 'invalid_redirect_uri') return 'badClient';
  if (code === 'invalid_request') return route === 'end_session_confirm' ? 'forgedForm' : 'badClient';
  return 'authorizationFailed';
}
