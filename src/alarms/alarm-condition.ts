import { assertValidAlarmTiming, type AlarmTiming } from './alarm-timing.js';

/** A change of state reported by {@link AlarmCondition.observe}. */
export type AlarmTransition = 'detected' | 'cancelled';

/**
 * The state machine of one alarm for one subject: inactive → (breach held `detectAfterMs`) → active →
 * (clear held `cancelAfterMs`) → inactive. An opposite observation restarts the pending timer, so a blip
 * neither detects nor cancels. Time comes in with each observation; a clock that steps back counts as no time.
 */
export class AlarmCondition {
  #timing: AlarmTiming;
  #isActive = false;
  /** When the current unbroken run of opposite observations began (breaches while inactive, clears while active). */
  #pendingSinceMs: number | undefined;

  /** Throws `AlarmConfigError` when a delay is negative. */
  constructor(timing: AlarmTiming) {
    assertValidAlarmTiming(timing, 'alarm timing');
    this.#timing = { ...timing };
  }

  /** True between a detection and the matching cancellation. */
  get isActive(): boolean {
    return this.#isActive;
  }

  /** True when inactive with no breach pending: the condition holds no information worth keeping. */
  get isIdle(): boolean {
    return !this.#isActive && this.#pendingSinceMs === undefined;
  }

  /** Replaces the delays; a pending run is measured against the new ones from the next observation on. */
  retime(timing: AlarmTiming): void {
    assertValidAlarmTiming(timing, 'alarm timing');
    this.#timing = { ...timing };
  }

  /** Feeds one observation at `nowMs`; returns the transition it causes, if any. */
  observe(isBreaching: boolean, nowMs: number): AlarmTransition | undefined {
    const isOpposite = isBreaching !== this.#isActive;
    if (!isOpposite) {
      this.#pendingSinceMs = undefined;
      return undefined;
    }
    this.#pendingSinceMs ??= nowMs;
    const heldMs = Math.max(0, nowMs - this.#pendingSinceMs);
    const neededMs = this.#isActive ? this.#timing.cancelAfterMs : this.#timing.detectAfterMs;
    if (heldMs < neededMs) return undefined;
    this.#isActive = !this.#isActive;
    this.#pendingSinceMs = undefined;
    return this.#isActive ? 'detected' : 'cancelled';
  }

  /** Cancels at once, without waiting (the subject went away); returns whether it was active. */
  reset(): boolean {
    const wasActive = this.#isActive;
    this.#isActive = false;
    this.#pendingSinceMs = undefined;
    return wasActive;
  }
}
