import { randomBytes, randomUUID } from 'node:crypto';

import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../errors.ts';
import { INVITATION_TICKET_TTL_SECONDS } from '../limits.ts';
import type { MailTemplates } from '../mail/mail-templates.ts';
import { MailDeliveryError, type Mailer } from '../mail/mailer.ts';
import { hashTicket, type InvitationRepository } from '../store/invitation-repository.ts';
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
  status: 'PendingAcceptance' | 'Completed';
}

export interface InvitationDependencies {
  users: UserRepository;
  guests: Guests;
  invitations: InvitationRepository;
  mailer: Mailer;
  templates: MailTemplates;
  baseUrl: string;
}

/**
 * Inviting a guest: a pending guest user for the address (or the existing one), a single-use
 * redeem link, and optionally the invitation mail. When the mail cannot be sent, nothing of the
 * invitation stays behind and the caller gets a 503.
 */
export class Invitations {
  readonly #deps: InvitationDependencies;

  constructor(deps: InvitationDependencies) {
    this.#deps = deps;
  }

  async invite(tenant: Tenant, request: InvitationRequest, inviterName: string): Promise<Invitation> {
    const { users, invitations, mailer, templates, baseUrl } = this.#deps;
    const email = normalizeEmail(request.invitedUserEmailAddress);
    let { user, created } = request.resetRedemption
      ? { user: await this.#existingGuest(tenant, email), created: false }
      : await this.#guestFor(tenant, email, request.invitedUserDisplayName ?? null);
    if (request.resetRedemption) user = await this.#deps.guests.resetRedemption(tenant.id, user);

    const id = randomUUID();
    const ticket = randomBytes(32).toString('base64url');
    await invitations.saveTicket(tenant.id, hashTicket(ticket), {
      invitationId: id,
      userId: user.id,
      invitedUserEmailAddress: email,
      inviteRedirectUrl: request.inviteRedirectUrl,
      createdDateTime: new Date().toISOString(),
    }, INVITATION_TICKET_TTL_SECONDS);
    const inviteRedeemUrl = `${issuerOf(baseUrl, tenant.id)}/redeem?ticket=${ticket}`;

    if (request.sendInvitationMessage) {
      try {
        await mailer.send(templates.invitation({
          to: email,
          tenantName: tenant.displayName,
          inviterName,
          invitedUserDisplayName: user.displayName,
          redeemUrl: inviteRedeemUrl,
          inviteRedirectUrl: request.inviteRedirectUrl,
        }));
      } catch (error) {
        if (!(error instanceof MailDeliveryError)) throw error;
        await invitations.deleteTicket(tenant.id, hashTicket(ticket), user.id);
        if (created) await users.delete(tenant.id, user);
        throw new ServiceUnavailableError('The invitation mail could not be sent, so no invitation was created. Try again.', { cause: error });
      }
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
      status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
    };
  }

  /** resetRedemption applies to a guest who exists already. */
  async #existingGuest(tenant: Tenant, email: string): Promise<User> {
    const existing = await this.#deps.users.findByMail(tenant.id, email);
    if (!existing) throw new NotFoundError(`There is no guest with the address ${email} in this tenant to reset.`);
    if (existing.userType === 'Member') throw new BadRequestError(`${email} is a member of this tenant, not a guest.`);
    return existing;
  }

  /** The tenant's guest for the address: the existing one, or a new pending one. */
  async #guestFor(tenant: Tenant, email: string, displayName: string | null): Promise<{ user: User; created: boolean }> {
    const { users } = this.#deps;
    const existing = await users.findByMail(tenant.id, email);
    if (existing) {
      if (existing.userType === 'Member') throw new BadRequestError(`${email} is a member of this tenant, not a guest.`);
      if (displayName && !existing.displayName) {
        const named = { ...existing, displayName };
        await users.update(tenant.id, existing, named);
        return { user: named, created: false };
      }
      return { user: existing, created: false };
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
    if (await users.create(tenant.id, user)) return { user, created: true };
    // Invited twice at the same moment: the other request created the guest.
    return this.#guestFor(tenant, email, displayName);
  }
}
