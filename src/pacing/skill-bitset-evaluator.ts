import type { AgentInput } from './pacing-input.js';
import type { SkillComparison, SkillExpression } from './skill-expression.js';
import { compareLevelBuckets, skillLevelBuckets } from './skill-level-buckets.js';

/**
 * Evaluates skill expressions over every agent of a snapshot at once, as bitsets (one bit per agent).
 *
 * Matching each distinct expression against each agent costs expressions × agents (100 expressions over 50,000
 * agents is 5 million evaluations a cycle). Here each skill an expression names is read from every agent once
 * per snapshot into a typed array of levels; each distinct comparison (`Spanish >= 3`) is one tight loop over
 * that array and is cached; `&`, `|` and `!` are word-wise operations on 32-bit words. The meaning is that of
 * `matchesSkillExpression`: a skill the agent lacks counts as level 0.
 */
export class SkillBitsetEvaluator {
  readonly #agents: readonly AgentInput[];
  readonly #words: number;
  readonly #levelsBySkill = new Map<string, Float64Array>();
  readonly #comparisons = new Map<string, Uint32Array>();
  readonly #bucketsBySkill = new Map<string, (Uint32Array | undefined)[] | undefined>();

  constructor(agents: readonly AgentInput[]) {
    this.#agents = agents;
    this.#words = Math.ceil(agents.length / 32);
  }

  /** The agents (indexes, ascending) matching the expression. */
  matchingAgents(expr: SkillExpression): number[] {
    const bits = this.#evaluate(expr);
    const out: number[] = [];
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        out.push(w * 32 + bit);
        word &= word - 1;
      }
    }
    return out;
  }

  /** The agents matching the expression as a bitset (bit i of word i >>> 5); may be cached: read, never write. */
  matchingBits(expr: SkillExpression): Uint32Array {
    return this.#evaluate(expr);
  }

  #evaluate(expr: SkillExpression): Uint32Array {
    switch (expr.kind) {
      case 'comparison':
        return this.#comparison(expr);
      case 'not': {
        const operand = this.#evaluate(expr.operand);
        const out = new Uint32Array(this.#words);
        for (let w = 0; w < out.length; w++) out[w] = ~operand[w]!;
        this.#clearTail(out);
        return out;
      }
      case 'and':
      case 'or': {
        const out = this.#evaluate(expr.operands[0]!).slice();
        for (let o = 1; o < expr.operands.length; o++) {
          const bits = this.#evaluate(expr.operands[o]!);
          if (expr.kind === 'and') for (let w = 0; w < out.length; w++) out[w]! &= bits[w]!;
          else for (let w = 0; w < out.length; w++) out[w]! |= bits[w]!;
        }
        return out;
      }
    }
  }

  /** Every agent's level of `skill` (0 when the agent lacks it or it is not a number), read once per snapshot. */
  #levels(skill: string): Float64Array {
    const cached = this.#levelsBySkill.get(skill);
    if (cached) return cached;
    const agents = this.#agents;
    const levels = new Float64Array(agents.length);
    for (let i = 0; i < agents.length; i++) {
      const skills = agents[i]!.skills;
      if (!Object.hasOwn(skills, skill)) continue;
      const level = skills[skill];
      if (typeof level === 'number') levels[i] = level;
    }
    this.#levelsBySkill.set(skill, levels);
    return levels;
  }

  #comparison(expr: SkillComparison): Uint32Array {
    const key = `${expr.skill}\u0000${expr.operator}\u0000${expr.level}`;
    const cached = this.#comparisons.get(key);
    if (cached) return cached;
    const levels = this.#levels(expr.skill);
    const wanted = expr.level;
    let buckets = this.#bucketsBySkill.get(expr.skill);
    if (!this.#bucketsBySkill.has(expr.skill)) {
      buckets = skillLevelBuckets(levels, this.#words);
      this.#bucketsBySkill.set(expr.skill, buckets);
    }
    if (buckets !== undefined) {
      const matched = compareLevelBuckets(buckets, expr.operator, wanted, this.#words);
      this.#comparisons.set(key, matched);
      return matched;
    }
    const out = new Uint32Array(this.#words);
    // One loop per operator: a comparison closure called 50,000 times would cost more than the loop itself. Each
    // word is gathered in a local and stored once, not read and written back for every agent.
    const n = levels.length;
    for (let w = 0; w < out.length; w++) {
      const base = w * 32;
      const end = Math.min(n, base + 32) - base;
      let word = 0;
      switch (expr.operator) {
        case '=':
          for (let b = 0; b < end; b++) word |= (levels[base + b] === wanted ? 1 : 0) << b;
          break;
        case '!=':
          for (let b = 0; b < end; b++) word |= (levels[base + b] !== wanted ? 1 : 0) << b;
          break;
        case '>=':
          for (let b = 0; b < end; b++) word |= (levels[base + b]! >= wanted ? 1 : 0) << b;
          break;
        case '<=':
          for (let b = 0; b < end; b++) word |= (levels[base + b]! <= wanted ? 1 : 0) << b;
          break;
        case '>':
          for (let b = 0; b < end; b++) word |= (levels[base + b]! > wanted ? 1 : 0) << b;
          break;
        case '<':
          for (let b = 0; b < end; b++) word |= (levels[base + b]! < wanted ? 1 : 0) << b;
          break;
      }
      out[w] = word;
    }
    this.#comparisons.set(key, out);
    return out;
  }

  #clearTail(bits: Uint32Array): void {
    const used = this.#agents.length & 31;
    if (used !== 0 && bits.length > 0) bits[bits.length - 1]! &= (1 << used) - 1;
  }
}
