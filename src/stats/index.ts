// Public surface of the statistics room: the HTTP snapshot client, its dispatcher and its error family.
export * from './errors.js';
export * from './stats-client.js';
export * from './stats-dispatcher.js';
