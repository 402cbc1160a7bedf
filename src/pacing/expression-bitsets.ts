import type { AgentInput } from './pacing-input.js';
import { SkillBitsetEvaluator } from './skill-bitset-evaluator.js';
import { parseSkillExpression } from './skill-expression.js';

/**
 * The agents matching each distinct skill expression of one snapshot, as bitsets, and how many they are: each
 * expression is parsed and evaluated once per snapshot however many targets use it. An unparsable expression
 * yields its parse error's message instead.
 */
export class ExpressionBitsets {
  readonly #agents: readonly AgentInput[];
  #evaluator: SkillBitsetEvaluator | undefined;
  readonly #bits = new Map<string, Uint32Array | string>();
  readonly #counts = new Map<string, number>();

  constructor(agents: readonly AgentInput[]) {
    this.#agents = agents;
  }

  /** The matching agents (bit i of word i >>> 5), or the parse error's message; cached: read, never write. */
  bits(expression: string): Uint32Array | string {
    let matched = this.#bits.get(expression);
    if (matched === undefined) {
      try {
        const expr = parseSkillExpression(expression);
        this.#evaluator ??= new SkillBitsetEvaluator(this.#agents);
        matched = this.#evaluator.matchingBits(expr);
      } catch (error) {
        matched = error instanceof Error ? error.message : String(error);
      }
      this.#bits.set(expression, matched);
    }
    return matched;
  }

  /** How many agents match (0 for an unparsable expression). */
  count(expression: string): number {
    let count = this.#counts.get(expression);
    if (count === undefined) {
      const matched = this.bits(expression);
      count = 0;
      if (typeof matched !== 'string')
        for (let w = 0; w < matched.length; w++) count += bitCount(matched[w]!);
      this.#counts.set(expression, count);
    }
    return count;
  }
}

/** Set bits of a 32-bit word (the classic parallel sum: no loop per bit). */
function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
