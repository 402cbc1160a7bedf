import { isSameTargetConfig, type TargetConfig } from '../../../src/engine/index.js';
import { aTarget } from './engine-fakes.js';

describe('isSameTargetConfig', () => {
  const base: TargetConfig = aTarget('sales', {
    groups: [
      { name: 'list', agents: ['a-1', 'a-2'] },
      { name: 'es', skillExpression: 'Spanish > 5' },
    ],
    maxInvitesPerInterval: 4,
  });

  it('says the same for an equal config built anew', () => {
    expect(isSameTargetConfig(base, { ...base, groups: base.groups.map((g) => ({ ...g })) })).toBe(true);
  });

  it.each<[string, Partial<TargetConfig>]>([
    ['the goal', { optimizationGoalPercent: 5 }],
    ['the cap', { maxInvitesPerInterval: undefined }],
    ['pausing', { isPaused: true }],
    ['the media', { media: 'voice' }],
    ['an agent of a list', { groups: [{ name: 'list', agents: ['a-1', 'a-3'] }, base.groups[1]!] }],
    ['a list for an expression', { groups: [base.groups[0]!, { name: 'es', agents: ['a-9'] }] }],
    ['a group fewer', { groups: [base.groups[0]!] }],
  ])('tells a change of %s', (_what, change) => {
    expect(isSameTargetConfig(base, { ...base, ...change })).toBe(false);
  });
});
