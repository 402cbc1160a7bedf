import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { KubeConfigLoadError } from './errors.js';

/**
 * A KubeConfig whose requests share one undici dispatcher. client-node 2.0.1 builds a new `undici.Agent`
 * for every request (`KubeConfig.applySecurityAuthentication` → `createDispatcher`), so every API call pays
 * a TLS handshake — 20 lease reads made 20 connections. Lease renewals must fit in the renew deadline, so we
 * keep the first dispatcher per (context, cluster, user) and hand it to every later request. The agent that
 * client-node builds meanwhile never connects and is simply dropped.
 *
 * Limitation: client certificates that rotate underneath (exec plugins returning certs) keep using the
 * dispatcher built with the first certificate; bearer tokens are headers and refresh normally.
 */
export class SharedDispatcherKubeConfig extends KubeConfig {
  #cached: { key: string; dispatcher: Dispatcher } | undefined;

  /** Applies client-node's authentication, then swaps in the cached dispatcher. */
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getDispatcher();
    if (built === undefined) return;
    const key = this.#dispatcherKey();
    if (this.#cached?.key !== key) {
      const previous = this.#cached?.dispatcher;
      this.#cached = { key, dispatcher: built };
      // Requests still running on the old dispatcher finish; close() waits for them.
      previous?.close().catch(() => undefined);
    }
    context.setDispatcher(this.#cached.dispatcher);
  }

  /** Closes the shared dispatcher's connections (after their requests finish). */
  async close(): Promise<void> {
    const cached = this.#cached;
    this.#cached = undefined;
    await cached?.dispatcher.close();
  }

  #dispatcherKey(): string {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    return JSON.stringify([this.getCurrentContext(), cluster?.name, cluster?.server, user?.name]);
  }
}

/** Where to load Kubernetes credentials from. */
export interface KubeConfigSource {
  /** Path of a kubeconfig file; wins over everything else. */
  kubeconfigPath?: string;
  /** Use the pod's service account (in-cluster); ignored when a path is given. */
  inCluster?: boolean;
  /** Context to select after loading a file; default the file's current-context. */
  context?: string;
}

/**
 * Loads a {@link SharedDispatcherKubeConfig}: from `kubeconfigPath`, else in-cluster, else client-node's
 * default search (KUBECONFIG, ~/.kube/config, in-cluster) — the caller decides, no env is read here otherwise.
 * @throws KubeConfigLoadError when nothing usable was found.
 */
export function loadKubeConfig(source: KubeConfigSource = {}): SharedDispatcherKubeConfig {
  const kubeConfig = new SharedDispatcherKubeConfig();
  const origin = source.kubeconfigPath ?? (source.inCluster ? 'in-cluster' : 'default search');
  try {
    if (source.kubeconfigPath) kubeConfig.loadFromFile(source.kubeconfigPath);
    else if (source.inCluster) kubeConfig.loadFromCluster();
    else kubeConfig.loadFromDefault();
    if (source.context) kubeConfig.setCurrentContext(source.context);
  } catch (err) {
    throw new KubeConfigLoadError(`kubeconfig: cannot load from ${origin}`, { cause: err });
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new KubeConfigLoadError(`kubeconfig: no current cluster after loading from ${origin}`);
  }
  return kubeConfig;
}

/** The API clients the operator uses, all sharing one kubeconfig and hence one connection pool. */
export interface KubeClients {
  /** The kubeconfig (for watches and for closing the shared dispatcher). */
  kubeConfig: SharedDispatcherKubeConfig;
  /** PacingCluster / PacingTarget objects and their /status. */
  customObjects: CustomObjectsApi;
  /** Leases for leader election. */
  coordination: CoordinationV1Api;
  /** events.k8s.io/v1 Events. */
  events: EventsV1Api;
  /** Secrets (engagement credentials) and namespaces. */
  core: CoreV1Api;
}

/** Builds the API clients from one kubeconfig. */
export function createKubeClients(kubeConfig: SharedDispatcherKubeConfig): KubeClients {
  return {
    kubeConfig,
    customObjects: kubeConfig.makeApiClient(CustomObjectsApi),
    coordination: kubeConfig.makeApiClient(CoordinationV1Api),
    events: kubeConfig.makeApiClient(EventsV1Api),
    core: kubeConfig.makeApiClient(CoreV1Api),
  };
}
