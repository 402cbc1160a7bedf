import { validatePacingTarget } from '../../../src/api/index.js';
import { aPacingTarget, aTargetSpec, withField } from '../../support/pacing-manifests.js';

describe('validatePacingTarget', () => {
  it('accepts a minimal target and applies the schema defaults', () => {
    const result = validatePacingTarget(aPacingTarget(aTargetSpec()));
    expect(result.isValid).toBe(true);
    if (!result.isValid) return;
    expect(result.target.spec.paused).toBe(false);
    expect(result.target.spec.optimizationGoal).toBeUndefined();
    expect(result.agentGroups).toEqual([{ name: 'Chat Agents', kind: 'agents', agents: ['a-1', 'a-2'] }]);
  });

  it('parses the skill expression of a virtual group', () => {
    const spec = withField(aTargetSpec(), 'agentGroups', [
      { name: 'Spanish', skillExpression: 'Spanish > 5' },
    ]);
    const result = validatePacingTarget(aPacingTarget(spec));
    expect(result.isValid && result.agentGroups[0]).toEqual({
      name: 'Spanish',
      kind: 'skillExpression',
      skillExpression: 'Spanish > 5',
      expression: { kind: 'comparison', skill: 'Spanish', operator: '>', level: 5 },
    });
  });

  it.each<[string, string, string]>([
    ['reports a missing level with its position', 'Spanish >', 'at position 9 expected a skill level'],
    ['reports an unparenthesised mix of & and |', 'a>1 & b>1 | c>1', 'use parentheses to mix'],
  ])('%s', (_name, expression, expected) => {
    const spec = withField(aTargetSpec(), 'agentGroups', [
      { name: 'ok', agents: ['a'] },
      { name: 'bad', skillExpression: expression },
    ]);
    const result = validatePacingTarget(aPacingTarget(spec));
    expect(!result.isValid && result.message).toContain(expected);
    expect(result).toEqual({
      isValid: false,
      reason: 'InvalidSkillExpression',
      field: 'spec.agentGroups[1].skillExpression',
      message: expect.stringMatching(
        /^spec\.agentGroups\[1\]\.skillExpression: skill expression: at position /,
      ),
    });
  });

  it('reports up to three schema problems in one message and counts the rest', () => {
    const spec = { virtualQueue: { name: '', media: 'Chat Voice' }, agentGroups: [], optimizationGoal: 200 };
    const result = validatePacingTarget(aPacingTarget(spec));
    expect(result.isValid).toBe(false);
    if (result.isValid) return;
    expect(result.field).toBe('spec.clusterRef');
    expect(result.message.split('; ')).toHaveLength(4);
    expect(result.message).toMatch(/and \d+ more$/);
  });

  it('refuses an object of another kind', () => {
    const result = validatePacingTarget({ ...aPacingTarget(aTargetSpec()), kind: 'PacingCluster' });
    expect(result).toMatchObject({ isValid: false, field: 'kind' });
  });

  it('never throws on arbitrary input', () => {
    for (const input of [undefined, null, 42, 'x', [], {}, { spec: null }]) {
      expect(validatePacingTarget(input).isValid).toBe(false);
    }
  });
});
