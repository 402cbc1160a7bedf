import { execFile } from 'node:child_process';
import { jest } from '@jest/globals';
import { controlPlaneScript } from '../support/control-plane-paths.js';
import { eventuallyAsync, kubectlAsync } from './support/async-kubectl.js';
import { ChaosRun, CYCLE_MS, LEASE_DURATION_MS } from './support/chaos-run.js';
import { isFullChaos, ownControlPlaneRunDir, scenarioIt } from './support/chaos-selection.js';
import { expectInvariants } from './support/expect-invariants.js';

// Restarting a kube-apiserver or etcd takes tens of seconds on a shared 2-core machine.
jest.setTimeout(300_000);

const runDir = ownControlPlaneRunDir();

/**
 * Runs `control-plane.sh restart-apiserver|restart-etcd RUN_DIR PAUSE` without blocking the event loop (the
 * reference servers live in this process and must keep answering while the control plane is down).
 */
function restart(what: 'restart-apiserver' | 'restart-etcd', pauseSeconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [controlPlaneScript, what, runDir!, String(pauseSeconds)],
      { timeout: 180_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`${what} failed: ${stderr}`)) : resolve()),
    );
  });
}

/** Waits until the apiserver answers again (and, through it, etcd). */
const apiserverAnswers = (namespace: string) =>
  eventuallyAsync(
    'the apiserver answering',
    async () => ((await kubectlAsync(['get', 'ns', namespace])).status === 0 ? true : undefined),
    120_000,
  );

/** Seconds the control plane stays down: clearly longer than the lease, so a fencing hole would show. */
const PAUSE_SECONDS = 10;

/** When a restart began, when writes first failed, and when the apiserver answered again. */
interface Outage {
  readonly startedAtMs: number;
  /** Time the first write failed; the Lease cannot have been renewed after it until the restart ends. */
  readonly downAtMs: number;
  /** A time by which the control plane was certainly down: it stays down for PAUSE_SECONDS after this. */
  readonly surelyDownFromMs: number;
  readonly endedAtMs: number;
}

/**
 * Restarts the kube-apiserver or etcd while writing a probe ConfigMap in a loop to see when writes (like a Lease
 * renewal) stopped working: `downAtMs` is the return of the first failed write, `surelyDownFromMs` the start of the
 * last good one (so the real moment lies in between, and the pause runs after it).
 */
async function restartObserved(
  what: 'restart-apiserver' | 'restart-etcd',
  namespace: string,
): Promise<Outage> {
  const probe = await kubectlAsync(['create', 'configmap', 'chaos-probe', '-n', namespace]);
  if (probe.status !== 0 && !probe.stderr.includes('already exists'))
    throw new Error(`cannot create the probe ConfigMap: ${probe.stderr}`);
  const startedAtMs = Date.now();
  let lastOkStartMs = startedAtMs;
  let downAtMs: number | undefined;
  let isRestarting = true;
  const watcher = (async () => {
    while (isRestarting && downAtMs === undefined) {
      const writeStartMs = Date.now();
      // A write, like a Lease renewal: with etcd down a read might still be answered from the watch cache.
      const write = await kubectlAsync([
        'patch',
        'configmap',
        'chaos-probe',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ data: { at: String(writeStartMs) } }),
        '--request-timeout=1s',
      ]);
      if (write.status === 0) lastOkStartMs = writeStartMs;
      else downAtMs = Date.now();
    }
  })();
  await restart(what, PAUSE_SECONDS);
  isRestarting = false;
  await watcher;
  await apiserverAnswers(namespace);
  return {
    startedAtMs,
    downAtMs: downAtMs ?? Number.NaN,
    surelyDownFromMs: Math.max(startedAtMs, lastOkStartMs),
    endedAtMs: Date.now(),
  };
}

/**
 * Fencing under a control-plane outage: the last renewal happened before `downAtMs`, so no replica may start a
 * publication later than one lease duration after it; one cycle plus a second of slack covers an exchange already
 * in flight. Returns the publications received in [that moment, end of the certain outage] (must be none) and
 * the window itself.
 */
function publicationsWhileFenced(run: ChaosRun, outage: Outage) {
  const fromMs = outage.downAtMs + LEASE_DURATION_MS + CYCLE_MS + 1_000;
  const toMs = outage.surelyDownFromMs + PAUSE_SECONDS * 1_000;
  return {
    windowMs: toMs - fromMs,
    publications: run.publications().filter((p) => p.receivedAtMs >= fromMs && p.receivedAtMs <= toMs),
  };
}

const reason = runDir
  ? ''
  : ' [SKIPPED: the control plane is shared (PACING_TEST_KUBECONFIG is set); restarting it would break its other users]';
const ownPlaneIt = (tier: 'short' | 'full') => (runDir ? scenarioIt(tier) : it.skip);

describe('chaos: the control plane restarts under a paced tenant, and it recovers by itself', () => {
  let run: ChaosRun | undefined;

  beforeAll(async () => {
    if (!runDir) {
      process.stdout.write(`CHAOS control plane scenarios${reason}\n`);
      return;
    }
    if (!isFullChaos()) return;
    run = await ChaosRun.start('chaos-plane', ['chaos-1', 'chaos-2']);
  });

  afterAll(async () => {
    await run?.close();
  });

  ownPlaneIt('full')(
    `kube-apiserver down for 10 s: nobody publishes once the last renewal is a lease old, a replica leads again after, one publisher per cycle and nothing lost${reason}`,
    async () => {
      const outage = await restartObserved('restart-apiserver', run!.namespace);

      const figures = await run!.afterFault(
        'kube-apiserver restart',
        outage.startedAtMs,
        outage.endedAtMs,
        120_000,
      );
      const fenced = publicationsWhileFenced(run!, outage);
      process.stdout.write(
        `CHAOS kube-apiserver restart: writes failed ${outage.downAtMs - outage.startedAtMs} ms after the restart began, ` +
          `back after ${outage.endedAtMs - outage.startedAtMs} ms; fenced window ${fenced.windowMs} ms\n`,
      );

      expect(Number.isFinite(outage.downAtMs)).toBe(true);
      expect(fenced.windowMs).toBeGreaterThan(0);
      expect(fenced.publications).toEqual([]);
      expectInvariants(figures, outage.endedAtMs - outage.startedAtMs);
    },
  );

  ownPlaneIt('full')(
    `etcd down for 10 s: renewals fail, nobody publishes once the last renewal is a lease old, pacing resumes with one publisher per cycle and nothing lost${reason}`,
    async () => {
      const outage = await restartObserved('restart-etcd', run!.namespace);

      const figures = await run!.afterFault('etcd restart', outage.startedAtMs, outage.endedAtMs, 120_000);
      const fenced = publicationsWhileFenced(run!, outage);
      process.stdout.write(
        `CHAOS etcd restart: writes failed ${outage.downAtMs - outage.startedAtMs} ms after the restart began, ` +
          `back after ${outage.endedAtMs - outage.startedAtMs} ms; fenced window ${fenced.windowMs} ms\n`,
      );

      expect(Number.isFinite(outage.downAtMs)).toBe(true);
      expect(fenced.windowMs).toBeGreaterThan(0);
      expect(fenced.publications).toEqual([]);
      expectInvariants(figures, outage.endedAtMs - outage.startedAtMs);
    },
  );
});
