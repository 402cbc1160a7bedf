/** Stable codes of the engine's error family; callers branch on these, never on messages. */
export const engineErrorCodes = [
  'PACING_ERR_ENGINE_CONFIG',
  'PACING_ERR_ENGINE_STATE',
  'PACING_ERR_ENGINE_STOPPED',
] as const;

/** One of the engine's error codes. */
export type EngineErrorCode = (typeof engineErrorCodes)[number];

/** Base class of every error the engine throws; keeps the `cause` it wraps. */
export class EngineError extends Error {
  /** Stable machine-readable code. */
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** A worker was configured with values it cannot run with (for example a refresh period of 0). */
export class EngineConfigError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_ENGINE_CONFIG', message, options);
    this.name = 'EngineConfigError';
  }
}

/** Persisted learned state could not be read back (wrong shape or wrong JSON); the worker cold-starts. */
export class EngineStateError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_ENGINE_STATE', message, options);
    this.name = 'EngineStateError';
  }
}
