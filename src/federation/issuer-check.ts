import { describeOutboundFailure } from '../outbound/outbound-failure.ts';
import type { UpstreamConnector } from './upstream-connector.ts';

/** The check's answer: usable, or why not (for the log only: see identity-providers-api.ts on why callers get one answer). */
export type IssuerCheck = { usable: true } | { usable: false; failure: ReturnType<typeof describeOutboundFailure> };

/**
 * Before an identity provider is stored: its discovery document must load (through the guarded
 * outbound client) and name exactly the issuer given.
 */
export async function checkIssuer(connector: UpstreamConnector, issuer: string, clientId: string, clientSecret: string | undefined): Promise<IssuerCheck> {
  try {
    const discovered = await connector.configuration({ issuer, clientId, clientSecret: clientSecret ?? 'unused-for-discovery' });
    if (discovered.serverMetadata().issuer !== issuer) throw new Error(`its metadata names the issuer ${discovered.serverMetadata().issuer}`);
    return { usable: true };
  } catch (error) {
    return { usable: false, failure: describeOutboundFailure(error) };
  }
}
