/**
 * The answers of recent exchange chunks by their key, as JSON text, so that a repeated chunk (a client's retry) is
 * answered the same without being applied again. Kept as text rather than objects: a large platform's answers
 * were 2,500 small arrays each, a thousand of them, all for the garbage collector to trace in the reference
 * server that the scale bench's cycles wait on. Bounded by count and by characters, the oldest dropped first.
 */
export class RecentAnswers {
  readonly #texts = new Map<string, string>();
  readonly #maxCount: number;
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxCount = 1_000, maxChars = 16 * 1024 * 1024) {
    this.#maxCount = maxCount;
    this.#maxChars = maxChars;
  }

  /** The answer kept for `key`, if any. */
  get(key: string): string | undefined {
    return this.#texts.get(key);
  }

  /** Keeps `text` for `key`, dropping the oldest answers beyond the bounds (never the one just kept). */
  set(key: string, text: string): void {
    this.#forget(key);
    this.#texts.set(key, text);
    this.#chars += text.length;
    for (const oldest of this.#texts.keys()) {
      if (this.#texts.size <= 1 || (this.#texts.size <= this.#maxCount && this.#chars <= this.#maxChars))
        break;
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const text = this.#texts.get(key);
    if (text === undefined) return;
    this.#chars -= text.length;
    this.#texts.delete(key);
  }
}
