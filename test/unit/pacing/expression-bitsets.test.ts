import { ExpressionBitsets } from '../../../src/pacing/expression-bitsets.js';
import type { AgentInput } from '../../../src/pacing/index.js';

/** 70 agents (more than two 32-bit words) with Spanish level i % 4. */
const agents: AgentInput[] = Array.from({ length: 70 }, (_, i) => ({
  id: `a${i}`,
  groups: [],
  skills: { Spanish: i % 4 },
  media: {},
}));

describe('the skill expression bitsets of a snapshot', () => {
  it('counts the matching agents, as many as the bits set', () => {
    const bitsets = new ExpressionBitsets(agents);
    expect(bitsets.count('Spanish = 1')).toBe(18);
    expect(bitsets.count('Spanish >= 0')).toBe(70);
    expect(bitsets.count('Spanish > 3')).toBe(0);
    const bits = bitsets.bits('Spanish = 1');
    expect(typeof bits).not.toBe('string');
    let set = 0;
    for (let i = 0; i < 70; i++) if (((bits as Uint32Array)[i >>> 5]! >>> (i & 31)) & 1) set++;
    expect(set).toBe(18);
  });

  it('answers the parse error for an unparsable expression, and counts no agent for it', () => {
    const bitsets = new ExpressionBitsets(agents);
    expect(typeof bitsets.bits('Spanish >=')).toBe('string');
    expect(bitsets.count('Spanish >=')).toBe(0);
  });

  it('evaluates an expression once however often it is asked for', () => {
    const bitsets = new ExpressionBitsets(agents);
    expect(bitsets.bits('Spanish = 2')).toBe(bitsets.bits('Spanish = 2'));
  });
});
