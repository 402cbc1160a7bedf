import type { CustomObjectsApi, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { pacingApiGroup, pacingApiVersion, pacingClusterNames, pacingTargetNames } from '../api/index.js';
import { shareStatusConditions } from './condition-pool.js';
import { RestartingInformer, type RestartingInformerOptions } from './restarting-informer.js';

/** Options shared by the informer factories: everything but what the factory derives (path, list, name). */
export type InformerCommonOptions<T extends KubernetesObject> = Omit<
  RestartingInformerOptions<T>,
  'path' | 'list' | 'name'
> & {
  /** Informer name for metrics and logs; defaults to the resource plural. */
  name?: string;
};

/** Options of {@link createCustomObjectInformer}. */
export type CustomObjectInformerOptions<T extends KubernetesObject> = InformerCommonOptions<T> & {
  /** Client for the LIST. */
  customObjects: CustomObjectsApi;
  /** API group, e.g. `pacing.agentpacing.dev`. */
  group: string;
  /** API version, e.g. `v1alpha1`. */
  version: string;
  /** Resource plural, e.g. `pacingtargets`. */
  plural: string;
  /** Namespace to watch; undefined watches all namespaces. */
  namespace?: string;
};

/**
 * A {@link RestartingInformer} over custom objects. Objects arrive as unvalidated JSON: parse `spec` with the
 * src/api zod schema before trusting it.
 */
export function createCustomObjectInformer<T extends KubernetesObject = KubernetesObject>(
  options: CustomObjectInformerOptions<T>,
): RestartingInformer<T> {
  const { customObjects, group, version, plural, namespace, ...rest } = options;
  const path = namespace
    ? `/apis/${group}/${version}/namespaces/${namespace}/${plural}`
    : `/apis/${group}/${version}/${plural}`;
  const { labelSelector } = options;
  const list = async (): Promise<KubernetesListObject<T>> =>
    (namespace
      ? await customObjects.listNamespacedCustomObject({ group, version, plural, namespace, labelSelector })
      : await customObjects.listClusterCustomObject({
          group,
          version,
          plural,
          labelSelector,
        })) as KubernetesListObject<T>;
  return new RestartingInformer<T>({ ...rest, name: options.name ?? plural, path, list });
}

/** Options of the PacingCluster / PacingTarget informer factories. */
export type PacingInformerOptions<T extends KubernetesObject> = InformerCommonOptions<T> & {
  /** Client for the LIST. */
  customObjects: CustomObjectsApi;
  /** Namespace to watch; undefined watches all namespaces. */
  namespace?: string;
};

/**
 * Informer over PacingClusters. Updates that change only status are dropped (our own status writes must not
 * wake the reconciler) unless `ignoreStatusOnlyUpdates: false` is passed; conditions are shared across cached
 * objects ({@link shareStatusConditions}).
 */
export function createPacingClusterInformer<T extends KubernetesObject = KubernetesObject>(
  options: PacingInformerOptions<T>,
): RestartingInformer<T> {
  return createCustomObjectInformer<T>({
    ignoreStatusOnlyUpdates: true,
    share: shareStatusConditions,
    ...options,
    group: pacingApiGroup,
    version: pacingApiVersion,
    plural: pacingClusterNames.plural,
  });
}

/**
 * Keeps only `status.conditions` of a cached PacingTarget: the reconciler reads nothing else of its status (the
 * conditions seed the status book), and the figures are rewritten every few seconds anyway.
 */
export function trimPacingTargetStatus(obj: KubernetesObject): void {
  const holder = obj as { status?: unknown };
  if (holder.status === null || typeof holder.status !== 'object') return;
  const { conditions } = holder.status as { conditions?: unknown };
  holder.status = conditions === undefined ? {} : { conditions };
}

/**
 * Informer over PacingTargets; status-only updates dropped and conditions shared as for
 * {@link createPacingClusterInformer}, and status figures trimmed from the cache ({@link trimPacingTargetStatus}).
 */
export function createPacingTargetInformer<T extends KubernetesObject = KubernetesObject>(
  options: PacingInformerOptions<T>,
): RestartingInformer<T> {
  return createCustomObjectInformer<T>({
    ignoreStatusOnlyUpdates: true,
    trim: trimPacingTargetStatus,
    share: shareStatusConditions,
    ...options,
    group: pacingApiGroup,
    version: pacingApiVersion,
    plural: pacingTargetNames.plural,
  });
}
