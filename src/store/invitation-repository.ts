import { createHash } from 'node:crypto';

import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/** What a redeem ticket stands for: the invited user and where redemption ends. */
export interface RedemptionTicket {
  invitationId: string;
  userId: string;
  invitedUserEmailAddress: string;
  inviteRedirectUrl: string;
  createdDateTime: string;
}

/**
 * Invitation redeem tickets, stored by hash (a ticket is a bearer secret in a link). A user's open tickets are indexed so redemption, by whatever path, retires all of them.
 */
export class InvitationRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  async saveTicket(tenantId: string, ticketHash: string, redemption: RedemptionTicket, ttlSeconds: number): Promise<void> {
    const key = this.#keys.redeemTicket(tenantId, ticketHash);
    await this.#store.write([
      { type: 'set', key, value: JSON.stringify(redemption), ttlSeconds },
      { type: 'setAdd', key: this.#keys.userTickets(tenantId, redemption.userId), members: [key], ttlSeconds },
    ]);
  }

  async findTicket(tenantId: string, ticketHash: string): Promise<RedemptionTicket | undefined> {
    const stored = await this.#store.get(this.#keys.redeemTicket(tenantId, ticketHash));
    return stored ? (JSON.parse(stored) as RedemptionTicket) : undefined;
  }

  /** Withdraws one ticket (its invitation mail could not be sent). */
  async deleteTicket(tenantId: string, ticketHash: string, userId: string): Promise<void> {
    const key = this.#keys.redeemTicket(tenantId, ticketHash);
    await this.#store.write([
      { type: 'delete', key },
      { type: 'setRemove', key: this.#keys.userTickets(tenantId, userId), members: [key] },
    ]);
  }

  /** Retires every open ticket of the user: after redemption none of the links works again. */
  async retireTickets(tenantId: string, userId: string): Promise<void> {
    await this.#store.deleteSetsAndMembers([this.#keys.userTickets(tenantId, userId)]);
  }
}

/** Tickets are looked up by hash only: the ticket itself lives in the guest's link, never at rest. */
export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('base64url');
}
