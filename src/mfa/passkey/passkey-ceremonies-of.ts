import type { SignInDeps } from '../../interaction/sign-in-context.ts';
import { PasskeyChallengeRepository } from '../../store/passkey-challenge-repository.ts';
import { PasskeyCeremonies } from './passkey-ceremonies.ts';

/** The relying party of a sign-in's passkey pages, over the second factors' store (cheap: no state of its own). */
export function passkeyCeremoniesOf(deps: SignInDeps): PasskeyCeremonies {
  return new PasskeyCeremonies(deps.mfa.methods, new PasskeyChallengeRepository(deps.mfa.store, deps.mfa.keys), deps.baseUrl);
}
