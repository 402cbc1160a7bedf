import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { InformerCommonOptions } from './custom-object-informer.js';
import { RestartingInformer } from './restarting-informer.js';

/** Options of {@link createSecretInformer}. */
export type SecretInformerOptions = InformerCommonOptions<V1Secret> & {
  /** Client for the LIST. */
  core: CoreV1Api;
  /** Namespace to watch; undefined watches all namespaces (needs cluster-wide RBAC on secrets). */
  namespace?: string;
};

/**
 * Informer over Secrets (engagement credentials). Narrow it with `fieldSelector` (e.g.
 * `metadata.name=engagement-credentials`) or `labelSelector` so the cache holds only the Secrets we use.
 * Secret data is cached in memory: never log the objects.
 */
export function createSecretInformer(options: SecretInformerOptions): RestartingInformer<V1Secret> {
  const { core, namespace, ...rest } = options;
  const { labelSelector, fieldSelector } = options;
  const path = namespace ? `/api/v1/namespaces/${namespace}/secrets` : '/api/v1/secrets';
  const list = () =>
    namespace
      ? core.listNamespacedSecret({ namespace, labelSelector, fieldSelector })
      : core.listSecretForAllNamespaces({ labelSelector, fieldSelector });
  return new RestartingInformer<V1Secret>({ ...rest, name: options.name ?? 'secrets', path, list });
}
