import pino from 'pino';
import { Registry } from 'prom-client';
import {
  LeaseElector,
  leaseHolderIdentity,
  RENEW_DEADLINE_ANNOTATION,
  shardLeaseName,
  validateLeaseTimings,
  type LeaseElectorOptions,
} from '../../../src/controller/lease-elector.js';
import { ControllerConfigError } from '../../../src/controller/errors.js';
import { FakeClock } from './fake-clock.js';
import { FakeLeaseClient } from './fake-lease-client.js';

const NS = 'pacing-system';
const NAME = 'agent-pacing-operator';

function anElector(
  identity: string,
  deps: { clock: FakeClock; leases: FakeLeaseClient; registry?: Registry },
  extra: Partial<LeaseElectorOptions> = {},
) {
  const events: string[] = [];
  const elector = new LeaseElector({
    namespace: NS,
    name: NAME,
    identity,
    leaseClient: deps.leases,
    clock: deps.clock,
    random: () => 0.5,
    registry: deps.registry ?? new Registry(),
    logger: pino({ level: 'silent' }),
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
    ...extra,
  });
  return { elector, events };
}

/** Elector `a` that records the `isResumed` of each start of its leading. */
function anElectorTellingResumes() {
  const clock = new FakeClock();
  const leases = new FakeLeaseClient();
  const starts: boolean[] = [];
  const { elector } = anElector(
    'a',
    { clock, leases },
    { onStartedLeading: ({ isResumed }) => starts.push(isResumed) },
  );
  return { clock, leases, elector, starts };
}

function storedSpec(leases: FakeLeaseClient) {
  return leases.leases.get(`${NS}/${NAME}`)?.spec;
}

describe('LeaseElector', () => {
  it('creates a missing Lease with six-digit MicroTime stamps and starts leading', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const registry = new Registry();
    const { elector, events } = anElector('a', { clock, leases, registry });
    elector.start();
    await clock.advance(0);
    expect(elector.isLeader()).toBe(true);
    expect(events).toEqual(['started']);
    const spec = storedSpec(leases);
    expect(spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(String(spec?.renewTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await registry.getSingleMetricAsString('leader_election_master_status')).toContain(
      `leader_election_master_status{name="${NAME}"} 1`,
    );
    await elector.stop();
  });

  it('lets exactly one of two candidates lead', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const a = anElector('a', { clock, leases });
    const b = anElector('b', { clock, leases });
    a.elector.start();
    b.elector.start();
    await clock.advance(30_000);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    await a.elector.stop();
    await b.elector.stop();
  });

  it('judges expiry from when it saw the record change, not from the remote renewTime', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    // The other holder's clock is a day behind: its renewTime looks ancient, but it is a live record.
    const skewed = new Date(clock.nowMs() - 86_400_000).toISOString();
    leases.put(NS, NAME, {
      holderIdentity: 'other',
      leaseDurationSeconds: 15,
      renewTime: skewed,
      leaseTransitions: 4,
    });
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(10_000);
    expect(elector.isLeader()).toBe(false);
    expect(elector.leaderIdentity()).toBe('other');
    // The record never changes again: after 15 s of our own time it is expired and we take over.
    await clock.advance(10_000);
    expect(elector.isLeader()).toBe(true);
    expect(storedSpec(leases)).toMatchObject({ holderIdentity: 'a', leaseTransitions: 5 });
    await elector.stop();
  });

  it('keeps waiting while the other holder keeps renewing', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector } = anElector('a', { clock, leases });
    leases.put(NS, NAME, { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: 'r0' });
    elector.start();
    for (let i = 1; i <= 20; i += 1) {
      await clock.advance(2_000);
      leases.put(NS, NAME, { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: `r${i}` });
    }
    expect(elector.isLeader()).toBe(false);
    await elector.stop();
  });

  it('renews on the fast path, keeping acquireTime and the transition count', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(0);
    const acquired = storedSpec(leases)?.acquireTime;
    await clock.advance(6_000);
    expect(storedSpec(leases)?.acquireTime).toBe(acquired);
    expect(storedSpec(leases)?.renewTime).not.toBe(acquired);
    expect(storedSpec(leases)?.leaseTransitions).toBe(0);
    await elector.stop();
  });

  it('fences with the resourceVersion of its latest Lease write: growing with renewals, larger for a successor', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const a = anElector('a', { clock, leases }, { releaseOnStop: false });
    const b = anElector('b', { clock, leases });
    expect(a.elector.fencingToken()).toBeUndefined();
    a.elector.start();
    await clock.advance(0);
    const acquired = a.elector.fencingToken();
    expect(acquired).toBe(leases.leases.get(`${NS}/${NAME}`)?.metadata?.resourceVersion);
    await clock.advance(6_000);
    const renewed = a.elector.fencingToken();
    expect(Number(renewed)).toBeGreaterThan(Number(acquired));
    expect(renewed).toBe(leases.leases.get(`${NS}/${NAME}`)?.metadata?.resourceVersion);
    // a dies without releasing; b takes over after the lease expires.
    await a.elector.stop();
    expect(a.elector.fencingToken()).toBeUndefined();
    b.elector.start();
    await clock.advance(40_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(Number(b.elector.fencingToken())).toBeGreaterThan(Number(renewed));
    await b.elector.stop();
  });

  it('sends no fencing token when the API server returns a resourceVersion that is not an integer', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const replace = leases.replace.bind(leases);
    leases.replace = async (ns, name, lease) => {
      const written = await replace(ns, name, lease);
      return { ...written, metadata: { ...written.metadata, resourceVersion: 'opaque-7' } };
    };
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(6_000);
    expect(elector.isLeader()).toBe(true);
    expect(elector.fencingToken()).toBeUndefined();
    await elector.stop();
  });

  it('stops leading at the renew deadline when renewals fail, and fencing says so', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector, events } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(0);
    const lastRenew = clock.nowMs();
    leases.failing = true;
    await clock.advance(9_999);
    expect(elector.holdsValidLease()).toBe(true);
    expect(elector.holdsValidLease(lastRenew + 10_000)).toBe(false);
    await clock.advance(1);
    expect(elector.isLeader()).toBe(false);
    expect(elector.holdsValidLease()).toBe(false);
    expect(events).toEqual(['started', 'stopped']);
    await elector.stop();
  });

  it('says it resumed when it takes back, after missing its renew deadline, a Lease nobody else held', async () => {
    const { clock, leases, elector, starts } = anElectorTellingResumes();
    elector.start();
    await clock.advance(0);
    expect(elector.isResumedHold()).toBe(false);
    leases.failing = true;
    await clock.advance(10_000);
    expect(elector.isLeader()).toBe(false);
    expect(elector.isResumedHold()).toBe(false);
    leases.failing = false;
    await clock.advance(5_000);
    expect(elector.isLeader()).toBe(true);
    expect(starts).toEqual([false, true]);
    expect(elector.isResumedHold()).toBe(true);
    expect(storedSpec(leases)).toMatchObject({ holderIdentity: 'a', leaseTransitions: 0 });
    await elector.stop();
  });

  it('does not say it resumed when another holder came between, nor on its first lead of a record naming it', async () => {
    const record = (holderIdentity: string) => ({ holderIdentity, leaseDurationSeconds: 1, renewTime: 'x' });
    const { clock, leases, elector, starts } = anElectorTellingResumes();
    // A record naming this identity, left by a previous process of the same name: not this process's own.
    leases.put(NS, NAME, record('a'));
    elector.start();
    await clock.advance(0);
    expect(starts).toEqual([false]);
    leases.failing = true;
    await clock.advance(10_000);
    leases.failing = false;
    leases.put(NS, NAME, record('b'));
    await clock.advance(5_000);
    expect(elector.isLeader()).toBe(true);
    expect(starts).toEqual([false, false]);
    expect(elector.isResumedHold()).toBe(false);
    await elector.stop();
  });

  it('treats a conflicting write (409) as a lost race', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    leases.put(NS, NAME, { holderIdentity: '', leaseDurationSeconds: 1 });
    const original = leases.replace.bind(leases);
    leases.replace = async (ns, name, lease) => {
      leases.put(NS, NAME, { holderIdentity: 'winner', leaseDurationSeconds: 15, renewTime: 'x' });
      return original(ns, name, lease);
    };
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(0);
    expect(elector.isLeader()).toBe(false);
    await clock.advance(4_000);
    expect(elector.isLeader()).toBe(false);
    expect(elector.leaderIdentity()).toBe('winner');
    await elector.stop();
  });

  it('writes its renew deadline on the Lease it holds', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(2_000);
    expect(leases.leases.get(`${NS}/${NAME}`)?.metadata?.annotations).toEqual({
      [RENEW_DEADLINE_ANNOTATION]: '10000',
    });
    await elector.stop();
  });

  it('takes over a dead holder at its expiry, not at the next retry, and claims its head start', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    // A holder that died: 4 s lease, 3 s renew deadline, no renewal after this record.
    leases.put(NS, NAME, { holderIdentity: 'dead', leaseDurationSeconds: 4, renewTime: 'r' });
    leases.leases.get(`${NS}/${NAME}`)!.metadata!.annotations = { [RENEW_DEADLINE_ANNOTATION]: '3000' };
    const { elector } = anElector('b', { clock, leases });
    const seenAtMs = clock.nowMs();
    elector.start();
    // With a 2 s retry jittered to 3.2 s, polling alone would take over at 6.4 s.
    await clock.advance(4_009);
    expect(elector.isLeader()).toBe(false);
    expect(elector.exclusiveSinceMs()).toBeUndefined();
    await clock.advance(1);
    expect(elector.isLeader()).toBe(true);
    // The dead holder's fence closed 3 s after its last renewal, which we saw at seenAtMs at the latest.
    expect(elector.exclusiveSinceMs()).toBe(seenAtMs + 4_010 - 1_000);
    await elector.stop();
  });

  it('claims no head start after a release, or when the old holder did not state its renew deadline', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    leases.put(NS, NAME, { holderIdentity: 'old', leaseDurationSeconds: 4, renewTime: 'r' });
    const b = anElector('b', { clock, leases });
    const seenAtMs = clock.nowMs();
    b.elector.start();
    await clock.advance(4_010);
    expect(b.elector.isLeader()).toBe(true);
    expect(b.elector.exclusiveSinceMs()).toBe(seenAtMs + 4_010);
    const c = anElector('c', { clock, leases });
    c.elector.start();
    await clock.advance(0);
    await b.elector.stop();
    expect(b.elector.exclusiveSinceMs()).toBeUndefined();
    // b released: c cannot know whether b acted just before, so its tenure starts when it acquires.
    await clock.advance(5_000);
    expect(c.elector.isLeader()).toBe(true);
    const acquire = String(storedSpec(leases)?.acquireTime);
    expect(c.elector.exclusiveSinceMs()).toBe(Date.parse(acquire));
    await c.elector.stop();
  });

  it('counts the renew deadline from when the renewal was sent, not answered', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector } = anElector('a', { clock, leases });
    elector.start();
    await clock.advance(0);
    const original = leases.replace.bind(leases);
    let sentAtMs = 0;
    leases.replace = async (ns, name, lease) => {
      sentAtMs = clock.nowMs();
      await clock.sleep(400);
      return original(ns, name, lease);
    };
    await clock.advance(2_000);
    await clock.advance(400);
    leases.replace = original;
    expect(sentAtMs).toBe(Date.UTC(2026, 10, 25, 18, 0, 2));
    expect(elector.holdsValidLease(sentAtMs + 9_999)).toBe(true);
    expect(elector.holdsValidLease(sentAtMs + 10_000)).toBe(false);
    await elector.stop();
  });

  it('releases the Lease on stop so a standby takes over within a retry period', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const a = anElector('a', { clock, leases });
    a.elector.start();
    await clock.advance(0);
    const b = anElector('b', { clock, leases });
    b.elector.start();
    await clock.advance(4_000);
    expect(b.elector.isLeader()).toBe(false);
    await a.elector.stop();
    expect(a.events).toEqual(['started', 'stopped']);
    expect(storedSpec(leases)).toMatchObject({ leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(storedSpec(leases)?.holderIdentity).toBeUndefined();
    await clock.advance(2_000 * 2.2);
    expect(b.elector.isLeader()).toBe(true);
    expect(storedSpec(leases)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.elector.stop();
  });

  it('runs one elector per shard Lease in one process', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const registry = new Registry();
    const shards = [0, 1, 2].map((i) =>
      anElector('a', { clock, leases, registry }, { name: shardLeaseName(NAME, i) }),
    );
    shards.forEach((s) => s.elector.start());
    await clock.advance(0);
    expect(shards.every((s) => s.elector.isLeader())).toBe(true);
    expect([...leases.leases.keys()].sort()).toEqual([0, 1, 2].map((i) => `${NS}/${NAME}-shard-${i}`));
    const status = await registry.getSingleMetricAsString('leader_election_master_status');
    expect(status.match(/ 1$/gm)).toHaveLength(3);
    await Promise.all(shards.map((s) => s.elector.stop()));
  });

  it('keeps running when a callback throws', async () => {
    const clock = new FakeClock();
    const leases = new FakeLeaseClient();
    const { elector } = anElector(
      'a',
      { clock, leases },
      {
        onStartedLeading: () => {
          throw new Error('boom');
        },
      },
    );
    elector.start();
    await clock.advance(6_000);
    expect(elector.isLeader()).toBe(true);
    await elector.stop();
  });

  it.each([
    [
      'accepts the defaults',
      { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      true,
    ],
    [
      'rejects a renew deadline not below the duration',
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      false,
    ],
    [
      'rejects a deadline within 1.2 retry periods',
      { leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 },
      false,
    ],
    [
      'rejects a zero retry period',
      { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 },
      false,
    ],
    [
      'rejects a duration in fractional seconds',
      { leaseDurationMs: 15_500, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      false,
    ],
  ])('%s', (_name, timings, valid) => {
    if (valid) expect(() => validateLeaseTimings(timings)).not.toThrow();
    else expect(() => validateLeaseTimings(timings)).toThrow(ControllerConfigError);
  });

  it('builds identities as hostname_random-hex', () => {
    expect(leaseHolderIdentity('pod-7', () => 0.5)).toBe('pod-7_80000000');
  });
});
