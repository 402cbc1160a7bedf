import type { AgentInput } from './pacing-input.js';

/**
 * The agent ids of one snapshot, in its order, and the `agents` lists of agent groups resolved against them.
 * Handed from round to round: while a source lists the same agents in the same order (the usual case), a round
 * checks the ids in one sequential pass and reuses every list it resolved before, instead of looking 50,000 ids
 * up in a map in random order each round (about 20 ms of a 10,000-target decision in the operator). Lists are
 * remembered by identity, so they must not be changed after use (target inputs are immutable).
 */
export class AgentIndex {
  readonly #ids: readonly string[];
  #byId: Map<string, number> | undefined;
  readonly #lists = new WeakMap<readonly string[], readonly number[]>();

  private constructor(ids: readonly string[]) {
    this.#ids = ids;
  }

  /** `hint` when it was built for agents with these ids in this order, else a new index of `agents`. */
  static of(agents: readonly AgentInput[], hint?: AgentIndex): AgentIndex {
    if (hint !== undefined && hint.#isFor(agents)) return hint;
    const ids = new Array<string>(agents.length);
    for (let i = 0; i < agents.length; i++) ids[i] = agents[i]!.id;
    return new AgentIndex(ids);
  }

  /** The snapshot index of each id of `list`, -1 for an id the snapshot does not list (remembered per list). */
  indexesOf(list: readonly string[]): readonly number[] {
    let indexes = this.#lists.get(list);
    if (indexes === undefined) {
      const byId = this.#byIdMap();
      indexes = list.map((id) => byId.get(id) ?? -1);
      this.#lists.set(list, indexes);
    }
    return indexes;
  }

  /** The snapshot index of agent `id`, undefined when the snapshot does not list it. */
  indexOf(id: string): number | undefined {
    return this.#byIdMap().get(id);
  }

  #isFor(agents: readonly AgentInput[]): boolean {
    const ids = this.#ids;
    if (agents.length !== ids.length) return false;
    for (let i = 0; i < agents.length; i++) if (agents[i]!.id !== ids[i]) return false;
    return true;
  }

  #byIdMap(): Map<string, number> {
    if (this.#byId === undefined) {
      const byId = new Map<string, number>();
      // A repeated id (a malformed snapshot) resolves to its last entry, as it always has.
      for (let i = 0; i < this.#ids.length; i++) byId.set(this.#ids[i]!, i);
      this.#byId = byId;
    }
    return this.#byId;
  }
}
