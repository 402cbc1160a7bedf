// Notes when each PacingTarget first shows Ready=True, and its first pacing decision, from a watch: to the
// millisecond, and from the first create on (a periodic list started after the creates would date every early
// target to the end of creation).
import { setTimeout as sleep } from 'node:timers/promises';
import { Watch, type CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

/** Where the watched PacingTargets live. */
export interface ReadyWatchTarget {
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
}

/** The parts of a listed or watched PacingTarget the bench reads. */
export interface WatchedTarget {
  metadata?: { name?: string; resourceVersion?: string };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

/** True when the object's Ready condition is True. */
export function isReadyTrue(object: WatchedTarget): boolean {
  return object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** True when the object shows a cycle's decision: a Pacing condition (the first cycle sets it), not `Pending`. */
export function hasPacingDecision(object: WatchedTarget): boolean {
  return (
    object.status?.conditions?.some(
      (c) => c.type === 'Pacing' && c.reason !== undefined && c.reason !== 'Pending',
    ) ?? false
  );
}

/**
 * Watches the PacingTargets of one namespace and records, per name, the local time its Ready=True was first
 * seen, and the time its first pacing decision was. A watch that ends resumes from the last resourceVersion; one
 * too old to resume (410) starts over from a list, which dates the targets it finds to the list.
 */
export class ReadyWatch {
  /** First time (ms since the epoch) each target was seen Ready=True. */
  readonly seenMs = new Map<string, number>();
  /** First time (ms since the epoch) each target was seen with a pacing decision ({@link hasPacingDecision}). */
  readonly decidedMs = new Map<string, number>();
  readonly #watch: Watch;
  readonly #api: CustomObjectsApi;
  readonly #where: ReadyWatchTarget;
  #controller: AbortController | undefined;
  #isStopped = false;
  #running: Promise<void> | undefined;

  constructor(kubeConfig: KubeConfig, api: CustomObjectsApi, where: ReadyWatchTarget) {
    this.#watch = new Watch(kubeConfig);
    this.#api = api;
    this.#where = where;
  }

  /** Lists once (so the watch starts from a known state) and keeps watching until {@link stop}. */
  async start(): Promise<void> {
    let resourceVersion: string | undefined = await this.#list();
    this.#running = (async () => {
      while (!this.#isStopped) {
        try {
          resourceVersion ??= await this.#list();
          const outcome = await this.#watchFrom(resourceVersion);
          resourceVersion = outcome.isGone ? undefined : outcome.resourceVersion;
        } catch {
          // A failed list (the API server restarting or stopping): try again; the run's own lists still count.
          resourceVersion = undefined;
        }
        if (!this.#isStopped) await sleep(200);
      }
    })();
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    this.#controller?.abort();
    await this.#running;
  }

  #note(object: WatchedTarget, atMs: number): void {
    const name = object.metadata?.name;
    if (name === undefined) return;
    if (!this.seenMs.has(name) && isReadyTrue(object)) this.seenMs.set(name, atMs);
    if (!this.decidedMs.has(name) && hasPacingDecision(object)) this.decidedMs.set(name, atMs);
  }

  /** One watch from `resourceVersion` until it ends; the version to resume from, or that it is too old. */
  async #watchFrom(resourceVersion: string): Promise<{ resourceVersion: string; isGone: boolean }> {
    const { group, version, namespace } = this.#where;
    let latest = resourceVersion;
    let isGone = false;
    await new Promise<void>((resolve) => {
      this.#watch
        .watch(
          `/apis/${group}/${version}/namespaces/${namespace}/pacingtargets`,
          { resourceVersion, allowWatchBookmarks: true },
          (phase: string, object: WatchedTarget & { code?: number }) => {
            if (phase === 'ERROR') {
              isGone = object.code === 410;
              return;
            }
            latest = object.metadata?.resourceVersion ?? latest;
            if (phase === 'ADDED' || phase === 'MODIFIED') this.#note(object, Date.now());
          },
          () => resolve(),
        )
        .then((controller) => {
          this.#controller = controller;
          if (this.#isStopped) controller.abort();
        })
        .catch(() => resolve());
    });
    return { resourceVersion: latest, isGone };
  }

  /** Lists every target, notes the Ready ones and returns the list's resourceVersion. */
  async #list(): Promise<string> {
    const atMs = Date.now();
    return listPacingTargets(this.#api, this.#where, (item) => this.#note(item, atMs));
  }
}

/**
 * Lists the PacingTargets of one namespace in pages of 2,000, handing each to `onItem`; returns the list's
 * resourceVersion (the first page's: the consistent one the later pages continue).
 */
export async function listPacingTargets(
  api: CustomObjectsApi,
  where: ReadyWatchTarget,
  onItem: (item: WatchedTarget) => void,
): Promise<string> {
  const { group, version, namespace } = where;
  let token: string | undefined;
  let listVersion = '';
  do {
    const page = (await api.listNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'pacingtargets',
      limit: 2000,
      ...(token ? { _continue: token } : {}),
    })) as { items: WatchedTarget[]; metadata: { continue?: string; resourceVersion?: string } };
    if (listVersion === '') listVersion = page.metadata.resourceVersion ?? '';
    for (const item of page.items) onItem(item);
    token = page.metadata.continue || undefined;
  } while (token);
  return listVersion;
}
