import fc from 'fast-check';
import { VirtualQueueClaims } from '../../../src/controller/virtual-queue-claims.js';

const Q = 'tenant/main|Chat:chat';
const V = 'tenant/main|Voice:voice';

describe('VirtualQueueClaims', () => {
  it('gives a queue to its oldest claimant, then the first by key, and a known time before an unknown one', () => {
    const claims = new VirtualQueueClaims();
    expect(claims.claim('tenant/b', Q, 2_000)).toEqual({ holder: 'tenant/b', affected: [] });
    // An older claimant takes the queue over: the holder it displaced is to be reconciled again.
    expect(claims.claim('tenant/c', Q, 1_000)).toEqual({ holder: 'tenant/c', affected: ['tenant/b'] });
    // Same time: the first by key.
    expect(claims.claim('tenant/a', Q, 1_000)).toEqual({ holder: 'tenant/a', affected: ['tenant/c'] });
    expect(claims.claim('tenant/0', Q, Number.NaN)).toEqual({ holder: 'tenant/a', affected: [] });
    expect(claims.holderOf(Q)).toBe('tenant/a');
    expect(claims.holderOf(V)).toBeUndefined();
  });

  it('hands a released queue to the next oldest claimant, who is to be reconciled again', () => {
    const claims = new VirtualQueueClaims();
    claims.claim('tenant/old', Q, 1_000);
    claims.claim('tenant/new', Q, 2_000);

    expect(claims.release('tenant/new')).toEqual([]);
    claims.claim('tenant/new', Q, 2_000);
    expect(claims.release('tenant/old')).toEqual(['tenant/new']);
    expect(claims.holderOf(Q)).toBe('tenant/new');
    expect(claims.release('tenant/new')).toEqual([]);
    expect(claims.holderOf(Q)).toBeUndefined();
    expect(claims.release('tenant/never')).toEqual([]);
  });

  it('lets a holder that moves to another queue hand its old one on', () => {
    const claims = new VirtualQueueClaims();
    claims.claim('tenant/old', Q, 1_000);
    claims.claim('tenant/new', Q, 2_000);

    expect(claims.claim('tenant/old', V, 1_000)).toEqual({ holder: 'tenant/old', affected: ['tenant/new'] });
    expect(claims.holderOf(Q)).toBe('tenant/new');
    // Claiming the same queue again changes nothing.
    expect(claims.claim('tenant/new', Q, 2_000)).toEqual({ holder: 'tenant/new', affected: [] });
  });

  it('always names the oldest live claimant, and reconciling the affected keys converges (property)', () => {
    const key = fc.constantFrom('ns/a', 'ns/b', 'ns/c', 'ns/d');
    const queue = fc.constantFrom(Q, V);
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('claim' as const),
        key,
        queue,
        ms: fc.constantFrom(1_000, 2_000, Number.NaN),
      }),
      fc.record({ kind: fc.constant('release' as const), key }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const claims = new VirtualQueueClaims();
        const live = new Map<string, { queue: string; ms: number }>();
        // What each target last learned of its own standing, as a reconciler would have set its condition.
        const believesHolder = new Map<string, boolean>();
        const reconcile = (k: string): void => {
          const wanted = live.get(k);
          if (wanted === undefined) return;
          const { holder, affected } = claims.claim(k, wanted.queue, wanted.ms);
          believesHolder.set(k, holder === k);
          affected.forEach(reconcile);
        };
        for (const s of steps) {
          if (s.kind === 'claim') {
            live.set(s.key, { queue: s.queue, ms: s.ms });
            reconcile(s.key);
          } else {
            live.delete(s.key);
            believesHolder.delete(s.key);
            claims.release(s.key).forEach(reconcile);
          }
        }
        for (const q of [Q, V]) {
          const claimants = [...live].filter(([, c]) => c.queue === q);
          const oldest = claimants.sort(([ka, a], [kb, b]) => {
            if (Number.isNaN(a.ms) !== Number.isNaN(b.ms)) return Number.isNaN(a.ms) ? 1 : -1;
            if (!Number.isNaN(a.ms) && a.ms !== b.ms) return a.ms - b.ms;
            return ka < kb ? -1 : 1;
          })[0]?.[0];
          expect(claims.holderOf(q)).toBe(oldest);
          // Exactly the holder believes it paces the queue: nobody was left thinking it did after losing it.
          for (const [k] of claimants) expect(believesHolder.get(k)).toBe(k === oldest);
        }
      }),
      // Enough runs to meet a holder claiming its queue again with a later time (a recreated object).
      { numRuns: 500 },
    );
  });
});
