import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Where a process's memory sits, in bytes: what V8 has committed per kind of space (the young generation, the old
 * generation, large objects, everything else: code, trusted and read-only spaces), what of it is in use, and what
 * lives outside the V8 heap (Buffers, ArrayBuffers, strings held by native code).
 */
export interface MemoryBreakdown {
  /** Committed by the young generation (both semi-spaces), large young objects included. */
  readonly youngBytes: number;
  /** Committed by the old generation. */
  readonly oldBytes: number;
  /** Committed by large-object spaces (old large objects, code and trusted large objects). */
  readonly largeObjectBytes: number;
  /** Committed by every other space (code, trusted, shared, read-only). */
  readonly otherBytes: number;
  /** In use across every space. */
  readonly usedBytes: number;
  /** Memory outside the V8 heap that V8 knows of (Buffers and ArrayBuffers among it). */
  readonly externalBytes: number;
}

/** True for the V8 heap spaces that make up the young generation (by `getHeapSpaceStatistics` name). */
export function isYoungSpace(spaceName: string): boolean {
  return spaceName === 'new_space' || spaceName === 'new_large_object_space';
}

/** Reads the current {@link MemoryBreakdown} (about 16 µs; meant for between cycles, not per target). */
export function readMemoryBreakdown(): MemoryBreakdown {
  let youngBytes = 0;
  let oldBytes = 0;
  let largeObjectBytes = 0;
  let otherBytes = 0;
  let usedBytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    usedBytes += space.space_used_size;
    const size = space.space_size;
    if (isYoungSpace(space.space_name)) youngBytes += size;
    else if (space.space_name === 'old_space') oldBytes += size;
    else if (space.space_name.endsWith('large_object_space')) largeObjectBytes += size;
    else otherBytes += size;
  }
  return {
    youngBytes,
    oldBytes,
    largeObjectBytes,
    otherBytes,
    usedBytes,
    externalBytes: process.memoryUsage().external,
  };
}
