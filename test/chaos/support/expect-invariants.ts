import { expect } from '@jest/globals';
import { LEASE_DURATION_MS, type ScenarioFigures } from './chaos-run.js';

/**
 * The invariants every chaos scenario ends with: no (cycle, target) published twice, no publication refused for a
 * stale fencing token except by `fencedPublisher` (a replica the scenario froze mid-publish), no target without a
 * publication for longer than `outageMs` (the time the fault itself made publishing impossible, 0 for most) plus
 * three lease durations, and the accounting identity of the learned state intact. Recovery itself (publishing and
 * fresh Ready status after the fault) was already awaited by {@link ChaosRun.afterFault}.
 */
export function expectInvariants(figures: ScenarioFigures, outageMs = 0, fencedPublisher?: string): void {
  const boundMs = outageMs + 3 * LEASE_DURATION_MS;
  expect(figures.doublePublications).toEqual([]);
  expect(figures.fencedPublications.filter((p) => p.publisher !== fencedPublisher)).toEqual([]);
  expect(figures.gaps.filter((g) => g.gapMs > boundMs)).toEqual([]);
  expect(figures.accountingProblems).toEqual([]);
}
