/** One PacingTarget's claim on a virtual queue and media of its cluster. */
interface Claim {
  /** `namespace/cluster` and the target id (`virtualQueue:media`): what two targets must not both pace. */
  readonly queue: string;
  /** When the target was created (ms since the epoch); NaN when unknown, which ranks after every known time. */
  readonly createdAtMs: number;
}

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
 * queue. Fed by the reconciler, so it knows the targets reconciled so far; a holder that goes away hands the queue
 * to the next oldest claimant, which the caller reconciles again.
 */
export class VirtualQueueClaims {
  readonly #claimOf = new Map<string, Claim>();
  readonly #claimants = new Map<string, Set<string>>();

  /** Records that target `key` (created at `createdAtMs`) paces `queue`, and says who holds `queue` now. */
  claim(key: string, queue: string, createdAtMs: number): ClaimOutcome {
    const before = this.#claimOf.get(key);
    const affected: string[] = [];
    if (before !== undefined && before.queue !== queue) this.#leave(key, before.queue, affected);
    const holderBefore = this.holderOf(queue);
    this.#claimOf.set(key, { queue, createdAtMs });
    let claimants = this.#claimants.get(queue);
    if (claimants === undefined) {
      claimants = new Set();
      this.#claimants.set(queue, claimants);
    }
    claimants.add(key);
    const holder = this.holderOf(queue)!;
    noteChange(key, holderBefore, holder, affected);
    return { holder, affected };
  }

  /** Forgets target `key`'s claim (deleted, invalid, or its cluster not pacing); returns the targets to reconcile. */
  release(key: string): readonly string[] {
    const before = this.#claimOf.get(key);
    if (before === undefined) return [];
    const affected: string[] = [];
    this.#leave(key, before.queue, affected);
    return affected;
  }

  /** The key of the target pacing `queue`: the oldest claimant, then the first by key; undefined when none. */
  holderOf(queue: string): string | undefined {
    let holder: string | undefined;
    let holderMs = Number.NaN;
    for (const key of this.#claimants.get(queue) ?? []) {
      const ms = this.#claimOf.get(key)!.createdAtMs;
      if (holder === undefined || ranksBefore(ms, key, holderMs, holder)) {
        holder = key;
        holderMs = ms;
      }
    }
    return holder;
  }

  #leave(key: string, queue: string, affected: string[]): void {
    const holderBefore = this.holderOf(queue);
    this.#claimOf.delete(key);
    const claimants = this.#claimants.get(queue);
    claimants?.delete(key);
    if (claimants?.size === 0) this.#claimants.delete(queue);
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

/** True when a claim created at `ms` by `key` ranks before one created at `otherMs` by `otherKey`. */
function ranksBefore(ms: number, key: string, otherMs: number, otherKey: string): boolean {
  const isKnown = !Number.isNaN(ms);
  const isOtherKnown = !Number.isNaN(otherMs);
  if (isKnown !== isOtherKnown) return isKnown;
  if (isKnown && ms !== otherMs) return ms < otherMs;
  return key < otherKey;
}
