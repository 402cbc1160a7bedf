import { CycleVerdicts } from '../../../src/engine/cycle-verdicts.js';
import { haveSameV8Shape } from '../../support/same-v8-shape.js';
import { aTarget } from './engine-fakes.js';

describe('CycleVerdicts', () => {
  it("keeps verdicts over no target with the shape of every cycle's verdicts, decided or failed", () => {
    const target = aTarget('sales');
    const figures = { freeSlots: 2, busySlots: 1, waiting: 0, pending: 1 };
    const decided = CycleVerdicts.decided(
      [target],
      [{ id: target.id, invites: 2, reason: 'Paced', message: 'paced', figures }],
      'adaptive',
    );
    const failed = CycleVerdicts.failed([target], { reason: 'PolicyFailed', message: 'the policy threw' });
    expect(haveSameV8Shape(CycleVerdicts.keptShape, decided)).toBe(true);
    expect(haveSameV8Shape(CycleVerdicts.keptShape, failed)).toBe(true);
    // It holds no decision, so it allows nothing to any index: it is kept for its shape, never read.
    expect(CycleVerdicts.keptShape.invitesOf(0)).toBe(0);
    expect(decided.invitesOf(0)).toBe(2);
    expect(failed.invitesOf(0)).toBe(0);
  });
});
