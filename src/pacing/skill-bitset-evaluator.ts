import type { AgentInput } from './pacing-input.js';
import type { SkillComparison, SkillExpression } from './skill-expression.js';

/**
 * Evaluates skill expressions over every agent of a snapshot at once, as bitsets (one bit per agent).
 *
 * Matching each distinct expression against each agent costs expressions × agents (100 expressions over 50,000
 * agents is 5 million evaluations a cycle). Here the agents' skills are indexed once per snapshot; each distinct
 * comparison (`Spanish >= 3`) scans only the agents that have that skill and is cached; `&`, `|` and `!` are
 * word-wise operations on 32-bit words. The meaning is that of `matchesSkillExpression`: a skill the agent lacks
 * counts as level 0.
 */
export class SkillBitsetEvaluator {
  readonly #agentCount: number;
  readonly #words: number;
  readonly #bySkill = new Map<string, { agents: number[]; levels: number[] }>();
  readonly #comparisons = new Map<string, Uint32Array>();

  constructor(agents: readonly AgentInput[]) {
    this.#agentCount = agents.length;
    this.#words = Math.ceil(agents.length / 32);
    for (let i = 0; i < agents.length; i++) {
      const skills = agents[i]!.skills;
      for (const skill in skills) {
        if (!Object.hasOwn(skills, skill)) continue;
        const level = skills[skill];
        if (typeof level !== 'number') continue;
        let entry = this.#bySkill.get(skill);
        if (!entry) {
          entry = { agents: [], levels: [] };
          this.#bySkill.set(skill, entry);
        }
        entry.agents.push(i);
        entry.levels.push(level);
      }
    }
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
        for (const operand of expr.operands.slice(1)) {
          const bits = this.#evaluate(operand);
          if (expr.kind === 'and') for (let w = 0; w < out.length; w++) out[w]! &= bits[w]!;
          else for (let w = 0; w < out.length; w++) out[w]! |= bits[w]!;
        }
        return out;
      }
    }
  }

  #comparison(expr: SkillComparison): Uint32Array {
    const key = `${expr.skill}\u0000${expr.operator}\u0000${expr.level}`;
    const cached = this.#comparisons.get(key);
    if (cached) return cached;
    const test = compare(expr.operator, expr.level);
    const out = new Uint32Array(this.#words);
    const entry = this.#bySkill.get(expr.skill);
    if (test(0)) {
      // Agents without the skill are level 0 and match: start from everyone, then correct those who have it.
      out.fill(0xffffffff);
      this.#clearTail(out);
      if (entry) {
        for (let k = 0; k < entry.agents.length; k++) {
          if (!test(entry.levels[k]!)) out[entry.agents[k]! >>> 5]! &= ~(1 << (entry.agents[k]! & 31));
        }
      }
    } else if (entry) {
      for (let k = 0; k < entry.agents.length; k++) {
        if (test(entry.levels[k]!)) out[entry.agents[k]! >>> 5]! |= 1 << (entry.agents[k]! & 31);
      }
    }
    this.#comparisons.set(key, out);
    return out;
  }

  #clearTail(bits: Uint32Array): void {
    const used = this.#agentCount & 31;
    if (used !== 0 && bits.length > 0) bits[bits.length - 1]! &= (1 << used) - 1;
  }
}

function compare(operator: SkillComparison['operator'], wanted: number): (level: number) => boolean {
  switch (operator) {
    case '=':
      return (level) => level === wanted;
    case '!=':
      return (level) => level !== wanted;
    case '>=':
      return (level) => level >= wanted;
    case '<=':
      return (level) => level <= wanted;
    case '>':
      return (level) => level > wanted;
    case '<':
      return (level) => level < wanted;
  }
}
