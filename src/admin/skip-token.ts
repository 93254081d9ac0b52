import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

import { BadRequestError } from '../errors.ts';
import { isStreamId } from '../store/stream-ids.ts';
import type { UserCursor } from '../store/user-repository.ts';

/** Bytes of HMAC-SHA256 kept in a token: enough that none can be guessed, short enough for a URL. */
const TAG_BYTES = 16;

/**
 * `$skiptoken` of the users list: opaque to callers, as Graph's are. It carries where the last
 * page stopped (creation time and id) and the tenant, sealed with an HMAC under a key derived from
 * KEY_ENCRYPTION_KEY, so every process of the deployment accepts the tokens any of them issued
 * and a token this API did not issue (or issued for another tenant) is refused with a 400.
 */
export class SkipTokens {
  readonly #key: Buffer;

  constructor(keyEncryptionKey: string) {
    this.#key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, '', 'guest-idp users $skiptoken', 32));
  }

  issue(tenantId: string, cursor: UserCursor): string {
    const body = Buffer.from(JSON.stringify({ t: tenantId, s: cursor.score, i: cursor.member })).toString('base64url');
    return `${body}.${this.#tag(body).toString('base64url')}`;
  }

  /** The cursor in a token this API issued for the tenant; a BadRequestError for anything else. */
  read(tenantId: string, token: string): UserCursor {
    const refused = new BadRequestError('$skiptoken is not one this API gave out: follow @odata.nextLink as it is.');
    const [body, tag, ...rest] = token.split('.');
    if (!body || !tag || rest.length > 0) throw refused;
    const given = Buffer.from(tag, 'base64url');
    if (given.length !== TAG_BYTES || !timingSafeEqual(given, this.#tag(body))) throw refused;
    let parsed: { t?: unknown; s?: unknown; i?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as typeof parsed;
    } catch {
      throw refused;
    }
    if (parsed.t !== tenantId || typeof parsed.s !== 'number' || !Number.isFinite(parsed.s) || typeof parsed.i !== 'string') throw refused;
    return { score: parsed.s, member: parsed.i };
  }

  /**
   * The sign-in and audit logs' tokens: the id of the last entry read, for one tenant and one log
   * (a sign-in log's token does not page the audit log).
   */
  issueLogCursor(tenantId: string, log: string, entryId: string): string {
    const body = Buffer.from(JSON.stringify({ t: tenantId, l: log, e: entryId })).toString('base64url');
    return `${body}.${this.#tag(body).toString('base64url')}`;
  }

  readLogCursor(tenantId: string, log: string, token: string): string {
    const parsed = this.#open(token) as { t?: unknown; l?: unknown; e?: unknown };
    if (parsed.t !== tenantId || parsed.l !== log || typeof parsed.e !== 'string' || !isStreamId(parsed.e)) throw refusedToken();
    return parsed.e;
  }

  /** The JSON in a token this API sealed; a BadRequestError for anything else. */
  #open(token: string): unknown {
    const [body, tag, ...rest] = token.split('.');
    if (!body || !tag || rest.length > 0) throw refusedToken();
    const given = Buffer.from(tag, 'base64url');
    if (given.length !== TAG_BYTES || !timingSafeEqual(given, this.#tag(body))) throw refusedToken();
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      throw refusedToken();
    }
  }

  #tag(body: string): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, TAG_BYTES);
  }
}

function refusedToken(): BadRequestError {
  return new BadRequestError('$skiptoken is not one this API gave out: follow @odata.nextLink as it is.');
}
