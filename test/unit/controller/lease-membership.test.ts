import type { V1Lease } from '@kubernetes/client-node';
import { LeaseMembership, memberLeaseName } from '../../../src/controller/lease-membership.js';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);

function member(identity: string, renewSecond: number, holder = identity): V1Lease {
  return {
    metadata: { name: memberLeaseName('op', identity) },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: 4,
      renewTime: new Date(T0 + renewSecond * 1000).toISOString() as unknown as Date,
    },
  };
}

describe('LeaseMembership', () => {
  it('names a member Lease after the base name and a hash of the identity', () => {
    expect(memberLeaseName('op', 'replica-a')).toMatch(/^op-member-[0-9a-f]{8}$/);
    expect(memberLeaseName('op', 'replica-a')).not.toBe(memberLeaseName('op', 'replica-b'));
  });

  it('counts a member alive while its record keeps changing, dead a lease duration after it stopped', () => {
    const membership = new LeaseMembership('op');
    membership.observe([member('a', 0), member('b', 0)], T0);
    membership.observe([member('a', 2), member('b', 2)], T0 + 2000);
    // b stops renewing at second 2; a keeps going.
    membership.observe([member('a', 4), member('b', 2)], T0 + 4000);
    expect(membership.alive(T0 + 5900, 'self')).toEqual(['a', 'b', 'self']);

    membership.observe([member('a', 6), member('b', 2)], T0 + 6000);

    expect(membership.alive(T0 + 6000, 'self')).toEqual(['a', 'self']);
  });

  it('judges by local observation time, not by the (possibly skewed) renew time written in the Lease', () => {
    const membership = new LeaseMembership('op');
    // A record renewed "an hour ago" by a skewed clock, but seen changing just now, is alive.
    membership.observe([member('skewed', -3600)], T0);
    membership.observe([member('skewed', -3598)], T0 + 2000);

    expect(membership.alive(T0 + 3000, 'self')).toEqual(['self', 'skewed']);
  });

  it('does not count a released Lease, Leases of other names, or members that disappeared', () => {
    const membership = new LeaseMembership('op');
    const other: V1Lease = {
      metadata: { name: 'op-shard-0' },
      spec: { holderIdentity: 'x', leaseDurationSeconds: 4 },
    };
    membership.observe([member('gone', 0), member('released', 0, ''), other], T0);
    membership.observe([member('released', 0, '')], T0 + 1000);

    expect(membership.alive(T0 + 1000, 'self')).toEqual(['self']);
  });
});
