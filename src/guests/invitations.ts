import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { BrandingView } from '../branding/branding-view.ts';
import { BadRequestError, NotFoundError, ServiceUnavailableError, StoreUnavailableError, TooManyRequestsError } from '../errors.ts';
import { localeForLanguageTag } from '../i18n/language-tag.ts';
import { INVITATION_MAILS_PER_RECIPIENT, INVITATION_MAILS_PER_RECIPIENT_DEPLOYMENT, INVITATION_TICKET_TTL_SECONDS } from '../limits.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { MailTemplates } from '../mail/mail-templates.ts';
import { hashTicket, type InvitationRepository, type RedemptionTicket } from '../store/invitation-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import type { RateLimiter } from '../store/rate-limiter.ts';
import type { UserRepository } from '../store/user-repository.ts';
import { issuerOf, type Tenant } from '../tenants/tenant.ts';
import type { Guests } from './guests.ts';
import { normalizeEmail, type User } from './user.ts';

/** Graph's invitation, as `POST /invitations` takes it (validated by the admin API). */
export interface InvitationRequest {
  invitedUserEmailAddress: string;
  inviteRedirectUrl: string;
  invitedUserDisplayName?: string | undefined;
  sendInvitationMessage: boolean;
  /** Clear the guest's recorded sign-in method and make them redeem again (Graph's resetRedemption). */
  resetRedemption?: boolean;
  /** The mail's language and the inviter's own words in it (validated plain text). */
  invitedUserMessageInfo?: InvitedUserMessageInfo | undefined;
}

/** Graph's invitedUserMessageInfo, the part we support. */
export interface InvitedUserMessageInfo {
  /** A BCP 47 tag; the mail is in the catalogue of its language part, else English. */
  messageLanguage?: string | undefined;
  customizedMessageBody?: string | undefined;
}

/** Graph's invitation resource, as the admin API returns it. */
export interface Invitation {
  id: string;
  inviteRedeemUrl: string;
  invitedUserEmailAddress: string;
  invitedUserDisplayName: string | null;
  inviteRedirectUrl: string;
  invitedUser: { id: string };
  invitedUserType: 'Guest';
  sendInvitationMessage: boolean;
  invitedUserMessageInfo: { messageLanguage: string | null; customizedMessageBody: string | null };
  status: 'PendingAcceptance' | 'Completed';
}

export interface InvitationDependencies {
  users: UserRepository;
  guests: Guests;
  invitations: InvitationRepository;
  mail: MailQueue;
  templates: MailTemplates;
  /** The tenant's branding for the mail (app.ts reads it from the branding store). */
  brandingFor: (tenant: Tenant) => Promise<BrandingView>;
  baseUrl: string;
  /** For the invitation-mail caps. */
  store: KeyValueStore;
  keys: Keys;
}

/** How to take a step back should a later one fail. */
type Undo = () => Promise<unknown>;
/** A step done: what it gave, and how to take it back (when it wrote anything). */
interface Step<T> {
  result: T;
  undo?: Undo;
}

/**
 * Inviting a guest: a pending guest user for the address (or the existing one), a single-use
 * redeem link, and optionally the invitation mail, queued. All or nothing: when a step fails
 * before the mail is queued, the steps before it are taken back and the caller gets a 503.
 * Invitation mails to one recipient are capped per tenant and across the deployment.
 */
export class Invitations {
  readonly #deps: InvitationDependencies;
  readonly #mailCaps: Array<{ limiter: RateLimiter; key: (tenantId: string, email: string) => string }>;

  constructor(deps: InvitationDependencies) {
    this.#deps = deps;
    const hash = (email: string) => createHash('sha256').update(email).digest('base64url');
    this.#mailCaps = [
      { limiter: deps.store.rateLimiter(deps.keys.rateLimit('invitation-mails'), INVITATION_MAILS_PER_RECIPIENT), key: (tenantId, email) => `${tenantId}:${hash(email)}` },
      // Keyed without the tenant: the deployment-wide cap.
      { limiter: deps.store.rateLimiter(deps.keys.rateLimit('invitation-mails-all'), INVITATION_MAILS_PER_RECIPIENT_DEPLOYMENT), key: (_tenantId, email) => hash(email) },
    ];
  }

  async invite(tenant: Tenant, request: InvitationRequest, inviterAppName: string | null): Promise<Invitation> {
    const { mail, templates, baseUrl, guests, brandingFor } = this.#deps;
    const messageInfo = request.invitedUserMessageInfo;
    const email = normalizeEmail(request.invitedUserEmailAddress);
    const id = randomUUID();
    // Reads before any write: a refusal leaves everything as it was.
    const original = request.resetRedemption ? await this.#existingGuest(tenant, email) : undefined;
    const branding = request.sendInvitationMessage ? await brandingFor(tenant) : {};
    const undo: Undo[] = [];
    const remember = <T>(step: Step<T>): T => {
      if (step.undo) undo.push(step.undo);
      return step.result;
    };
    let user: User;
    let inviteRedeemUrl: string;
    try {
      if (request.sendInvitationMessage) remember(await this.#takeMailCaps(tenant.id, email));
      user = remember(original
        ? await this.#resetRedemption(tenant, original)
        : await this.#guestFor(tenant, email, request.invitedUserDisplayName ?? null));

      const ticket = randomBytes(32).toString('base64url');
      remember(await this.#saveTicket(tenant, ticket, { invitationId: id, userId: user.id, invitedUserEmailAddress: email, inviteRedirectUrl: request.inviteRedirectUrl }));
      inviteRedeemUrl = `${issuerOf(baseUrl, tenant.id)}/redeem?ticket=${ticket}`;

      if (request.sendInvitationMessage) {
        await mail.enqueue(templates.invitation({
          to: email,
          tenantName: tenant.displayName,
          inviterAppName,
          invitedUserDisplayName: user.displayName,
          redeemUrl: inviteRedeemUrl,
          inviteRedirectUrl: request.inviteRedirectUrl,
          locale: localeForLanguageTag(messageInfo?.messageLanguage),
          customizedMessageBody: messageInfo?.customizedMessageBody ?? null,
          branding,
        }));
      }
    } catch (error) {
      // Newest first, each on its own: one that fails does not stop the others.
      for (const step of undo.reverse()) await step().catch(() => undefined);
      if (error instanceof StoreUnavailableError) {
        throw new ServiceUnavailableError('The invitation could not be stored or its mail queued, so nothing was changed. Try again.', { cause: error });
      }
      throw error;
    }
    // Signed out, and their second factors gone (they enrol afresh), only now that the new
    // invitation is on its way: a reset that did not go through leaves both alone.
    if (original) {
      await guests.revokeSignIns(tenant.id, user.id);
      await guests.removeSecondFactors(tenant.id, user.id);
    }

    return {
      id,
      inviteRedeemUrl,
      invitedUserEmailAddress: email,
      invitedUserDisplayName: user.displayName,
      inviteRedirectUrl: request.inviteRedirectUrl,
      invitedUser: { id: user.id },
      invitedUserType: 'Guest',
      sendInvitationMessage: request.sendInvitationMessage,
      invitedUserMessageInfo: { messageLanguage: messageInfo?.messageLanguage ?? null, customizedMessageBody: messageInfo?.customizedMessageBody ?? null },
      status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
    };
  }

  /** Graph's resetRedemption on the guest's record (signing out comes last, in invite). */
  async #resetRedemption(tenant: Tenant, original: User): Promise<Step<User>> {
    const { guests } = this.#deps;
    const reset = await guests.resetRedemption(tenant.id, original);
    return { result: reset.reset, undo: () => guests.undoResetRedemption(tenant.id, reset) };
  }

  async #saveTicket(tenant: Tenant, ticket: string, redemption: Omit<RedemptionTicket, 'createdDateTime'>): Promise<Step<void>> {
    const { invitations } = this.#deps;
    const ticketHash = hashTicket(ticket);
    const undo = () => invitations.deleteTicket(tenant.id, ticketHash, redemption.userId);
    try {
      await invitations.saveTicket(tenant.id, ticketHash, { ...redemption, createdDateTime: new Date().toISOString() }, INVITATION_TICKET_TTL_SECONDS);
    } catch (error) {
      // The write may have happened even though its answer was lost.
      await undo().catch(() => undefined);
      throw error;
    }
    return { result: undefined, undo };
  }

  /**
   * Counts one invitation mail to the address against the caps, or refuses with a 429. The caps
   * are read first, so a refusal writes nothing; a hit that still finds a cap full (another
   * request took the last one meanwhile) is given back. Returns how to give this one back.
   */
  async #takeMailCaps(tenantId: string, email: string): Promise<Step<void>> {
    const caps = this.#mailCaps.map(({ limiter, key }) => ({ limiter, key: key(tenantId, email) }));
    const refuse = (retryAfterSeconds: number) => new TooManyRequestsError(
      `Too many invitation mails were sent to ${email} recently. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`, retryAfterSeconds);
    const checked = await Promise.all(caps.map(({ limiter, key }) => limiter.check(key)));
    const full = checked.filter((verdict) => !verdict.allowed);
    if (full.length > 0) throw refuse(Math.max(...full.map((verdict) => verdict.retryAfterSeconds)));

    const giveBack = () => Promise.all(caps.map(({ limiter, key }) => limiter.refund(key)));
    const hits = await Promise.all(caps.map(({ limiter, key }) => limiter.hit(key)));
    const refused = hits.filter((verdict) => !verdict.allowed);
    if (refused.length > 0) {
      await giveBack();
      throw refuse(Math.max(...refused.map((verdict) => verdict.retryAfterSeconds)));
    }
    return { result: undefined, undo: giveBack };
  }

  /** resetRedemption applies to a guest who exists already. */
  async #existingGuest(tenant: Tenant, email: string): Promise<User> {
    const existing = await this.#deps.users.findByMail(tenant.id, email);
    if (!existing) throw new NotFoundError(`There is no guest with the address ${email} in this tenant to reset.`);
    if (existing.userType === 'Member') throw new BadRequestError(`${email} is a member of this tenant, not a guest.`);
    return existing;
  }

  /** The tenant's guest for the address: the existing one (named, if it had no name), or a new pending one. */
  async #guestFor(tenant: Tenant, email: string, displayName: string | null): Promise<Step<User>> {
    const { users } = this.#deps;
    const existing = await users.findByMail(tenant.id, email);
    if (existing) {
      if (existing.userType === 'Member') throw new BadRequestError(`${email} is a member of this tenant, not a guest.`);
      if (displayName && !existing.displayName) {
        const named = { ...existing, displayName };
        await users.update(tenant.id, existing, named);
        return { result: named, undo: () => users.update(tenant.id, named, existing) };
      }
      return { result: existing };
    }
    const user: User = {
      id: randomUUID(),
      mail: email,
      displayName,
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: null,
      source: null,
      createdDateTime: new Date().toISOString(),
      lastSignInDateTime: null,
    };
    if (await users.create(tenant.id, user)) return { result: user, undo: () => users.delete(tenant.id, user) };
    // Invited twice at the same moment: the other request created the guest.
    return this.#guestFor(tenant, email, displayName);
  }
}
