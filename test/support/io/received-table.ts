import { StatsSnapshotTableV2Schema, type StatsSnapshotTableV2 } from '../../../src/api/protocol/index.js';

/** A version 2 statistics answer as a client receives it: JSON text, then the schema. */
export function receivedTableV2(table: unknown): StatsSnapshotTableV2 {
  return StatsSnapshotTableV2Schema.parse(JSON.parse(JSON.stringify(table)));
}
