/** What a claim decided: who paces the queue now, and which other targets must be reconciled again. */
export interface ClaimOutcome {
  /** The key of the target that paces the queue. */
  readonly holder: string;
  /** Targets whose standing changed with this call (a holder that lost the queue, say): reconcile them again. */
  readonly affected: readonly string[];
}

/**
 * Which PacingTarget paces each virtual queue and media of a cluster when several name the same one. The platform
 * holds one allowance per queue and media, so two targets would overwrite each other's; the vendor's model is one
 * pacing target per queue and media with every agent group in it. As Gateway API settles conflicting routes, the
 * oldest target wins (creation time, then namespace/name), and the others wait, each told which target holds the
 * queue. A holder that goes away hands the queue to the next oldest claimant, which the caller reconciles again.
 *
 * Every target has a claim, so it is kept small (about 100 bytes a target; a set per queue and an object per claim
 * took 300, 9 MiB at 30,000 targets): a queue's only claimant is its key itself, and creation times are whole
 * seconds (what the API server stamps), which V8 stores unboxed.
 */
export class VirtualQueueClaims {
  /** Target key → the queue it claims (`namespace/cluster|virtualQueue:media`). */
  readonly #queueOf = new Map<string, string>();
  /** Target key → creation time in seconds since the epoch; absent when unknown, which ranks after every time. */
  readonly #createdAtS = new Map<string, number>();
  /** Queue → the key of its only claimant, or the keys of several. */
  readonly #claimants = new Map<string, string | string[]>();

  /**
   * Records that target `key` (created at `createdAtMs`, NaN when unknown) paces `queue`, and says who holds
   * `queue` now.
   */
  claim(key: string, queue: string, createdAtMs: number): ClaimOutcome {
    const affected: string[] = [];
    const before = this.#queueOf.get(key);
    if (before !== undefined && before !== queue) this.#leave(key, before, affected);
    const holderBefore = this.holderOf(queue);
    const createdAtS = Math.floor(createdAtMs / 1000);
    if (Number.isFinite(createdAtS)) this.#createdAtS.set(key, createdAtS);
    else this.#createdAtS.delete(key);
    if (before !== queue) {
      this.#queueOf.set(key, queue);
      const claimants = this.#claimants.get(queue);
      if (claimants === undefined) this.#claimants.set(queue, key);
      else if (typeof claimants === 'string') this.#claimants.set(queue, [claimants, key]);
      else claimants.push(key);
    }
    const holder = this.holderOf(queue)!;
    noteChange(key, holderBefore, holder, affected);
    return { holder, affected };
  }

  /** Forgets target `key`'s claim (deleted, invalid, or its cluster not pacing); returns the targets to reconcile. */
  release(key: string): readonly string[] {
    const queue = this.#queueOf.get(key);
    if (queue === undefined) return [];
    const affected: string[] = [];
    this.#leave(key, queue, affected);
    return affected;
  }

  /** The key of the target pacing `queue`: the oldest claimant, then the first by key; undefined when none. */
  holderOf(queue: string): string | undefined {
    const claimants = this.#claimants.get(queue);
    if (claimants === undefined || typeof claimants === 'string') return claimants;
    let holder = claimants[0]!;
    for (let i = 1; i < claimants.length; i++) {
      if (this.#ranksBefore(claimants[i]!, holder)) holder = claimants[i]!;
    }
    return holder;
  }

  /** True when target `key`'s claim ranks before `other`'s: created earlier, a known time first, then by key. */
  #ranksBefore(key: string, other: string): boolean {
    const s = this.#createdAtS.get(key);
    const otherS = this.#createdAtS.get(other);
    if ((s === undefined) !== (otherS === undefined)) return s !== undefined;
    if (s !== undefined && otherS !== undefined && s !== otherS) return s < otherS;
    return key < other;
  }

  #leave(key: string, queue: string, affected: string[]): void {
    const holderBefore = this.holderOf(queue);
    this.#queueOf.delete(key);
    this.#createdAtS.delete(key);
    const claimants = this.#claimants.get(queue);
    if (claimants === key) this.#claimants.delete(queue);
    else if (Array.isArray(claimants)) {
      const rest = claimants.filter((k) => k !== key);
      this.#claimants.set(queue, rest.length === 1 ? rest[0]! : rest);
    }
    noteChange(key, holderBefore, this.holderOf(queue), affected);
  }
}

/**
 * Adds to `affected` the targets other than `caller` whose standing changed when a queue's holder went from `before`
 * to `after`: the one that lost it and the one that gained it.
 */
function noteChange(
  caller: string,
  before: string | undefined,
  after: string | undefined,
  affected: string[],
): void {
  if (before === after) return;
  if (before !== undefined && before !== caller) affected.push(before);
  if (after !== undefined && after !== caller) affected.push(after);
}
