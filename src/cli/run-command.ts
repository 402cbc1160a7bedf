import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import {
  createEventsClient,
  createKubeClients,
  createPacingEventEmitter,
  createSystemClock,
  CycleQuiet,
  EventRecorder,
  exposedGc,
  HEADROOM_GC_OPTIONS,
  idleHeapOption,
  setHeapGrowingPercent,
  IdleCollector,
  type Clock,
  loadKubeConfig,
  readMemoryBreakdown,
  Operator,
} from '../controller/index.js';
import { DeliberateGcSpans, RuntimeMonitor } from '../alarms/index.js';
import { createHttpDesiredWorker, MetricsOutcomeSink } from '../engine/index.js';
import {
  createMetricsRegistry,
  EventLoopHealth,
  PacingMetrics,
  startMetricsServer,
} from '../metrics/index.js';
import { createOperatorLogger } from './operator-logger.js';
import { resolveRunSettings, runOptionsSchema, type RunSettings } from './run-options.js';

/** Longest a /metrics scrape waits for the pacing cycles in flight before it is rendered anyway, ms. */
const scrapeWaitMs = 2_000;

/** Longest a graceful stop may take before the process exits anyway (Kubernetes' grace period is 30 s). */
const stopDeadlineMs = 20_000;

/** `pacing-operator run`: the operator itself. Flags are parsed once, here, and everything is built from them. */
export function runCommand(): Command {
  const collect = (value: string, previous: string[]) => [...previous, value];
  return new Command('run')
    .description('run the operator: watch PacingClusters and PacingTargets, pace every refresh period')
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: in-cluster, then KUBECONFIG, then ~/.kube/config)',
    )
    .option('--leader-elect', 'elect a leader on a Lease; only the holder publishes', false)
    .option(
      '--lease-namespace <ns>',
      'namespace of the Lease and the learned-state ConfigMaps (default: POD_NAMESPACE)',
    )
    .option('--lease-name <name>', 'Lease name', 'agent-pacing-operator')
    .option('--identity <id>', 'unique identity of this replica (default: <pod or host name>_<random>)')
    .option('--lease-duration <duration>', 'how long a holder keeps the Lease without renewing it', '15s')
    .option(
      '--renew-deadline <duration>',
      'the holder stops publishing when it could not renew for this long',
      '10s',
    )
    .option('--retry-period <duration>', 'wait between Lease acquire/renew attempts', '2s')
    .option('--metrics-port <port>', 'port of /metrics, /healthz and /readyz (0 picks a free one)', '8080')
    .option('--metrics-bind-address <host>', 'address the metrics server listens on', '0.0.0.0')
    .option(
      '--shards <n>',
      'number of shards: 1 is one Lease; N > 1 spreads targets over N Leases <lease-name>-shard-<i> (needs --leader-elect)',
      '1',
    )
    .option('--watch-namespace <ns>', 'watch only this namespace (repeatable; default all)', collect, [])
    .option(
      '--watch-namespaces <list>',
      'comma-separated namespaces to watch (same as repeating --watch-namespace)',
    )
    .option(
      '--state-namespace <ns>',
      'namespace of the learned-state ConfigMaps (default: the lease namespace)',
    )
    .option('--status-writes-per-second <n>', 'global budget of status writes', '20')
    .option(
      '--status-refresh-writes-per-second <n>',
      'most figure refreshes per second, within the budget (default: a quarter of it, at most 20)',
    )
    .option(
      '--status-refresh-window-ms <ms>',
      'send figure refreshes only this long after a pacing cycle ends, away from the next cycle (0 spreads them over the period)',
      '1000',
    )
    .option(
      '--memory-soft-limit-mib <n>',
      'between cycles, run a full garbage collection when resident memory is above this (needs node --expose-gc; 0 is off)',
      '0',
    )
    .option(
      '--heap-growing-percent <n>',
      "how far V8 grows the old generation past its live size before a full collection (100 doubles; 0 is V8's own)",
      '0',
    )
    .addOption(
      new Option('--log-format <format>', 'log line format').choices(['json', 'pretty']).default('json'),
    )
    .addOption(
      new Option('--log-level <level>', 'lowest level logged')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (raw: Record<string, unknown>) => {
      const parsed = runOptionsSchema.safeParse(raw);
      if (!parsed.success) {
        process.stderr.write(
          `pacing-operator run: ${parsed.error.issues.map((i) => i.message).join('; ')}\n`,
        );
        process.exitCode = 2;
        return;
      }
      const settings = resolveRunSettings(
        parsed.data,
        { podName: process.env.POD_NAME, podNamespace: process.env.POD_NAMESPACE },
        Math.random,
      );
      const logger = createOperatorLogger({
        format: settings.options.logFormat,
        level: settings.options.logLevel,
      });
      try {
        await runOperator(settings, logger);
      } catch (error) {
        logger.fatal({ err: error }, 'operator failed to start');
        process.exitCode = 1;
      }
    });
}

/**
 * The composition root: builds the registry, the clients, the operator and the metrics server, starts them and
 * stops them in order on SIGTERM or SIGINT (stop cycles, release the Lease, flush status), then exits 0.
 */
async function runOperator(settings: RunSettings, logger: Logger): Promise<void> {
  const { options } = settings;
  const clock = createSystemClock();
  const random = Math.random;
  const registry = createMetricsRegistry();
  const pacingMetrics = new PacingMetrics(registry);
  const kubeConfig = loadKubeConfig(options.kubeconfig ? { kubeconfigPath: options.kubeconfig } : {}, {
    onDispatcherReplaced: (err) => logger.warn({ err }, 'API server connection broken; opened a fresh one'),
  });
  const clients = createKubeClients(kubeConfig);
  const recorder = new EventRecorder({
    client: createEventsClient(clients.events),
    reportingController: 'pacing.agentpacing.dev/operator',
    reportingInstance: settings.identity.slice(0, 128),
    clock,
    random,
    registry,
    logger,
  });
  const deliberateGcs = new DeliberateGcSpans();
  const runtime = new RuntimeMonitor({ nowMs: () => clock.nowMs(), deliberate: deliberateGcs });
  runtime.start();
  const idleCollector = createIdleCollector(options.memorySoftLimitMib, options.heapGrowingPercent, {
    clock,
    metrics: pacingMetrics,
    deliberateGcs,
    logger,
  });
  // A scrape waits for the cycles in flight (at most 2 s, well inside the chart's 10 s scrape timeout).
  const scrapeQuiet = new CycleQuiet({ clock, maxWaitMs: scrapeWaitMs });
  const heapGrowingFlag = setHeapGrowingPercent(options.heapGrowingPercent);
  if (heapGrowingFlag !== undefined) {
    logger.info({ heapGrowingPercent: options.heapGrowingPercent }, 'V8 heap growing factor set');
  }
  const operator = new Operator({
    runtime,
    clients,
    clock,
    random,
    registry,
    logger,
    identity: settings.identity,
    watchNamespaces: settings.watchNamespaces,
    stateNamespace: options.stateNamespace ?? settings.operatorNamespace,
    leaderElection: options.leaderElect
      ? {
          namespace: settings.operatorNamespace,
          name: options.leaseName,
          leaseDurationMs: options.leaseDuration,
          renewDeadlineMs: options.renewDeadline,
          retryPeriodMs: options.retryPeriod,
          shards: options.shards,
        }
      : undefined,
    events: createPacingEventEmitter(recorder),
    extraSinks: [new MetricsOutcomeSink(pacingMetrics)],
    statusWritesPerSecond: options.statusWritesPerSecond,
    statusRefreshWritesPerSecond: options.statusRefreshWritesPerSecond,
    statusRefreshWindowMs: options.statusRefreshWindowMs,
    cycleGates: idleCollector === undefined ? [scrapeQuiet] : [scrapeQuiet, idleCollector],
    createWorkerFactory: (shared) => (cluster, durationsMs, credentials) =>
      createHttpDesiredWorker(cluster, durationsMs, credentials, {
        clock,
        random,
        identity: settings.identity,
        fence: shared.fence,
        stateStore: shared.stateStore,
        sink: shared.sink,
        cycleGate: shared.cycleGate,
        logger,
        onEngagementRequest: (clusterKey, m) =>
          pacingMetrics.recordEngagementRequest(clusterKey, {
            durationSeconds: m.durationMs / 1000,
            outcome: m.outcome,
            requestBytes: m.requestBytes,
            responseBytes: m.responseBytes,
          }),
        onStatsRead: (clusterKey, m) => pacingMetrics.recordStatsAnswer(clusterKey, m.wireBytes, m.form),
      }),
  });
  const health = new EventLoopHealth({ clock });
  const server = await startMetricsServer({
    host: options.metricsBindAddress,
    port: options.metricsPort,
    registry,
    health,
    isReady: () => operator.isReady(),
    beforeMetrics: () => scrapeQuiet.whenQuiet(),
    logger,
  });
  logger.info(
    { metricsPort: server.port, url: server.url, identity: settings.identity },
    'metrics server listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = (signal: string): Promise<void> =>
    (stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      const deadline = setTimeout(() => {
        logger.error({ deadlineMs: stopDeadlineMs }, 'graceful stop took too long; exiting');
        process.exit(1);
      }, stopDeadlineMs);
      deadline.unref();
      await operator.stop();
      idleCollector?.close();
      await recorder.close();
      runtime.close();
      health.close();
      await server.close();
      await kubeConfig.close();
      clearTimeout(deadline);
      logger.info('shutdown complete');
      logger.flush();
      process.exit(0);
    })());
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await operator.start();
}

/**
 * The idle collector for `--memory-soft-limit-mib` (undefined when it is 0). Without `--expose-gc` there is no
 * `gc` to call: the limit is then not kept, and the log says so once instead of failing the start. With a heap
 * growing percent set, V8's limit is known, and the collector also runs the full collection V8 would otherwise
 * start inside the next cycle. Its collections are recorded in `deliberateGcs`, which the runtime alarms skip.
 */
function createIdleCollector(
  softLimitMib: number,
  heapGrowingPercent: number,
  {
    clock,
    metrics,
    deliberateGcs,
    logger,
  }: { clock: Clock; metrics: PacingMetrics; deliberateGcs: DeliberateGcSpans; logger: Logger },
): IdleCollector | undefined {
  if (softLimitMib === 0) return undefined;
  const collect = exposedGc();
  const collectPlain = exposedGc(globalThis, HEADROOM_GC_OPTIONS);
  if (collect === undefined || collectPlain === undefined) {
    logger.warn(
      { memorySoftLimitMib: softLimitMib },
      'memory soft limit not kept: node runs without --expose-gc (the chart sets it in NODE_OPTIONS)',
    );
    return undefined;
  }
  const heap = idleHeapOption(heapGrowingPercent, () => deliberateGcs.run(collectPlain));
  logger.info(
    { memorySoftLimitMib: softLimitMib, heapHeadroom: heap !== undefined },
    'collecting between cycles above the memory soft limit',
  );
  return new IdleCollector({
    softLimitBytes: softLimitMib * 1024 * 1024,
    collect: () => deliberateGcs.run(collect),
    heap,
    memoryBreakdown: readMemoryBreakdown,
    clock,
    logger,
    onCollected: (c) => metrics.recordIdleCollection(c.durationMs / 1000, c.reason),
  });
}
