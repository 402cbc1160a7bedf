/** Secret values a worker's clients need, read from the cluster's Secrets by the controller. Never logged. */
export interface WorkerCredentials {
  /** OAuth2 client id. */
  readonly clientId: string;
  /** OAuth2 client secret. */
  readonly clientSecret: string;
  /** Bearer token of the statistics source, when one is configured. */
  readonly statsBearerToken?: string | undefined;
  /** PEM CA bundle of the statistics source, when one is configured. */
  readonly statsCa?: string | undefined;
  /** Forward proxy user and password, when configured. */
  readonly proxy?: { readonly username: string; readonly password: string } | undefined;
}
