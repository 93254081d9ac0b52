/**
 * Whether email one-time passcodes are on for a tenant: Graph's `emailOtp` policy state, where
 * `default` follows the deployment (EMAIL_OTP_DEFAULT, enabled unless set to disabled, and an
 * optional EMAIL_OTP_AUTO_ENABLE_DATE from which `default` means enabled, as Microsoft's
 * automatic enablement did).
 */
export type EmailOtpPolicyState = 'default' | 'enabled' | 'disabled';
export const EMAIL_OTP_POLICY_STATES = ['default', 'enabled', 'disabled'] as const;

export interface DeploymentEmailOtpDefault {
  enabled: boolean;
  /** When set and past, `default` means enabled even if the deployment default is disabled. */
  autoEnableDate: Date | undefined;
}

export function isEmailOtpEnabled(state: EmailOtpPolicyState | undefined, deployment: DeploymentEmailOtpDefault, now = new Date()): boolean {
  switch (state ?? 'default') {
    case 'enabled':
      return true;
    case 'disabled':
      return false;
    case 'default':
      return deployment.enabled || (deployment.autoEnableDate !== undefined && now >= deployment.autoEnableDate);
  }
}
