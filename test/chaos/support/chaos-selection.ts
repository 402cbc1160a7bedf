import { it } from '@jest/globals';

/**
 * Which chaos scenarios run: `PACING_CHAOS=full` (what `make test-chaos` sets) runs every scenario; anything else,
 * including unset (`make test`, CI), runs only the short tier, each scenario well under a minute.
 */
export function isFullChaos(): boolean {
  return process.env.PACING_CHAOS === 'full';
}

/** `it` for a scenario of the short tier (always run) or of the full tier (skipped, saying so, unless full). */
export function scenarioIt(tier: 'short' | 'full'): typeof it {
  if (tier === 'short' || isFullChaos()) return it;
  const skipped = (name: string, fn: Parameters<typeof it.skip>[1], timeout?: number) =>
    it.skip(
      `${name} [full chaos tier only: run with PACING_CHAOS=full, as make test-chaos does]`,
      fn,
      timeout,
    );
  return Object.assign(skipped, it);
}

/**
 * The run directory of a control plane this test run owns, or undefined when the tests share a running one
 * (PACING_TEST_KUBECONFIG): restarting a shared kube-apiserver or etcd would break every other user of it.
 */
export function ownControlPlaneRunDir(): string | undefined {
  return process.env.PACING_TEST_KUBECONFIG ? undefined : process.env.PACING_TEST_RUN_DIR;
}
