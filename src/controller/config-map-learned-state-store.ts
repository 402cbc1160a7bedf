import { createHash } from 'node:crypto';
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import {
  EngineStateError,
  persistedPacingStateSchema,
  type LearnedStateStore,
  type PersistedPacingState,
} from '../engine/index.js';
import { apiErrorStatus } from './api-error-status.js';

/** Key of the ConfigMap's data that holds the state JSON. */
export const learnedStateDataKey = 'state.json';

/**
 * Name of the ConfigMap holding a cluster's learned state: `<namespace>.<name>-pacing-state`, unique across
 * namespaces because every state lives in the operator's namespace; a hash replaces names too long for the API.
 */
export function learnedStateConfigMapName(clusterKey: string, shard?: number): string {
  const suffix = shard === undefined ? '' : `-shard-${shard}`;
  const name = `${clusterKey.replace('/', '.')}-pacing-state${suffix}`;
  if (name.length <= 253) return name;
  return `pacing-state-${createHash('sha256').update(clusterKey).digest('hex').slice(0, 32)}${suffix}`;
}

/** Options of {@link ConfigMapLearnedStateStore}. */
export interface ConfigMapLearnedStateStoreOptions {
  /** Core API client. */
  readonly core: CoreV1Api;
  /** The operator's namespace, where every state ConfigMap lives. */
  readonly namespace: string;
}

/**
 * Keeps each PacingCluster's learned pacing state in a ConfigMap of the operator's namespace, so a new leader
 * continues from the last save instead of cold-starting. Only the leader saves (the worker checks the lease).
 */
export class ConfigMapLearnedStateStore implements LearnedStateStore {
  readonly #o: ConfigMapLearnedStateStoreOptions;

  constructor(options: ConfigMapLearnedStateStoreOptions) {
    this.#o = options;
  }

  /** Reads the saved state; undefined when there is none. Rejects with EngineStateError on a malformed one. */
  async load(
    clusterKey: string,
    _signal?: AbortSignal,
    shard?: number,
  ): Promise<PersistedPacingState | undefined> {
    const name = learnedStateConfigMapName(clusterKey, shard);
    let configMap: V1ConfigMap;
    try {
      configMap = await this.#o.core.readNamespacedConfigMap({ name, namespace: this.#o.namespace });
    } catch (error) {
      if (apiErrorStatus(error) === 404) return undefined;
      throw error;
    }
    const text = configMap.data?.[learnedStateDataKey];
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new EngineStateError(
        `ConfigMap ${this.#o.namespace}/${name}: ${learnedStateDataKey} is not JSON`,
        {
          cause: error,
        },
      );
    }
    const parsed = persistedPacingStateSchema.safeParse(json);
    if (!parsed.success) {
      throw new EngineStateError(
        `ConfigMap ${this.#o.namespace}/${name}: ${learnedStateDataKey} is not a learned state (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    }
    return parsed.data.clusterKey === clusterKey && parsed.data.shard === shard ? parsed.data : undefined;
  }

  /** Writes the state (replace, or create the first time). */
  async save(state: PersistedPacingState): Promise<void> {
    const name = learnedStateConfigMapName(state.clusterKey, state.shard);
    const body: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: this.#o.namespace,
        labels: {
          'app.kubernetes.io/part-of': 'agent-pacing-operator',
          'app.kubernetes.io/component': 'pacing-state',
        },
        annotations: {
          'pacing.agentpacing.dev/cluster': state.clusterKey,
          ...(state.shard === undefined ? {} : { 'pacing.agentpacing.dev/shard': String(state.shard) }),
        },
      },
      data: { [learnedStateDataKey]: JSON.stringify(state) },
    };
    try {
      await this.#o.core.replaceNamespacedConfigMap({ name, namespace: this.#o.namespace, body });
    } catch (error) {
      if (apiErrorStatus(error) !== 404) throw error;
      await this.#o.core.createNamespacedConfigMap({ namespace: this.#o.namespace, body });
    }
  }
}
