/**
 * The SSO OIDC calls the sign-in flows make, as plain data: oidc.ts wraps the
 * SDK's client in it, and tests script it.
 */

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval?: number;
}

/** One CreateToken answer, the OAuth errors of the device grant as outcomes. */
export type TokenAttempt =
  | { outcome: 'token'; accessToken: string; expiresIn: number; refreshToken?: string }
  | { outcome: 'pending' | 'slow_down' | 'denied' | 'expired' };

/** A token CreateToken issued (any grant). */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

/** RegisterClient's input: the device flow gives a name and scopes; the authorization code flow adds the rest. */
export interface RegisterClientInput {
  clientName: string;
  scopes?: string[];
  grantTypes?: string[];
  redirectUris?: string[];
  issuerUrl?: string;
}

/** The SSO OIDC calls the sign-in flows make; any other error is thrown as a StsenvError. */
export interface OidcApi {
  /** The endpoint, for messages and for the authorization code flow's /authorize page. */
  endpoint: string;
  registerClient(
    input: RegisterClientInput,
  ): Promise<{ clientId: string; clientSecret: string; clientSecretExpiresAt: number }>;
  /** undefined when the service no longer knows the client (InvalidClientException). */
  startDeviceAuthorization(input: {
    clientId: string;
    clientSecret: string;
    startUrl: string;
  }): Promise<DeviceAuthorization | undefined>;
  createToken(input: { clientId: string; clientSecret: string; deviceCode: string }): Promise<TokenAttempt>;
  /** CreateToken with grant authorization_code and the PKCE verifier. */
  exchangeCode(input: {
    clientId: string;
    clientSecret: string;
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<IssuedToken>;
  /** CreateToken with grant refresh_token; undefined when the refresh token or the client is no longer accepted. */
  refreshToken(input: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  }): Promise<IssuedToken | undefined>;
}
