/** Base of the simulator's errors: a stable `code` and the `cause` kept. */
export class SimulationError extends Error {
  /** Stable code, `PACING_ERR_*`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulationError';
    this.code = code;
  }
}

/** A scenario file is unreadable or invalid. */
export class ScenarioError extends SimulationError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_SCENARIO_INVALID', message, options);
    this.name = 'ScenarioError';
  }
}
