import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type Labels<L extends string> = readonly L[];

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: Labels<L>) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: Labels<L>) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ name, help, labelNames: [...labelNames], registers: [registry] });
}

function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: Labels<L>,
  buckets: number[],
) {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({ name, help, labelNames: [...labelNames], buckets, registers: [registry] });
}

// Same buckets as client-go's workqueue metrics (10 µs … 10 s, ×10) so existing dashboards read them.
const QUEUE_BUCKETS = [1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10];
// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/**
 * The Kubernetes-side metrics, registered on the given registry the first time and reused afterwards, so
 * every queue, informer and elector built on one registry shares one family per name (told apart by labels).
 * Names mirror client-go / controller-runtime so existing dashboards work.
 */
export function controllerMetrics(registry: Registry) {
  return {
    workqueueDepth: gauge(registry, 'workqueue_depth', 'Current depth of the work queue.', ['name']),
    workqueueAdds: counter(registry, 'workqueue_adds_total', 'Keys added to the work queue.', ['name']),
    workqueueRetries: counter(registry, 'workqueue_retries_total', 'Rate-limited retries of keys.', ['name']),
    workqueueQueueDuration: histogram(
      registry,
      'workqueue_queue_duration_seconds',
      'Seconds a key waits in the queue before being processed.',
      ['name'],
      QUEUE_BUCKETS,
    ),
    workqueueWorkDuration: histogram(
      registry,
      'workqueue_work_duration_seconds',
      'Seconds processing one key takes.',
      ['name'],
      QUEUE_BUCKETS,
    ),
    reconcileTotal: counter(registry, 'controller_runtime_reconcile_total', 'Reconciliations by result.', [
      'controller',
      'result',
    ]),
    reconcileErrors: counter(
      registry,
      'controller_runtime_reconcile_errors_total',
      'Reconciliations that ended in an error (retried or terminal).',
      ['controller'],
    ),
    terminalReconcileErrors: counter(
      registry,
      'controller_runtime_terminal_reconcile_errors_total',
      'Reconciliations that ended in a terminal error (not retried).',
      ['controller'],
    ),
    reconcileTime: histogram(
      registry,
      'controller_runtime_reconcile_time_seconds',
      'Seconds per reconciliation.',
      ['controller'],
      RECONCILE_BUCKETS,
    ),
    leaderStatus: gauge(
      registry,
      'leader_election_master_status',
      '1 while this process holds the named lease, 0 otherwise.',
      ['name'],
    ),
    shardsHeld: gauge(
      registry,
      'pacing_shards_held',
      'Shards whose Lease this replica holds (sharded operators only).',
      ['lease'],
    ),
    leaderSlowpath: counter(
      registry,
      'leader_election_slowpath_total',
      'Lease renewals that had to GET the lease first (the fast path could not be used).',
      ['name'],
    ),
    informerConnects: counter(
      registry,
      'pacing_informer_connects_total',
      'Informer (re)connections: each LIST or WATCH start.',
      ['informer'],
    ),
    informerErrors: counter(
      registry,
      'pacing_informer_errors_total',
      'Errors that stopped an informer (it is restarted with backoff).',
      ['informer'],
    ),
    informerRestarts: counter(
      registry,
      'pacing_informer_restarts_total',
      'Informer restarts after an error.',
      ['informer'],
    ),
    informerHandlerErrors: counter(
      registry,
      'pacing_informer_handler_errors_total',
      'Exceptions thrown by informer event handlers (caught; they must never reach client-node).',
      ['informer'],
    ),
    informerSynced: gauge(
      registry,
      'pacing_informer_synced',
      '1 once the informer finished its first LIST.',
      ['informer'],
    ),
    statusWrites: counter(
      registry,
      'pacing_status_writes_total',
      'Status merge patches written, by kind and class: urgent-first, urgent (condition changes a user waits for), first (a rewrite after a gained lease or shard), routine (figures and routine Pacing flips).',
      ['kind', 'class'],
    ),
    statusWriteErrors: counter(
      registry,
      'pacing_status_write_errors_total',
      'Status merge patches that failed.',
      ['kind'],
    ),
    conditionTransitions: counter(
      registry,
      'pacing_condition_transitions_total',
      'Condition transitions (a new condition, status or reason) of the objects this replica writes, announced as Events or not.',
      ['kind', 'type', 'reason'],
    ),
    statusWritesDropped: counter(
      registry,
      'pacing_status_writes_dropped_total',
      'Queued status writes dropped because another replica holds the object now (its Lease or shard moved).',
      ['kind'],
    ),
    statusBudgetExhausted: counter(
      registry,
      'pacing_status_write_budget_exhausted_total',
      'Times a due status write had to wait because the global write budget was empty.',
      [],
    ),
    statusPendingWrites: gauge(
      registry,
      'pacing_status_pending_writes',
      'Objects whose changed status waits to be written.',
      [],
    ),
    eventsWritten: counter(
      registry,
      'pacing_events_written_total',
      'events.k8s.io/v1 writes by operation (create, patch).',
      ['operation'],
    ),
    eventsDropped: counter(
      registry,
      'pacing_events_dropped_total',
      'Events not written, by reason (spam_limit, overload, api_error).',
      ['reason'],
    ),
  };
}

/** The metric handles returned by {@link controllerMetrics}. */
export type ControllerMetrics = ReturnType<typeof controllerMetrics>;
