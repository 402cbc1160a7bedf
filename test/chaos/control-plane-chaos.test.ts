import { execFile } from 'node:child_process';
import { jest } from '@jest/globals';
import { controlPlaneScript } from '../support/control-plane-paths.js';
import { eventuallyAsync, kubectlAsync } from './support/async-kubectl.js';
import { ChaosRun } from './support/chaos-run.js';
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
    `kube-apiserver restart: the leader stands down when it cannot renew, a replica leads again after, one publisher per cycle and nothing lost${reason}`,
    async () => {
      const startedAtMs = Date.now();
      await restart('restart-apiserver', 3);
      await apiserverAnswers(run!.namespace);
      const endedAtMs = Date.now();

      const figures = await run!.afterFault('kube-apiserver restart', startedAtMs, endedAtMs, 120_000);

      expect(figures.publishers.length).toBeGreaterThanOrEqual(1);
      expectInvariants(figures, endedAtMs - startedAtMs);
    },
  );

  ownPlaneIt('full')(
    `etcd restart: the apiserver loses its storage for a while, and pacing resumes with one publisher per cycle and nothing lost${reason}`,
    async () => {
      const startedAtMs = Date.now();
      await restart('restart-etcd', 3);
      await apiserverAnswers(run!.namespace);
      const endedAtMs = Date.now();

      const figures = await run!.afterFault('etcd restart', startedAtMs, endedAtMs, 120_000);

      expect(figures.publishers.length).toBeGreaterThanOrEqual(1);
      expectInvariants(figures, endedAtMs - startedAtMs);
    },
  );
});
