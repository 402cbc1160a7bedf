// One scale run: its own control plane, the reference servers over a generated contact center, one operator
// replica, N PacingTargets created in parallel; then the time until all are Ready and a steady window of cycles.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { stringify as toYaml } from 'yaml';
import { ChildProcesses } from '../../../src/demo/child-processes.js';
import { parsePrometheusText, type PrometheusSample } from '../../../src/demo/prometheus-text.js';
import { referenceServersArgs } from '../../../src/demo/reference-servers-args.js';
import {
  apiserverWrites,
  cycleLines,
  cyclesWithin,
  logProblems,
  percentile,
  phaseFigures,
  round,
  sumOf,
  type ScaleDetails,
  type ScaleRow,
} from './scale-figures.js';
import {
  scaleClusterObjects,
  scaleScenario,
  scaleTarget,
  SCALE_NAMESPACE,
  type ScalePorts,
  type ScaleSize,
} from './scale-fixtures.js';
import { waitForHttp } from '../wait-for-http.js';
import { ContentionSampler, cycleContention, type WatchedProcess } from './core-contention.js';
import { gcOverlap, parseGcTrace, processStartMs, withGcTrace } from './go-gc-trace.js';
import { ProcessSampler } from './process-sampler.js';
import { ReadyWatch, hasPacingDecision, isReadyTrue, listPacingTargets } from './ready-watch.js';

/** Settings of one run (from the environment, see scale-bench.ts). */
export interface ScaleRunSettings {
  readonly repoRoot: string;
  readonly size: ScaleSize;
  readonly ports: ScalePorts;
  /** Operator replicas and shards (--shards; more than 1 needs sharding in the operator). */
  readonly replicas: number;
  readonly shards: number;
  /** Global status write budget of each replica (its --status-writes-per-second). */
  readonly statusWritesPerSecond: number;
  /** Parallel creates. */
  readonly createConcurrency: number;
  /** Give up waiting for Ready this many seconds after the last create (the row then records readySeconds null). */
  readyTimeoutSeconds: number;
  /** Length of the steady window sampled after every target is Ready. */
  readonly windowSeconds: number;
  /** Write a CPU profile of the operator (node --cpu-prof) into the run directory. */
  readonly cpuProfile: boolean;
  /** More node flags for the reference servers (diagnostics such as `--trace-gc`; their output goes to their log). */
  readonly serversNodeFlags?: readonly string[];
  /** Write an allocation sampling profile of the operator (node --heap-prof) into the run directory. */
  readonly heapProfile: boolean;
  /** Write a heap snapshot of each operator replica at the end of the window (node --heapsnapshot-signal). */
  readonly heapSnapshot: boolean;
  /** The operator's V8 heap flags (--max-old-space-size, --max-semi-space-size), as the chart sets them. */
  readonly heapFlags: readonly string[];
  /** The operator's extra environment (the chart's glibc malloc thresholds). */
  readonly operatorEnv: Readonly<Record<string, string>>;
  /** More `run` flags, as the chart sets them (the memory soft limit). */
  readonly operatorArgs: readonly string[];
  /** CPUs (a taskset list such as "0") the operator replicas run on; undefined: any. */
  readonly operatorCpus?: string | undefined;
  /** CPUs the reference servers run on; undefined: any. */
  readonly serversCpus?: string | undefined;
  /** Niceness of the operator replicas, every thread (`nice -n`); undefined: the bench's own (0). */
  readonly operatorNice?: number | undefined;
  /** Print a progress line. */
  readonly say: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: the run stops waiting and cleans up. */
  readonly signal: AbortSignal;
}

/** What one run measured. */
export interface ScaleRunResult {
  row: ScaleRow;
  details: ScaleDetails;
  runDir: string;
}

const GROUP = 'pacing.agentpacing.dev';
const VERSION = 'v1alpha1';

/** Runs one size end to end and always stops what it started. */
export async function runScaleSize(settings: ScaleRunSettings): Promise<ScaleRunResult> {
  const { repoRoot, size, ports, say, signal } = settings;
  const runDir = path.join(
    repoRoot,
    '.cache/scale-bench',
    `${size.targets}x${size.agents}-${settings.replicas}r${settings.shards}s`,
  );
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const script = path.join(repoRoot, 'deploy/local/control-plane.sh');
  const cli = path.join(repoRoot, 'dist/src/cli/main.js');
  // The operator runs from the bundle the image ships (make build), the reference servers from the tsc output.
  const operatorCli = path.join(repoRoot, 'dist/operator/pacing-operator.mjs');
  const clusterDir = path.join(runDir, 'cluster');
  const children = new ChildProcesses();
  const samplers: ProcessSampler[] = [];
  let readyWatch: ReadyWatch | undefined;
  let isControlPlaneUp = false;
  try {
    say(`[${size.targets}] starting a control plane in ${clusterDir}`);
    isControlPlaneUp = true;
    const kubeconfig = execFileSync('bash', [script, 'up', clusterDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      // Each Go collection of the API server and etcd as a line of their logs: the report says which cycles one overlapped.
      env: { ...process.env, GODEBUG: withGcTrace(process.env['GODEBUG']) },
    }).trim();
    const binDir = execFileSync('bash', [script, 'bin-dir'], { encoding: 'utf8' }).trim();
    const kubectl = (args: string[], input?: string) =>
      execFileSync(path.join(binDir, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], {
        encoding: 'utf8',
        input,
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      });
    kubectl(['apply', '-f', path.join(repoRoot, 'crds')]);
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);

    const scenarioFile = path.join(runDir, 'scenario.yaml');
    writeFileSync(scenarioFile, toYaml(scaleScenario(size)));
    say(
      `[${size.targets}] reference servers: ${size.targets} targets, ${size.agents} agents (${scenarioFile})`,
    );
    const servers = children.start(
      'reference-servers',
      ...pinnedTo(settings.serversCpus, process.execPath, [
        // Their profile too: a cycle waits for the statistics and engagement answers of these servers.
        ...(settings.cpuProfile
          ? ['--cpu-prof', '--cpu-prof-dir', path.join(runDir, 'servers-profile')]
          : []),
        ...(settings.serversNodeFlags ?? []),
        ...referenceServersArgs(cli, scenarioFile, ports),
      ]),
      path.join(runDir, 'reference-servers.log'),
    );
    await waitForHttp(
      `http://127.0.0.1:${ports.stats}/healthz`,
      300_000,
      () => children.isRunning('reference-servers'),
      signal,
    );
    samplers.push(new ProcessSampler(servers.process.pid!));

    kubectl(
      ['apply', '-f', '-'],
      scaleClusterObjects(ports)
        .map((o) => toYaml(o))
        .join('---\n'),
    );
    const nodeArgs = [
      ...(settings.cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', runDir] : []),
      ...(settings.heapProfile ? ['--heap-prof', '--heap-prof-dir', runDir] : []),
      ...settings.heapFlags,
      ...(settings.heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${runDir}`] : []),
    ];
    const replicas = Array.from({ length: settings.replicas }, (_, r) => ({
      name: `operator-${r + 1}`,
      port: ports.metrics + r,
      log: path.join(runDir, `operator-${r + 1}.log`),
    }));
    const operatorSamplers: ProcessSampler[] = [];
    const operators: { process: { kill(signal: NodeJS.Signals): boolean } }[] = [];
    // Operators first: a cycle's process index is its replica's.
    const watched: WatchedProcess[] = [];
    for (const [r, replica] of replicas.entries()) {
      say(
        `[${size.targets}] operator replica ${r + 1}/${replicas.length}, ${settings.shards} shard(s) (metrics on 127.0.0.1:${replica.port}, log ${replica.log})`,
      );
      const operator = children.start(
        replica.name,
        ...pinnedTo(
          settings.operatorCpus,
          ...niced(settings.operatorNice, process.execPath, [
            ...nodeArgs,
            operatorCli,
            'run',
            '--kubeconfig',
            kubeconfig,
            '--leader-elect',
            '--lease-namespace',
            SCALE_NAMESPACE,
            '--shards',
            String(settings.shards),
            '--identity',
            `scale-replica-${r + 1}`,
            '--metrics-port',
            String(replica.port),
            '--metrics-bind-address',
            '127.0.0.1',
            '--status-writes-per-second',
            String(settings.statusWritesPerSecond),
            '--log-level',
            'debug',
            ...settings.operatorArgs,
          ]),
        ),
        replica.log,
        settings.operatorEnv,
      );
      operatorSamplers.push(new ProcessSampler(operator.process.pid!));
      operators.push(operator);
      watched.push({ name: replica.name, pid: operator.process.pid!, hasHelperThreads: true });
    }
    watched.push(
      { name: 'reference servers', pid: servers.process.pid!, hasHelperThreads: true },
      ...controlPlanePids(clusterDir),
      { name: 'the bench', pid: process.pid, hasHelperThreads: true },
    );
    const contention = new ContentionSampler(watched);
    const apiServerPid = watched.find((w) => w.name === 'kube-apiserver')?.pid;
    const apiServerStartMs = apiServerPid === undefined ? undefined : processStartMs(apiServerPid);
    samplers.push(...operatorSamplers);
    const peakRss = () => Math.max(...operatorSamplers.map((o) => o.rssMiB()));
    for (const replica of replicas) {
      await waitForHttp(
        `http://127.0.0.1:${replica.port}/readyz`,
        60_000,
        () => children.isRunning(replica.name),
        signal,
      );
    }

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const api = kc.makeApiClient(CustomObjectsApi);

    say(
      `[${size.targets}] creating ${size.targets} PacingTargets (${settings.createConcurrency} in parallel)`,
    );
    // Ready is watched from before the first create: a target Ready while others are still being created counts
    // from when it became Ready, not from the first list after the creates.
    readyWatch = new ReadyWatch(kc, api, { group: GROUP, version: VERSION, namespace: SCALE_NAMESPACE });
    await readyWatch.start();
    const createStartMs = Date.now();
    const createdAtMs = new Map<string, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: settings.createConcurrency }, async () => {
        while (next < size.targets) {
          signal.throwIfAborted();
          const i = next++;
          const body = scaleTarget(size, i);
          await createWithRetry(() =>
            api.createNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: SCALE_NAMESPACE,
              plural: 'pacingtargets',
              body,
            }),
          );
          createdAtMs.set((body.metadata as { name: string }).name, Date.now());
        }
      }),
    );
    const createSeconds = (Date.now() - createStartMs) / 1000;
    say(`[${size.targets}] created in ${createSeconds.toFixed(1)} s; waiting for Ready=True on every target`);

    const pollMs = size.targets >= 10_000 ? 5_000 : 2_000;
    // Counted from the last create: at 30,000 targets the creates alone outlast the default timeout, and a
    // deadline from the first create ended the wait before the last targets could turn Ready.
    const readyDeadline = Date.now() + settings.readyTimeoutSeconds * 1000;
    // Ready as a user sees it: the first watch event or list that shows Ready=True (the condition's
    // lastTransitionTime is when the operator decided, which can be long before the budgeted status write makes
    // it visible). The lists count; the watch dates.
    const readySeenMs = readyWatch.seenMs;
    const decidedSeenMs = readyWatch.decidedMs;
    let ready = await readiness(api, readySeenMs, decidedSeenMs);
    let lastSay = 0;
    const throwUnlessAllRunning = () => {
      for (const replica of replicas) {
        if (!children.isRunning(replica.name)) throw new Error(`${replica.name} exited; see ${replica.log}`);
      }
      if (!children.isRunning('reference-servers')) throw new Error('the reference servers exited');
    };
    while (ready.count < size.targets && Date.now() < readyDeadline) {
      throwUnlessAllRunning();
      if (Date.now() - lastSay >= 15_000) {
        say(
          `[${size.targets}] Ready ${ready.count}/${size.targets} after ${((Date.now() - createStartMs) / 1000).toFixed(0)} s, operator RSS ${peakRss().toFixed(0)} MiB`,
        );
        lastSay = Date.now();
      }
      await sleep(pollMs, undefined, { signal });
      ready = await readiness(api, readySeenMs, decidedSeenMs);
    }
    const allReady = ready.count === size.targets;
    let lastReadyMs = Number.NEGATIVE_INFINITY;
    let maxReadyAfterCreate: number | null = null;
    for (const [name, seenMs] of readySeenMs) {
      lastReadyMs = Math.max(lastReadyMs, seenMs);
      const created = createdAtMs.get(name);
      if (created !== undefined)
        maxReadyAfterCreate = Math.max(maxReadyAfterCreate ?? 0, (seenMs - created) / 1000);
    }
    const readySeconds = allReady ? (lastReadyMs - createStartMs) / 1000 : null;
    say(
      allReady
        ? `[${size.targets}] every target Ready ${readySeconds!.toFixed(0)} s after the first create`
        : `[${size.targets}] only ${ready.count}/${size.targets} Ready ${settings.readyTimeoutSeconds} s after the last create; measuring the steady window anyway`,
    );
    // The window is meant to be steady, so it waits for onboarding to end too: a target's first pacing decision
    // (the Pacing condition its first cycle sets) is a condition change, written ahead of figures. At 30,000 targets
    // on three replicas those writes were still draining at 130 a second through a window begun once every target
    // was Ready (the API server's latency bounds the writes each replica has in flight).
    const decidedDeadline = Date.now() + settings.readyTimeoutSeconds * 1000;
    while (ready.decidedCount < size.targets && Date.now() < decidedDeadline) {
      throwUnlessAllRunning();
      await sleep(pollMs, undefined, { signal });
      ready = await readiness(api, readySeenMs, decidedSeenMs);
    }
    // Stopped before the steady window, which it would only load.
    await readyWatch.stop();
    const lastDecidedMs = Math.max(...decidedSeenMs.values());
    const decidedSeconds =
      ready.decidedCount === size.targets ? (lastDecidedMs - createStartMs) / 1000 : null;
    say(
      decidedSeconds !== null
        ? `[${size.targets}] every target's first pacing decision shown ${decidedSeconds.toFixed(0)} s after the first create`
        : `[${size.targets}] only ${ready.decidedCount}/${size.targets} targets show a pacing decision; measuring the steady window anyway`,
    );

    say(`[${size.targets}] steady window: ${settings.windowSeconds} s of cycles`);
    const logOffsets = replicas.map((replica) => statSync(replica.log).size);
    const before = await scrapeWindowEdge(
      replicas.map((r) => r.port),
      kubectl,
    );
    const serverCpuBefore = samplers[0]!.cpuSeconds();
    for (const sampler of operatorSamplers) sampler.startWindow();
    // The cycles measured are those between the two scrapes, which are the bench's own load (6 MB of operator
    // metrics at 10,000 targets to render and parse, and the API server's): a cycle beside one waited on the bench.
    const cyclesFromMs = Date.now();
    contention.start();
    try {
      await sleep(settings.windowSeconds * 1000, undefined, { signal });
    } finally {
      contention.stop();
    }
    const cyclesUntilMs = Date.now();
    const after = await scrapeWindowEdge(
      replicas.map((r) => r.port),
      kubectl,
    );
    const serverCpuAfter = samplers[0]!.cpuSeconds();
    if (settings.heapSnapshot) {
      for (const operator of operators) operator.process.kill('SIGUSR2');
      say(`[${size.targets}] heap snapshots requested into ${runDir} (written in the background)`);
      await sleep(60_000, undefined, { signal });
    }
    const windowSeconds = (after.atMs - before.atMs) / 1000;
    after.operatorTexts.forEach((text, r) =>
      writeFileSync(path.join(runDir, `operator-${r + 1}-metrics-end.txt`), text),
    );
    const linesByReplica = await Promise.all(
      replicas.map(async (replica, r) =>
        cyclesWithin(cycleLines(await readFrom(replica.log, logOffsets[r]!)), cyclesFromMs, cyclesUntilMs),
      ),
    );
    const lines = linesByReplica.flat();
    // A cycle's line is written as it ends.
    const timedCycles = linesByReplica.flatMap((replicaLines, r) =>
      replicaLines.map((l) => ({ processIndex: r, startMs: l.timeMs - l.durationMs, endMs: l.timeMs })),
    );
    const cycleContentionFigures = cycleContention(watched, contention.samples(), timedCycles);
    const apiServerGc =
      apiServerStartMs === undefined
        ? undefined
        : gcOverlap(
            parseGcTrace(readFileSync(path.join(clusterDir, 'apiserver.log'), 'utf8'), apiServerStartMs),
            timedCycles,
            cyclesFromMs,
            cyclesUntilMs,
          );
    if (lines.length === 0)
      say(`[${size.targets}] no cycle ran in the window; see the operator logs in ${runDir}`);
    const durations = lines.map((l) => l.durationMs);
    const hasCycles = durations.length > 0;
    const cyclePhases = phaseFigures(lines);
    // Sums over the replicas: each replica's cycles pace the targets of the shards it holds.
    const delta = (name: string, match: Record<string, string | RegExp> = {}) =>
      sumOf(after.operator, name, match) - sumOf(before.operator, name, match);
    const cycles = delta('pacing_cycle_duration_seconds_count');
    const requestBytes = delta('pacing_engagement_request_bytes_sum', { direction: 'request' });
    const responseBytes = delta('pacing_engagement_request_bytes_sum', { direction: 'response' });
    const chunks = delta('pacing_engagement_request_bytes_count', { direction: 'request' });
    const exchangeSeconds = delta('pacing_engagement_request_duration_seconds_sum');
    const exchanges = delta('pacing_engagement_request_duration_seconds_count');
    const cpuSeconds = delta('process_cpu_seconds_total');
    const statusWrites = delta('pacing_status_writes_total');
    const apiWrites = apiserverWrites(after.apiserver) - apiserverWrites(before.apiserver);

    const row: ScaleRow = {
      targets: size.targets,
      agents: size.agents,
      replicas: settings.replicas,
      shards: settings.shards,
      readySeconds: readySeconds === null ? null : round(readySeconds, 1),
      cycleP50Ms: hasCycles ? round(percentile(durations, 50), 1) : null,
      cycleP99Ms: hasCycles ? round(percentile(durations, 99), 1) : null,
      cpuMsPerCycle: cycles > 0 ? round((cpuSeconds * 1000) / cycles, 1) : null,
      rssMiB: round(
        Math.max(...after.perReplica.map((samples) => sumOf(samples, 'process_resident_memory_bytes'))) /
          2 ** 20,
        1,
      ),
      apiWritesPerSecond: round(apiWrites / windowSeconds, 2),
      bytesPerExchange: Math.round((requestBytes + responseBytes) / Math.max(1, cycles)),
    };
    const details: ScaleDetails = {
      createSeconds: round(createSeconds, 1),
      readyTargets: ready.count,
      maxReadyAfterCreateSeconds: maxReadyAfterCreate === null ? null : round(maxReadyAfterCreate, 1),
      decidedSeconds: decidedSeconds === null ? null : round(decidedSeconds, 1),
      readyPollSeconds: pollMs / 1000,
      heapUsedMiB: round(
        Math.max(...after.perReplica.map((samples) => sumOf(samples, 'nodejs_heap_size_used_bytes'))) /
          2 ** 20,
        1,
      ),
      apiWritesByResource: writesByResource(before.apiserver, after.apiserver, windowSeconds),
      targetTransitionsByReason: targetTransitionsByReason(before.operator, after.operator, windowSeconds),
      unresponsiveReplicas: after.operatorTexts.filter((text) => text === '').length,
      leadingAtEnd:
        settings.shards === 1
          ? sumOf(after.operator, 'leader_election_master_status') === 1
          : sumOf(after.operator, 'pacing_shards_held') === settings.shards,
      problems: logProblems((await Promise.all(replicas.map((r) => readFrom(r.log, 0)))).join('\n')),
      windowCycles: lines.length,
      publishedCycles: lines.filter((l) => l.published).length,
      windowSeconds: round(windowSeconds, 1),
      statusWritesPerSecond: round(statusWrites / windowSeconds, 2),
      statusWriteBudget: settings.statusWritesPerSecond,
      statusWritesByClass: Object.fromEntries(
        ['urgent-first', 'urgent', 'first', 'routine'].map((writeClass) => [
          writeClass,
          round(delta('pacing_status_writes_total', { class: writeClass }) / windowSeconds, 2),
        ]),
      ),
      pendingStatusWrites: sumOf(after.operator, 'pacing_status_pending_writes'),
      cycleMaxMs: hasCycles ? round(Math.max(...durations), 1) : null,
      rssPeakMiB: round(Math.max(...operatorSamplers.map((o) => o.peakRssMiB())), 1),
      rssWindowPeakMiB: round(Math.max(...operatorSamplers.map((o) => o.windowPeakRssMiB())), 1),
      serversCpuShare: round((serverCpuAfter - serverCpuBefore) / windowSeconds, 3),
      serversRssPeakMiB: round(samplers[0]!.peakRssMiB(), 1),
      requestBytesPerChunk: Math.round(requestBytes / Math.max(1, chunks)),
      responseBytesPerChunk: Math.round(responseBytes / Math.max(1, chunks)),
      chunksPerCycle: round(chunks / Math.max(1, cycles), 2),
      engagementRoundTripMs: round((exchangeSeconds * 1000) / Math.max(1, exchanges), 1),
      ...(cyclePhases === undefined ? {} : { cyclePhases }),
      ...(cycleContentionFigures === undefined ? {} : { contention: cycleContentionFigures }),
      ...(apiServerGc === undefined ? {} : { apiServerGc }),
    };
    return { row, details, runDir };
  } finally {
    await readyWatch?.stop();
    for (const sampler of samplers) sampler.close();
    say(`[${size.targets}] stopping the operator, the reference servers and the control plane`);
    await children.stopAll(30_000);
    if (isControlPlaneUp) {
      try {
        execFileSync('bash', [script, 'down', clusterDir], { stdio: 'ignore' });
      } catch {
        say(`[${size.targets}] the control plane did not stop cleanly; see ${clusterDir}`);
      }
    }
  }
}

/** The API server's and etcd's pids, from the pid files control-plane.sh writes into its run directory. */
function controlPlanePids(clusterDir: string): WatchedProcess[] {
  return [
    { name: 'kube-apiserver', file: 'apiserver.pid' },
    { name: 'etcd', file: 'etcd.pid' },
  ].flatMap(({ name, file }) => {
    try {
      return [{ name, pid: Number(readFileSync(path.join(clusterDir, file), 'utf8').trim()) }];
    } catch {
      return [];
    }
  });
}

/** Creates, retrying a few times on throttling or a transient failure (an existing object counts as created). */
async function createWithRetry(create: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 409) return;
      if (attempt >= 5) throw error;
      await sleep(200 * attempt);
    }
  }
}

interface Readiness {
  count: number;
  /** Targets showing a pacing decision ({@link hasPacingDecision}). */
  decidedCount: number;
  /** When this list was taken, epoch ms. */
  atMs: number;
}

/**
 * Lists the PacingTargets, counts those with Ready=True and those with a pacing decision, and notes when each
 * was first seen so.
 */
async function readiness(
  api: CustomObjectsApi,
  readySeenMs: Map<string, number>,
  decidedSeenMs: Map<string, number>,
): Promise<Readiness> {
  const atMs = Date.now();
  let count = 0;
  let decidedCount = 0;
  await listPacingTargets(api, { group: GROUP, version: VERSION, namespace: SCALE_NAMESPACE }, (item) => {
    const name = item.metadata?.name;
    if (name === undefined) return;
    if (isReadyTrue(item)) {
      count += 1;
      if (!readySeenMs.has(name)) readySeenMs.set(name, atMs);
    }
    if (hasPacingDecision(item)) {
      decidedCount += 1;
      if (!decidedSeenMs.has(name)) decidedSeenMs.set(name, atMs);
    }
  });
  return { count, decidedCount, atMs };
}

/** Apiserver writes per second by `resource[/subresource] VERB` over the window, largest first. */
function writesByResource(
  before: readonly PrometheusSample[],
  after: readonly PrometheusSample[],
  seconds: number,
): Record<string, number> {
  return ratesBy(before, after, seconds, (s) => {
    if (s.name !== 'apiserver_request_total') return undefined;
    if (!/^(POST|PUT|PATCH|DELETE|APPLY)$/.test(s.labels.verb ?? '')) return undefined;
    const sub = s.labels.subresource ? `/${s.labels.subresource}` : '';
    return `${s.labels.resource ?? '?'}${sub} ${s.labels.verb}`;
  });
}

/** PacingTarget condition transitions per second over the window by `type/reason`, largest first. */
function targetTransitionsByReason(
  before: readonly PrometheusSample[],
  after: readonly PrometheusSample[],
  seconds: number,
): Record<string, number> {
  return ratesBy(before, after, seconds, (s) =>
    s.name === 'pacing_condition_transitions_total' && s.labels.kind === 'PacingTarget'
      ? `${s.labels.type ?? '?'}/${s.labels.reason ?? '?'}`
      : undefined,
  );
}

/** Per-second increases of the counters `keyOf` names (undefined: not counted) between two scrapes, largest first. */
function ratesBy(
  before: readonly PrometheusSample[],
  after: readonly PrometheusSample[],
  seconds: number,
  keyOf: (sample: PrometheusSample) => string | undefined,
): Record<string, number> {
  const totals = new Map<string, number>();
  const add = (samples: readonly PrometheusSample[], sign: number) => {
    for (const s of samples) {
      const key = keyOf(s);
      if (key !== undefined) totals.set(key, (totals.get(key) ?? 0) + sign * s.value);
    }
  };
  add(after, 1);
  add(before, -1);
  return Object.fromEntries(
    [...totals]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, round(n / seconds, 2)]),
  );
}

interface WindowEdge {
  atMs: number;
  /** Every replica's samples together (sums over replicas). */
  operator: PrometheusSample[];
  /** Each replica's samples. */
  perReplica: PrometheusSample[][];
  operatorTexts: string[];
  apiserver: PrometheusSample[];
}

/** Scrapes every replica's /metrics and the apiserver's /metrics (admin credential) at one edge of the window. */
async function scrapeWindowEdge(
  metricsPorts: readonly number[],
  kubectl: (args: string[]) => string,
): Promise<WindowEdge> {
  const atMs = Date.now();
  // A replica whose event loop is stuck does not answer; its figures are left out and counted, not fatal.
  const operatorTexts = await Promise.all(
    metricsPorts.map(async (port) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(30_000) });
        return res.ok ? await res.text() : '';
      } catch {
        return '';
      }
    }),
  );
  const perReplica = operatorTexts.map((text) => parsePrometheusText(text));
  const apiserver = parsePrometheusText(
    kubectl(['get', '--raw', '/metrics'])
      .split('\n')
      .filter((l) => l.startsWith('apiserver_request_total'))
      .join('\n'),
  );
  return { atMs, operator: perReplica.flat(), perReplica, operatorTexts, apiserver };
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The command and arguments that run `command` on the CPUs of a taskset list (taskset execs it, so the process
 * keeps its pid for the samplers), or unchanged without a list.
 */
function pinnedTo(cpus: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return cpus === undefined ? [command, [...args]] : ['taskset', ['--cpu-list', cpus, command, ...args]];
}

/**
 * The command and arguments that run `command` at a niceness (nice execs it too, and every thread the process
 * starts inherits it, V8's helpers included; renice of a pid would change the main thread only), or unchanged.
 */
function niced(nice: number | undefined, command: string, args: readonly string[]): [string, string[]] {
  return nice === undefined ? [command, [...args]] : ['nice', ['-n', String(nice), command, ...args]];
}
