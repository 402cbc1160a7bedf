import type { Observation } from './observation.js';

/**
 * The dial-ratio formula: keep `L` interactions in flight (busy, waiting or pending) per staffed slot:
 * `k = max(0, round(L·(F + B)) − (B + Q + P))`.
 */
export function invitesAtRatio(obs: Observation, ratio: number): number {
  const inFlight = obs.busySlots + obs.waiting + obs.pending;
  return Math.max(0, Math.round(ratio * (obs.freeSlots + obs.busySlots)) - Math.round(inFlight));
}
