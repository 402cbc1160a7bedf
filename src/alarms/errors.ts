/** Base of the alarms room's errors; `code` is stable, callers branch on it. */
export class AlarmsError extends Error {
  /** Stable machine-readable code, e.g. `PACING_ERR_ALARM_CONFIG`. */
  readonly code: string;

  /** Builds an error with a stable code, keeping the cause. */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Alarm options that cannot work (negative delays, non-finite thresholds); thrown at construction. */
export class AlarmConfigError extends AlarmsError {
  /** Names the option at fault in the message. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_ALARM_CONFIG', message, options);
  }
}
