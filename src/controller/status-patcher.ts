import { HttpMethod, PatchStrategy, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { request } from 'undici';
import { KubeApiRequestError } from './errors.js';

/** Names one custom object whose /status is written. */
export interface StatusObjectRef {
  /** Kind, for metrics (`kind` label) and logs, e.g. `PacingTarget`. */
  kind: string;
  /** API group, e.g. `pacing.agentpacing.dev`. */
  group: string;
  /** API version, e.g. `v1alpha1`. */
  version: string;
  /** Resource plural, e.g. `pacingtargets`. */
  plural: string;
  /** Namespace of the object. */
  namespace: string;
  /** Name of the object. */
  name: string;
}

/** Sends one merge patch to an object's /status subresource; a seam for unit tests. */
export interface StatusPatcher {
  /** Merge-patches `{ status: statusPatch }`; rejects with an error carrying the HTTP status on failure. */
  patchStatus(ref: StatusObjectRef, statusPatch: Record<string, unknown>): Promise<void>;
}

/** Longest error text kept from an API server's refusal (its Status message names the field at fault). */
const MAX_ERROR_BODY_CHARS = 2_000;

/**
 * A {@link StatusPatcher} that sends the merge patch itself and reads only the answer's status code. client-node's
 * generated method turns the whole returned object into model classes, which nobody reads: at 200 writes a second
 * that was about 1.5 s of CPU a minute. Authentication and the connection stay client-node's
 * (`applySecurityAuthentication`, hence the shared dispatcher of {@link SharedDispatcherKubeConfig}). A refusal
 * becomes a {@link KubeApiRequestError} with the HTTP status and the API server's message.
 */
export function createStatusPatcher(kubeConfig: KubeConfig): StatusPatcher {
  return {
    async patchStatus(ref, statusPatch) {
      const server = kubeConfig.getCurrentCluster()?.server.replace(/\/+$/, '') ?? '';
      const path = [ref.group, ref.version, 'namespaces', ref.namespace, ref.plural, ref.name, 'status']
        .map(encodeURIComponent)
        .join('/');
      const url = `${server}/apis/${path}`;
      const context = new RequestContext(url, HttpMethod.PATCH);
      await kubeConfig.applySecurityAuthentication(context);
      const response = await request(url, {
        method: 'PATCH',
        headers: {
          ...context.getHeaders(),
          accept: 'application/json',
          'content-type': PatchStrategy.MergePatch,
        },
        body: JSON.stringify({ status: statusPatch }),
        dispatcher: context.getDispatcher(),
      });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await response.body.dump();
        return;
      }
      const text = (await response.body.text().catch(() => '')).slice(0, MAX_ERROR_BODY_CHARS);
      throw new KubeApiRequestError(
        `PATCH ${ref.kind} ${ref.namespace}/${ref.name} status: HTTP ${response.statusCode}: ${statusMessageOf(text)}`,
        response.statusCode,
      );
    },
  };
}

/** The `message` of a Kubernetes Status body, else the body as it came. */
function statusMessageOf(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON (a proxy's HTML page, say): the text itself is the best description.
  }
  return text;
}
