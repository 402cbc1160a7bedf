import { jest } from '@jest/globals';
import { stopOperator } from '../support/operator-harness.js';
import { eventuallyAsync } from './support/async-kubectl.js';
import { ChaosRun, CYCLE_MS, LEASE_DURATION_MS, TARGET_IDS } from './support/chaos-run.js';
import { scenarioIt } from './support/chaos-selection.js';
import { expectInvariants } from './support/expect-invariants.js';

// Three operator child processes, a real apiserver and loopback servers: far beyond jest's default 5 s.
jest.setTimeout(240_000);

/** Sleeps without blocking the reference servers in this process. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('chaos: replicas die, freeze and roll while pacing, and the tenant recovers by itself', () => {
  let run: ChaosRun;
  let generation = 0;
  /** Starts a replica under a fresh identity so a restarted one never reuses a dead one's name. */
  const startFresh = () => {
    generation += 1;
    const identity = `chaos-${generation}`;
    run.startReplica(identity);
    return identity;
  };

  /**
   * Holds the leader's next exchange on the engagement server for `ms` and resolves once the server applied it:
   * from then until the answer leaves, the leader is in the middle of a cycle.
   */
  const leaderMidCycle = async (ms = 800) => {
    const leader = await run.leader();
    run.world.engagement.faults.add({ kind: 'delay', ms });
    const held = await run.nextPublication();
    return { leader, held };
  };

  beforeAll(async () => {
    run = await ChaosRun.start('chaos-replicas', ['chaos-1', 'chaos-2', 'chaos-3']);
    generation = 3;
  });

  afterAll(async () => {
    await run?.close();
  });

  scenarioIt('short')(
    'kill -9 of the leader in the middle of a cycle: another replica takes over within the lease bound and nothing is published twice or lost',
    async () => {
      const { leader, held } = await leaderMidCycle();
      const killedAtMs = Date.now();
      const victim = run.replicas.get(leader)!;
      victim.kill('SIGKILL');
      await victim.exited;
      const isMidExchange = killedAtMs - held.receivedAtMs < 800;

      const figures = await run.afterFault('kill -9 leader', killedAtMs, killedAtMs);
      const newLeader = await run.leader();
      process.stdout.write(
        `CHAOS kill -9: killed ${leader} ${isMidExchange ? 'while its exchange was held' : 'after its exchange'}; ` +
          `${newLeader} took over\n`,
      );
      startFresh();

      expect(newLeader).not.toBe(leader);
      expect(figures.publishers).toContain(newLeader);
      expectInvariants(figures);
    },
  );

  scenarioIt('short')(
    'SIGSTOP of the leader for longer than the lease, then SIGCONT: the frozen leader is fenced and publishes nothing after losing the Lease',
    async () => {
      const { leader, held } = await leaderMidCycle();
      const frozen = run.replicas.get(leader)!;
      const stoppedAtMs = Date.now();
      frozen.kill('SIGSTOP');
      const newLeader = await eventuallyAsync(
        'another replica holding the Lease',
        async () => {
          const holder = await run.leaseHolder();
          return holder !== '' && holder !== leader ? holder : undefined;
        },
        60_000,
      );
      await eventuallyAsync('a cycle published by the new leader', () =>
        run.publications().find((p) => p.publisher === newLeader && p.receivedAtMs > stoppedAtMs),
      );
      // Frozen for clearly longer than the lease duration, whatever the takeover took.
      await pause(Math.max(0, stoppedAtMs + LEASE_DURATION_MS + 2 * CYCLE_MS - Date.now()));
      const linesBefore = frozen.lines.length;
      const resumedAtMs = Date.now();
      frozen.kill('SIGCONT');
      const stepDown = await eventuallyAsync('the resumed replica to log that it stopped leading', () =>
        frozen.lines
          .slice(linesBefore)
          .find(
            (l) => l.msg === 'stopped leading' || l.msg === 'pacing worker lost leadership; cycles paused',
          ),
      );
      // Let the resumed replica run a few more cycles: a fencing hole would show up as a publication of its own.
      const since = run.publications().length;
      await eventuallyAsync('three more publications', () =>
        run.publications().length >= since + 3 ? true : undefined,
      );

      const figures = await run.afterFault('SIGSTOP leader', stoppedAtMs, resumedAtMs);
      const lateByFrozen = run
        .publications()
        .filter((p) => p.publisher === leader && p.receivedAtMs > stoppedAtMs);
      process.stdout.write(
        `CHAOS SIGSTOP: froze ${leader} ${stoppedAtMs - held.receivedAtMs < 800 ? 'while its exchange was held' : 'after its exchange'} ` +
          `for ${resumedAtMs - stoppedAtMs} ms, ${newLeader} took over; ` +
          `on SIGCONT it logged "${String(stepDown.msg)}"; alive after: ${frozen.child.exitCode === null}\n`,
      );

      expect(lateByFrozen).toEqual([]);
      expect(figures.publishers).toContain(newLeader);
      expectInvariants(figures);
    },
  );

  scenarioIt('short')(
    'a publish held in flight while its leader freezes and loses the Lease: the new leader publishes first, and the late publish is refused for its stale fencing token',
    async () => {
      const leader = await run.leader();
      const frozen = run.replicas.get(leader)!;
      // Held long enough for the takeover and the new leader's first publications to land before it.
      const holdMs = 3 * LEASE_DURATION_MS;
      const engagement = run.world.engagement;
      engagement.faults.add({ kind: 'hold', ms: holdMs });
      // The fault is taken as the leader's next exchange arrives; freeze the leader while it is held.
      await eventuallyAsync('the leader exchange to be held', () =>
        engagement.faults.pending === 0 ? true : undefined,
      );
      const stoppedAtMs = Date.now();
      frozen.kill('SIGSTOP');
      const late = await eventuallyAsync(
        'the held publish to be applied',
        () => run.publications().find((p) => p.publisher === leader && p.receivedAtMs > stoppedAtMs),
        holdMs + 10_000,
      );
      const takeover = run.publications().find((p) => p.publisher !== leader && p.receivedAtMs > stoppedAtMs);
      const resumedAtMs = Date.now();
      frozen.kill('SIGCONT');

      const figures = await run.afterFault('fencing token', stoppedAtMs, resumedAtMs);
      process.stdout.write(
        `CHAOS fencing: froze ${leader} with its publish of cycle ${late.cycleId} (fence ${late.fence}) held ` +
          `${holdMs} ms; ${takeover?.publisher} published cycle ${takeover?.cycleId} (fence ${takeover?.fence}) ` +
          `first; the late publish: applied ${late.targetIds.length}, refused ${late.refusedTargetIds.length}\n`,
      );

      // The gap is real: the new leader published before the late publish arrived...
      expect(takeover).toBeDefined();
      expect(takeover!.receivedAtMs).toBeLessThan(late.receivedAtMs);
      // ...and the platform applied none of it, because its token is older than the new leader's.
      expect(late.targetIds).toEqual([]);
      expect([...late.refusedTargetIds].sort()).toEqual([...TARGET_IDS].sort());
      expect(BigInt(late.fence!)).toBeLessThan(BigInt(takeover!.fence!));
      expectInvariants(figures, 0, leader);
    },
  );

  scenarioIt('full')(
    'rolling restart of every replica (SIGTERM one by one, a new one each time): one publisher per cycle throughout and nothing lost',
    async () => {
      const startedAtMs = Date.now();
      const original = [...run.replicas]
        .filter(([, r]) => r.child.exitCode === null && r.child.signalCode === null)
        .map(([identity]) => identity);
      const exitCodes: (number | string)[] = [];
      for (const identity of original) {
        exitCodes.push(await stopOperator(run.replicas.get(identity)!));
        const fresh = startFresh();
        await run.replicas.get(fresh)!.metricsPort;
        await run.leader();
        const since = run.publications().length;
        await eventuallyAsync('two publications after this restart step', () =>
          run.publications().length >= since + 2 ? true : undefined,
        );
      }
      const endedAtMs = Date.now();

      const figures = await run.afterFault('rolling restart', startedAtMs, endedAtMs);
      const leader = await run.leader();

      expect(original.length).toBeGreaterThanOrEqual(2);
      expect(exitCodes).toEqual(original.map(() => 0));
      expect(original).not.toContain(leader);
      expectInvariants(figures);
    },
  );
});
