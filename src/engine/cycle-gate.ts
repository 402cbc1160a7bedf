/**
 * Work that stands back while a pacing cycle runs (the operator's status writes): the cycle has a deadline,
 * the other work does not, and on a small node both compete for the event loop and the API server's CPU.
 */
export interface CycleGate {
  /** Called as a cycle starts; the returned function is called once when it ends, however it ends. */
  enter(): () => void;
}
