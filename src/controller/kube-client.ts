import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  type RequestContext,
} from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { isBrokenSessionError } from './broken-session-error.js';
import { KubeConfigLoadError } from './errors.js';

/** One cached dispatcher: what requests use (`dispatcher`, which watches for errors) and what it wraps. */
interface CachedDispatcher {
  readonly key: string;
  readonly inner: Dispatcher;
  readonly dispatcher: Dispatcher;
}

/** Options of {@link SharedDispatcherKubeConfig}. */
export interface SharedDispatcherKubeConfigOptions {
  /**
   * Turns the dispatcher client-node built into the one to share; the identity by default. Unit tests pass a
   * factory returning a fake dispatcher.
   */
  readonly adoptDispatcher?: (built: Dispatcher) => Dispatcher;
  /** Told when a broken session made the shared dispatcher be replaced (logs, metrics). */
  readonly onDispatcherReplaced?: (error: unknown) => void;
}

/**
 * A KubeConfig whose requests share one undici dispatcher. client-node 2.0.1 builds a new `undici.Agent`
 * for every request (`KubeConfig.applySecurityAuthentication` → `createDispatcher`), so every API call pays
 * a TLS handshake — 20 lease reads made 20 connections. Lease renewals must fit in the renew deadline, so we
 * keep the first dispatcher per (context, cluster, user) and hand it to every later request. The agent that
 * client-node builds meanwhile never connects and is simply dropped.
 *
 * Sharing one HTTP/2 session means one broken session fails every request (NGHTTP2_ENHANCE_YOUR_CALM after a
 * huge body, GOAWAY, a destroyed session) and, left alone, never recovers. So a request failing that way drops
 * the shared dispatcher: the next request adopts a fresh one (a new connection), the old one closes in the
 * background.
 *
 * Limitation: client certificates that rotate underneath (exec plugins returning certs) keep using the
 * dispatcher built with the first certificate; bearer tokens are headers and refresh normally.
 */
export class SharedDispatcherKubeConfig extends KubeConfig {
  readonly #options: SharedDispatcherKubeConfigOptions;
  #cached: CachedDispatcher | undefined;

  constructor(options: SharedDispatcherKubeConfigOptions = {}) {
    super();
    this.#options = options;
  }

  /** Applies client-node's authentication, then swaps in the cached dispatcher. */
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const built = context.getDispatcher();
    if (built === undefined) return;
    const key = this.#dispatcherKey();
    if (this.#cached?.key !== key) {
      const previous = this.#cached;
      this.#cached = this.#adopt(key, built);
      // Requests still running on the old dispatcher finish; close() waits for them.
      previous?.inner.close().catch(() => undefined);
    }
    context.setDispatcher(this.#cached.dispatcher);
  }

  /** Closes the shared dispatcher's connections (after their requests finish). */
  async close(): Promise<void> {
    const cached = this.#cached;
    this.#cached = undefined;
    await cached?.inner.close();
  }

  #adopt(key: string, built: Dispatcher): CachedDispatcher {
    const inner = this.#options.adoptDispatcher?.(built) ?? built;
    const entry: CachedDispatcher = {
      key,
      inner,
      dispatcher: inner.compose(
        (dispatch) => (options, handler) =>
          dispatch(
            options,
            handlerNotifyingErrors(handler, (error) => {
              this.#onRequestError(entry, error);
            }),
          ),
      ),
    };
    return entry;
  }

  #onRequestError(entry: CachedDispatcher, error: unknown): void {
    // Only the first failing request of a session replaces it; later failures of that session find it gone.
    if (this.#cached !== entry || !isBrokenSessionError(error)) return;
    this.#cached = undefined;
    this.#options.onDispatcherReplaced?.(error);
    entry.inner.close().catch(() => undefined);
  }

  #dispatcherKey(): string {
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    return JSON.stringify([this.getCurrentContext(), cluster?.name, cluster?.server, user?.name]);
  }
}

/** Wraps a dispatch handler so that `onError` sees its errors first (new and legacy handler APIs). */
function handlerNotifyingErrors(
  handler: Dispatcher.DispatchHandler,
  onError: (error: unknown) => void,
): Dispatcher.DispatchHandler {
  return new Proxy(handler, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'onResponseError' || property === 'onError') {
        return (...args: unknown[]) => {
          onError(args[args.length - 1]);
          return Reflect.apply(value, target, args);
        };
      }
      return (...args: unknown[]) => Reflect.apply(value, target, args);
    },
  });
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
export function loadKubeConfig(
  source: KubeConfigSource = {},
  options: SharedDispatcherKubeConfigOptions = {},
): SharedDispatcherKubeConfig {
  const kubeConfig = new SharedDispatcherKubeConfig(options);
  const origin = source.kubeconfigPath ?? (source.inCluster ? 'in-cluster' : 'default search');
  try {
    if (source.kubeconfigPath) kubeConfig.loadFromFile(source.kubeconfigPath);
    else if (source.inCluster) kubeConfig.loadFromCluster();
    else kubeConfig.loadFromDefault();
    if (source.context) kubeConfig.setCurrentContext(source.context);
    inlineCredentialFiles(kubeConfig);
  } catch (err) {
    throw new KubeConfigLoadError(`kubeconfig: cannot load from ${origin}`, { cause: err });
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new KubeConfigLoadError(`kubeconfig: no current cluster after loading from ${origin}`);
  }
  return kubeConfig;
}

/**
 * Reads the CA, client certificate and key files of a kubeconfig once, into its `*Data` fields. client-node reads
 * them on every request (`applyHTTPSOptions`): at 200 status writes a second that was a third of the operator's
 * request CPU. Nothing is lost: the shared dispatcher keeps the first certificates anyway (see
 * {@link SharedDispatcherKubeConfig}), and bearer token files are still re-read by client-node's token-file auth.
 */
export function inlineCredentialFiles(kubeConfig: KubeConfig): void {
  const read = (file: string) => readFileSync(file).toString('base64');
  kubeConfig.clusters = kubeConfig.clusters.map((cluster) =>
    cluster.caFile && !cluster.caData
      ? { ...cluster, caData: read(cluster.caFile), caFile: undefined }
      : cluster,
  );
  kubeConfig.users = kubeConfig.users.map((user) => {
    const cert =
      user.certFile && !user.certData ? { certData: read(user.certFile), certFile: undefined } : {};
    const key = user.keyFile && !user.keyData ? { keyData: read(user.keyFile), keyFile: undefined } : {};
    return 'certData' in cert || 'keyData' in key ? { ...user, ...cert, ...key } : user;
  });
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
