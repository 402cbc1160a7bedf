/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description: string;
  /** 1 = shown only with `kubectl get -o wide`. */
  readonly priority?: number;
}

const conditionStatus = (type: string): string => `.status.conditions[?(@.type == "${type}")].status`;

const age: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
  description: 'Time since the object was created.',
};

/** Columns of `kubectl get pacingclusters` (pc). */
export const pacingClusterPrinterColumns: readonly PrinterColumn[] = [
  { name: 'Policy', type: 'string', jsonPath: '.spec.policy', description: 'Pacing policy.' },
  { name: 'Refresh', type: 'string', jsonPath: '.spec.refreshPeriod', description: 'Refresh period.' },
  {
    name: 'Goal',
    type: 'number',
    jsonPath: '.spec.optimizationGoal',
    description: 'Default abandonment goal, %.',
  },
  { name: 'Targets', type: 'integer', jsonPath: '.status.targetCount', description: 'Targets paced.' },
  { name: 'Ready', type: 'string', jsonPath: conditionStatus('Ready'), description: 'Ready condition.' },
  {
    name: 'Degraded',
    type: 'string',
    jsonPath: conditionStatus('Degraded'),
    description: 'An alarm is active.',
  },
  {
    name: 'Leader',
    type: 'string',
    jsonPath: '.status.leaderIdentity',
    description: 'Lease holder.',
    priority: 1,
  },
  {
    name: 'Last Cycle',
    type: 'date',
    jsonPath: '.status.lastCycleTime',
    description: 'Start of the last pacing cycle.',
    priority: 1,
  },
  age,
];

/** Columns of `kubectl get pacingtargets` (pt). */
export const pacingTargetPrinterColumns: readonly PrinterColumn[] = [
  { name: 'Media', type: 'string', jsonPath: '.spec.virtualQueue.media', description: 'Media type.' },
  {
    name: 'Goal',
    type: 'number',
    jsonPath: '.status.effectiveOptimizationGoal',
    description: 'Abandonment goal in force, %.',
  },
  {
    name: 'Invites',
    type: 'integer',
    jsonPath: '.status.invitesPerInterval',
    description: 'Invites per interval.',
  },
  { name: 'Free', type: 'integer', jsonPath: '.status.freeSlots', description: 'Free agent slots credited.' },
  {
    name: 'Abandon %',
    type: 'number',
    jsonPath: '.status.observedAbandonmentPercent',
    description: 'Observed abandonment, %.',
  },
  { name: 'Ready', type: 'string', jsonPath: conditionStatus('Ready'), description: 'Ready condition.' },
  {
    name: 'Queue',
    type: 'string',
    jsonPath: '.spec.virtualQueue.name',
    description: 'Virtual queue.',
    priority: 1,
  },
  {
    name: 'Cluster',
    type: 'string',
    jsonPath: '.spec.clusterRef.name',
    description: 'PacingCluster.',
    priority: 1,
  },
  { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused', description: 'Paused by spec.', priority: 1 },
  {
    name: 'Waiting',
    type: 'integer',
    jsonPath: '.status.waiting',
    description: 'Waiting in queue.',
    priority: 1,
  },
  {
    name: 'Pending',
    type: 'integer',
    jsonPath: '.status.pendingInvitations',
    description: 'Pending invitations.',
    priority: 1,
  },
  {
    name: 'Accepted',
    type: 'string',
    jsonPath: conditionStatus('Accepted'),
    description: 'Spec accepted.',
    priority: 1,
  },
  age,
];
