import type { AddressUse } from './address-use.ts';
import { RefusedAddressError } from './guarded-connector.ts';

/**
 * Why an outbound call failed, classified for the log. The caller (a tenant administrator, a
 * guest) never sees this: telling them "connection refused" or "timed out" would turn every URL
 * field into a port scanner.
 */
export interface OutboundFailure {
  cause: 'refusedAddress' | 'unreachable' | 'timeout' | 'badAnswer';
  /** The error code (ECONNREFUSED, ENOTFOUND…), when there is one (not `code`: the log redacts that name). */
  errorCode?: string;
  /** refusedAddress: where the name pointed and what that address is. */
  address?: string;
  addressUse?: AddressUse;
  /** The error messages along the cause chain, outermost first. */
  detail: string;
}

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_)/;

type Failure = { name?: string; message?: string; code?: unknown; cause?: unknown };

export function describeOutboundFailure(error: unknown): OutboundFailure {
  const chain: Failure[] = [];
  for (let current = error as Failure | undefined; current && typeof current === 'object' && chain.length < 10; current = current.cause as Failure | undefined) {
    chain.push(current);
  }
  const detail = chain.map((failure) => failure.message).filter(Boolean).join(' <- ').slice(0, 500);
  const refused = chain.find((failure): failure is RefusedAddressError => failure instanceof RefusedAddressError);
  if (refused) return { cause: 'refusedAddress', errorCode: refused.code, address: refused.address, addressUse: refused.use, detail };
  if (chain.some((failure) => failure.name === 'TimeoutError' || failure.name === 'AbortError' || failure.code === 'UND_ERR_CONNECT_TIMEOUT')) {
    return { cause: 'timeout', detail };
  }
  const network = chain.find((failure) => typeof failure.code === 'string' && NETWORK_CODES.test(failure.code));
  if (network) return { cause: 'unreachable', errorCode: network.code as string, detail };
  if (chain.some((failure) => failure.name === 'TypeError' && failure.message === 'fetch failed')) return { cause: 'unreachable', detail };
  return { cause: 'badAnswer', detail };
}

/** A refused connection, a timeout or a refused address: the other side gave no answer. */
export function isNoAnswer(error: unknown): boolean {
  return describeOutboundFailure(error).cause !== 'badAnswer';
}
