// Public surface of the engagement room: the exchange client, OAuth2 client-credentials tokens, the (proxy)
// dispatcher, retry helpers and the error family the alarms map.
export * from './errors.js';
export * from './engagement-client.js';
export * from './client-credentials-token-source.js';
export * from './engagement-dispatcher.js';
export * from './retry-backoff.js';
