/** API group of the pacing custom resources. */
export const pacingApiGroup = 'pacing.agentpacing.dev';

/** The one served and stored version of the pacing custom resources. */
export const pacingApiVersion = 'v1alpha1';

/** `apiVersion` field value of every pacing custom resource. */
export const pacingApiGroupVersion = `${pacingApiGroup}/${pacingApiVersion}`;

/** The `kubectl get pacing` category shared by both kinds. */
export const pacingCategory = 'pacing';

/** Labels put on every generated CRD so that the whole product can be selected at once. */
export const pacingCrdLabels: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'agent-pacing-operator',
};

/** Names of one custom resource kind as the API server and kubectl know them. */
export interface PacingResourceNames {
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}

/**
 * Names of the PacingCluster kind (short name `pcl`). Not `pc`: kubectl resolves `pc` to the built-in
 * PriorityClass before any CRD, so `kubectl get pc` would never list PacingClusters.
 */
export const pacingClusterNames: PacingResourceNames = {
  kind: 'PacingCluster',
  listKind: 'PacingClusterList',
  plural: 'pacingclusters',
  singular: 'pacingcluster',
  shortNames: ['pcl'],
};

/** Names of the PacingTarget kind (short name `pt`). */
export const pacingTargetNames: PacingResourceNames = {
  kind: 'PacingTarget',
  listKind: 'PacingTargetList',
  plural: 'pacingtargets',
  singular: 'pacingtarget',
  shortNames: ['pt'],
};
