import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';

import { buildConnector } from 'undici';

import { type AddressUse, classifyAddress } from './address-use.ts';

/**
 * The server was about to connect, on a tenant's behalf, to an address that is not on the
 * internet (loopback, private, link-local, cloud metadata…). Never shown to the caller: the log
 * gets it, the caller a generic reason.
 */
export class RefusedAddressError extends Error {
  readonly code = 'ERR_REFUSED_UPSTREAM_ADDRESS';
  readonly host: string;
  readonly address: string;
  readonly use: AddressUse;

  constructor(host: string, address: string, use: AddressUse) {
    super(`${host === address ? '' : `${host} resolves to `}${address}, a ${use} address: not called on a tenant's behalf`);
    this.host = host;
    this.address = address;
    this.use = use;
  }
}

export interface ConnectPolicy {
  /** ALLOW_PRIVATE_UPSTREAMS: connect anywhere (development and tests). */
  allowPrivate: boolean;
  /** This deployment's own origin (BASE_URL): its issuers are not called on a tenant's behalf. */
  ownOrigin: string;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * net.connect's `lookup`: resolves the name, and refuses it when any address it resolves to is not
 * public. The socket connects to exactly the addresses checked here (there is no second
 * resolution between check and connect for a DNS-rebinding answer to slip into).
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, options.all ? [] : '');
    const refused = addresses.map(({ address }) => ({ address, use: classifyAddress(address) })).find(({ use }) => use !== 'public');
    if (refused) return callback(new RefusedAddressError(hostname, refused.address, refused.use), options.all ? [] : '');
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
    callback(null, first.address, first.family);
  });
}

/**
 * undici's connect step for every outbound call made on a tenant's behalf: this deployment's own
 * origin connects as usual; an IP literal is classified as is; a name is resolved, checked and
 * connected to by the guarded lookup. Redirects are new requests through the same connector, so
 * no hop escapes the check.
 */
export function guardedConnector(policy: ConnectPolicy): buildConnector.connector {
  const open = buildConnector({});
  if (policy.allowPrivate) return open;
  const guarded = buildConnector({ lookup: guardedLookup });
  const own = URL.parse(policy.ownOrigin);
  return (options, callback) => {
    if (own && isSameOrigin(own, options)) return open(options, callback);
    if (isIP(options.hostname) !== 0) {
      const use = classifyAddress(options.hostname);
      if (use !== 'public') {
        process.nextTick(callback, new RefusedAddressError(options.hostname, options.hostname, use), null);
        return;
      }
    }
    guarded(options, callback);
  };
}

function isSameOrigin(own: URL, options: buildConnector.Options): boolean {
  const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');
  const ownHost = own.hostname.replace(/^\[|\]$/g, '');
  return options.protocol === own.protocol
    && options.hostname.toLowerCase() === ownHost.toLowerCase()
    && String(options.port || defaultPort(options.protocol)) === (own.port || defaultPort(own.protocol));
}
