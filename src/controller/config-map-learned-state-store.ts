import { createHash } from 'node:crypto';
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  EngineStateError,
  persistedPacingStateSchema,
  type LearnedStateStore,
  type PersistedPacingState,
} from '../engine/index.js';
import { apiErrorStatus } from './api-error-status.js';
import { gunzipTargetPart, gzipTargetParts, jsonWithinLength } from './learned-state-parts.js';

/** Key of the single ConfigMap's data that holds the state JSON (small states). */
export const learnedStateDataKey = 'state.json';
/** Key of the first part's data that holds the manifest of a split state. */
export const learnedStateManifestKey = 'manifest.json';
/** Key of each part's binaryData that holds its gzipped targets. */
export const learnedStatePartKey = 'targets.json.gz';

/** Largest object sent: the API server refuses objects above 1 MiB; keep a margin for metadata. */
export const maxLearnedStateObjectBytes = 900 * 1024;
/** A state whose single-ConfigMap body stays under this is kept as plain JSON (readable with kubectl). */
const maxPlainBodyBytes = 512 * 1024;
/** Gzipped bytes per part: base64 makes them 4/3 larger, which stays under {@link maxLearnedStateObjectBytes}. */
const maxPartGzipBytes = 640 * 1024;

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

/** Name of part `index` of a split state: `<base>-<index>` (a hash of the base when that is too long). */
export function learnedStatePartName(baseName: string, index: number): string {
  const name = `${baseName}-${index}`;
  if (name.length <= 253) return name;
  return `pacing-state-${createHash('sha256').update(baseName).digest('hex').slice(0, 32)}-${index}`;
}

/** Manifest of a split state, in its first part: the state without targets, plus where the targets are. */
const manifestSchema = persistedPacingStateSchema.omit({ targets: true }).extend({
  /** Increases with every save; every part carries it, so parts of two saves are never mixed. */
  generation: z.number().int(),
  /** Number of parts holding targets. */
  parts: z.number().int().min(1),
});
type Manifest = z.infer<typeof manifestSchema>;

/** Options of {@link ConfigMapLearnedStateStore}. */
export interface ConfigMapLearnedStateStoreOptions {
  /** Core API client. */
  readonly core: CoreV1Api;
  /** The operator's namespace, where every state ConfigMap lives. */
  readonly namespace: string;
  /** Where unreadable parts are reported (their targets cold-start); silent when absent. */
  readonly logger?: Logger;
}

/** What this process last wrote for one state: its format, and for a split state its generation and parts. */
interface Written {
  readonly format: 'plain' | 'parts';
  readonly generation: number;
  readonly parts: number;
}

/**
 * Keeps each PacingCluster's learned pacing state in the operator's namespace, so a new leader continues from
 * the last save instead of cold-starting. Only the leader saves (the worker checks the lease).
 *
 * A small state is one ConfigMap `<base>` with plain JSON in `state.json`. A large one (about 1.1 KB of JSON
 * per target does not fit in 1 MiB from ~950 targets on) is gzipped into `binaryData` and split over
 * ConfigMaps `<base>-0`, `<base>-1`, … of whole targets each; `<base>-0` also holds the manifest (generation,
 * number of parts). Parts are written first and the manifest last; a part whose generation is not the
 * manifest's, or that is missing or corrupt, is skipped and its targets cold-start. Parts beyond the new count
 * and the format not in use are overwritten with tombstones (update only: no delete verb needed). On load, the
 * newer of the two formats wins, so a crash between a write and its tombstone is harmless.
 */
export class ConfigMapLearnedStateStore implements LearnedStateStore {
  readonly #o: ConfigMapLearnedStateStoreOptions;
  readonly #written = new Map<string, Written>();

  constructor(options: ConfigMapLearnedStateStoreOptions) {
    this.#o = options;
  }

  /** Reads the saved state; undefined when there is none. Rejects with EngineStateError on a malformed one. */
  async load(
    clusterKey: string,
    _signal?: AbortSignal,
    shard?: number,
  ): Promise<PersistedPacingState | undefined> {
    const base = learnedStateConfigMapName(clusterKey, shard);
    const [plainMap, firstPart] = await Promise.all([
      this.#read(base),
      this.#read(learnedStatePartName(base, 0)),
    ]);
    const split = firstPart === undefined ? undefined : await this.#loadSplit(base, firstPart);
    let plain: PersistedPacingState | undefined;
    try {
      plain = plainMap === undefined ? undefined : this.#parsePlain(base, plainMap);
    } catch (error) {
      if (split === undefined) throw error;
      this.#o.logger?.warn(
        { err: error, configMap: base },
        'single learned-state ConfigMap unreadable; using parts',
      );
    }
    const newest =
      plain !== undefined && (split === undefined || plain.savedAtMs > split.savedAtMs) ? plain : split;
    return newest?.clusterKey === clusterKey && newest.shard === shard ? newest : undefined;
  }

  /** Writes the state (replace, or create the first time), never sending an object above the API's limit. */
  async save(state: PersistedPacingState): Promise<void> {
    const base = learnedStateConfigMapName(state.clusterKey, state.shard);
    const previous = this.#written.get(base) ?? (await this.#readWritten(base));
    const plainBody = this.#plainBodyIfSmall(base, state);
    if (plainBody !== undefined) {
      await this.#put(plainBody);
      this.#written.set(base, { format: 'plain', generation: previous.generation, parts: 0 });
      // The split state, if any, is now older than the plain one; tombstone it so nobody reads it for nothing.
      await this.#tombstoneParts(base, state, previous.generation, 0, previous.parts);
      return;
    }
    const { targets, ...rest } = state;
    const parts = await gzipTargetParts(targets, maxPartGzipBytes);
    const generation = previous.generation + 1;
    const manifest: Manifest = { ...rest, generation, parts: parts.length };
    // Parts first, the manifest (in part 0) last: a reader never sees a manifest pointing at missing parts.
    for (let index = parts.length - 1; index >= 0; index -= 1) {
      const data: Record<string, string> = { generation: String(generation), part: String(index) };
      if (index === 0) data[learnedStateManifestKey] = JSON.stringify(manifest);
      const body = this.#body(learnedStatePartName(base, index), state, data, {
        [learnedStatePartKey]: parts[index]!.toString('base64'),
      });
      await this.#put(body);
    }
    this.#written.set(base, { format: 'parts', generation, parts: parts.length });
    await this.#tombstoneParts(base, state, generation, parts.length, previous.parts);
    if (previous.format === 'plain') await this.#put(this.#body(base, state, {}), { createIfMissing: false });
  }

  /**
   * The single-ConfigMap body of the state, or undefined when it would exceed the limit. A function of its own so
   * that the JSON of a large state (12 MB at 10,000 targets) is garbage on return instead of staying referenced
   * by the suspended save() while its parts are written.
   */
  #plainBodyIfSmall(base: string, state: PersistedPacingState): V1ConfigMap | undefined {
    // Measure the body only when the JSON alone fits: escaping it into a string only makes it larger.
    const json = jsonWithinLength(state, maxPlainBodyBytes);
    if (json === undefined) return undefined;
    const body = this.#body(base, state, { [learnedStateDataKey]: json });
    return bodyBytes(body) <= maxPlainBodyBytes ? body : undefined;
  }

  async #loadSplit(base: string, firstPart: V1ConfigMap): Promise<PersistedPacingState | undefined> {
    const manifestText = firstPart.data?.[learnedStateManifestKey];
    if (manifestText === undefined) return undefined;
    let manifest: Manifest;
    try {
      manifest = manifestSchema.parse(JSON.parse(manifestText));
    } catch (error) {
      this.#o.logger?.warn({ err: error, configMap: base }, 'learned-state manifest unreadable; cold start');
      return undefined;
    }
    const targets: Record<string, unknown> = {};
    for (let index = 0; index < manifest.parts; index += 1) {
      const name = learnedStatePartName(base, index);
      try {
        const part = index === 0 ? firstPart : await this.#read(name);
        if (part === undefined) throw new EngineStateError(`ConfigMap ${name} is missing`);
        if (part.data?.['generation'] !== String(manifest.generation)) {
          throw new EngineStateError(`ConfigMap ${name} is not of generation ${manifest.generation}`);
        }
        const gz = part.binaryData?.[learnedStatePartKey];
        if (gz === undefined) throw new EngineStateError(`ConfigMap ${name} has no ${learnedStatePartKey}`);
        Object.assign(targets, await gunzipTargetPart(Buffer.from(gz, 'base64')));
      } catch (error) {
        // Only this part's targets cold-start; the others continue from their learned state.
        this.#o.logger?.warn(
          { err: error, configMap: name },
          'learned-state part unreadable; its targets cold-start',
        );
      }
    }
    const { generation: _generation, parts: _parts, ...rest } = manifest;
    return { ...rest, targets };
  }

  #parsePlain(name: string, configMap: V1ConfigMap): PersistedPacingState | undefined {
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
    return parsed.data;
  }

  /** What an earlier process wrote (first save after start): the manifest's generation and part count. */
  async #readWritten(base: string): Promise<Written> {
    const firstPart = await this.#read(learnedStatePartName(base, 0));
    const text = firstPart?.data?.[learnedStateManifestKey];
    const generation = Number(firstPart?.data?.['generation'] ?? 0);
    const manifest = text === undefined ? undefined : manifestSchema.safeParse(safeJson(text)).data;
    // Unknown format: tombstone both the parts and the single ConfigMap when writing the other one.
    return {
      format: manifest === undefined ? 'plain' : 'parts',
      generation: Math.max(Number.isFinite(generation) ? generation : 0, manifest?.generation ?? 0),
      parts: manifest?.parts ?? (firstPart === undefined ? 0 : 1),
    };
  }

  /** Overwrites parts `from`..`to - 1` with empty ones of `generation` (they exist, so update only). */
  async #tombstoneParts(
    base: string,
    state: PersistedPacingState,
    generation: number,
    from: number,
    to: number,
  ): Promise<void> {
    for (let index = from; index < to; index += 1) {
      const data = { generation: String(generation), part: String(index), tombstone: 'true' };
      await this.#put(this.#body(learnedStatePartName(base, index), state, data), { createIfMissing: false });
    }
  }

  async #read(name: string): Promise<V1ConfigMap | undefined> {
    try {
      return await this.#o.core.readNamespacedConfigMap({ name, namespace: this.#o.namespace });
    } catch (error) {
      if (apiErrorStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async #put(body: V1ConfigMap, { createIfMissing = true } = {}): Promise<void> {
    const name = body.metadata?.name ?? '';
    const bytes = bodyBytes(body);
    if (bytes > maxLearnedStateObjectBytes) {
      throw new EngineStateError(
        `ConfigMap ${name} would be ${bytes} bytes, above ${maxLearnedStateObjectBytes}`,
      );
    }
    try {
      await this.#o.core.replaceNamespacedConfigMap({ name, namespace: this.#o.namespace, body });
    } catch (error) {
      if (apiErrorStatus(error) !== 404) throw error;
      if (createIfMissing)
        await this.#o.core.createNamespacedConfigMap({ namespace: this.#o.namespace, body });
    }
  }

  #body(
    name: string,
    state: PersistedPacingState,
    data: Record<string, string>,
    binaryData?: Record<string, string>,
  ): V1ConfigMap {
    return {
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
      data,
      ...(binaryData === undefined ? {} : { binaryData }),
    };
  }
}

/** Size of a request body as sent. */
function bodyBytes(body: V1ConfigMap): number {
  return Buffer.byteLength(JSON.stringify(body));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
