import { hasPacingDecision, isReadyTrue } from '../../bench/scale/ready-watch.js';

const withConditions = (...conditions: { type: string; status: string; reason?: string }[]) => ({
  status: { conditions },
});

describe('the scale bench reading a PacingTarget', () => {
  it('sees Ready only when the Ready condition is True', () => {
    expect(isReadyTrue(withConditions({ type: 'Ready', status: 'True', reason: 'ClusterReady' }))).toBe(true);
    expect(isReadyTrue(withConditions({ type: 'Ready', status: 'False', reason: 'ClusterNotReady' }))).toBe(
      false,
    );
    expect(isReadyTrue({})).toBe(false);
  });

  it('sees a pacing decision in a Pacing condition of any status, and none without one or in a Pending one', () => {
    expect(hasPacingDecision(withConditions({ type: 'Pacing', status: 'True', reason: 'Pacing' }))).toBe(
      true,
    );
    expect(
      hasPacingDecision(withConditions({ type: 'Pacing', status: 'False', reason: 'NoFreeSlots' })),
    ).toBe(true);
    expect(hasPacingDecision(withConditions({ type: 'Pacing', status: 'Unknown', reason: 'Pending' }))).toBe(
      false,
    );
    expect(hasPacingDecision(withConditions({ type: 'Ready', status: 'True', reason: 'ClusterReady' }))).toBe(
      false,
    );
    expect(hasPacingDecision(withConditions({ type: 'Pacing', status: 'True' }))).toBe(false);
  });
});
