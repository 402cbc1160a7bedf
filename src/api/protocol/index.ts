// Public surface of the wire protocols shared by the clients (src/stats, src/engagement) and the reference
// servers (src/sim). Imported directly as 'src/api/protocol/index.js', beside src/api/index.ts.
export * from './stats-snapshot.js';
export * from './stats-snapshot-table.js';
export * from './agent-decode-memory.js';
export * from './stats-snapshot-queue-table.js';
export * from './roster-tag.js';
export * from './stats-selection.js';
export * from './engagement-exchange.js';
export * from './engagement-wire-codec.js';
export * from './fencing-token.js';
export * from './read-bounded-body.js';
export * from './fast-checked-schema.js';
export * from './retry-after.js';
