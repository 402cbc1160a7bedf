import { jest } from '@jest/globals';
import { eventuallyAsync, kubectlAsync } from './support/async-kubectl.js';
import { ChaosRun } from './support/chaos-run.js';
import { scenarioIt } from './support/chaos-selection.js';
import { exampleClient } from './support/chaos-world.js';
import { expectInvariants } from './support/expect-invariants.js';

// Two operator child processes, a real apiserver and loopback servers: far beyond jest's default 5 s.
jest.setTimeout(240_000);

/** POSTs a client-credentials grant to the token server; returns the HTTP status. */
async function tokenStatus(tokenUrl: string, secret: string): Promise<number> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: exampleClient.id,
      client_secret: secret,
    }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('chaos: the engagement platform, the statistics source and the credentials misbehave, and the tenant recovers by itself', () => {
  let run: ChaosRun;

  beforeAll(async () => {
    run = await ChaosRun.start('chaos-platform', ['chaos-1', 'chaos-2']);
  });

  afterAll(async () => {
    await run?.close();
  });

  scenarioIt('short')(
    '500 ms engagement latency with connection resets for a while: retries are answered once, one publisher per cycle and nothing lost',
    async () => {
      const faults = run.world.engagement.faults;
      // About a dozen exchanges: every answer 500 ms late, every third connection reset after the cycle was applied.
      for (let i = 0; i < 4; i += 1) {
        faults.add({ kind: 'delay', ms: 500 }, 2);
        faults.add({ kind: 'reset' });
      }
      const startedAtMs = Date.now();
      await eventuallyAsync(
        'every injected fault consumed',
        () => (faults.pending === 0 ? true : undefined),
        60_000,
      );
      const endedAtMs = Date.now();

      const figures = await run.afterFault('engagement latency + resets', startedAtMs, endedAtMs);

      expect(faults.pending).toBe(0);
      expectInvariants(figures);
    },
  );

  scenarioIt('full')(
    'a stalled statistics source (headers, then nothing) for several cycles: cycles time out, pacing resumes and the cumulative counts carry on',
    async () => {
      const faults = run.world.stats.faults;
      faults.add({ kind: 'stall' }, 4);
      const startedAtMs = Date.now();
      const unreachable = await eventuallyAsync(
        'StatsSourceReachable=False while the source stalls',
        async () => {
          const read = await kubectlAsync([
            'get',
            'pacingcluster',
            'demo',
            '-n',
            run.namespace,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="StatsSourceReachable")].status}',
          ]);
          return read.stdout.trim() === 'False' ? true : faults.pending === 0 ? false : undefined;
        },
        60_000,
      );
      await eventuallyAsync('every stall consumed', () => (faults.pending === 0 ? true : undefined), 60_000);
      const endedAtMs = Date.now();

      const figures = await run.afterFault('statistics stall', startedAtMs, endedAtMs);
      process.stdout.write(
        `CHAOS statistics stall: StatsSourceReachable=False seen during the stall: ${unreachable}\n`,
      );

      expectInvariants(figures);
    },
  );

  scenarioIt('full')(
    'rotating the client secret (token server first, every token revoked, then the Secret): the operator authenticates with the new secret and resumes',
    async () => {
      const rotated = `rotated-${Date.now()}`;
      const issuedBefore = run.world.tokens.issuedCount();
      const rejectedBefore = run.world.rejectedTokens();
      const startedAtMs = Date.now();
      run.world.tokens.rotateSecret(exampleClient.id, rotated);
      run.world.tokens.revokeTokens();
      // The platform side rotated first: the operator's token is refused, and the old secret gets no new one.
      await eventuallyAsync('an exchange refused for its revoked token', () =>
        run.world.rejectedTokens() > rejectedBefore ? true : undefined,
      );
      const issuedWithOldSecret = run.world.tokens.issuedCount() - issuedBefore;
      const patch = await kubectlAsync([
        'patch',
        'secret',
        'engagement-credentials',
        '-n',
        run.namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ stringData: { client_secret: rotated } }),
      ]);
      const endedAtMs = Date.now();

      const figures = await run.afterFault('credentials rotation', startedAtMs, endedAtMs);
      const statuses = {
        oldSecret: await tokenStatus(run.world.tokens.tokenUrl, exampleClient.secret),
        newSecret: await tokenStatus(run.world.tokens.tokenUrl, rotated),
      };
      const logs = JSON.stringify([...run.replicas.values()].flatMap((r) => r.lines));

      expect(patch.status).toBe(0);
      expect(statuses).toEqual({ oldSecret: 401, newSecret: 200 });
      expect(issuedWithOldSecret).toBe(0);
      // Publishing resumed (afterFault) after every token was revoked: only a token got with the new secret works.
      expect(run.world.tokens.issuedCount()).toBeGreaterThan(issuedBefore);
      expect(logs).not.toContain(rotated);
      expectInvariants(figures, endedAtMs - startedAtMs);
    },
  );
});
