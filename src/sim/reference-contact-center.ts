/**
 * What the reference servers need from a running simulation: the simulator's live seam
 * (`createLiveContactCenter` in live-contact-center.ts), under the name the servers use.
 */
export type { LiveContactCenter as ReferenceContactCenter } from './live-contact-center.js';
