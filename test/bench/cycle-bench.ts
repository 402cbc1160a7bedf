// Cycle benchmark: prints figures, asserts nothing (speed is not tested, see PREAMBLE). Run with `make bench-cycle`.
// The operator's pacing cycle without Kubernetes: the production worker's ports (HTTP statistics client, OAuth2
// engagement client, the src/pacing decider) run `runPacingCycle` every refresh period against the reference
// servers in another process, over the scale bench's generated contact center. It shows what a cycle costs on
// this machine with no API server, etcd, informer or status writes beside it: the floor under the scale bench's
// cycle figures (docs/performance.md).
//
// Environment:
//   CYCLE_TARGETS=10000        targets (5 agents each, as in the scale bench)
//   CYCLE_ROUNDS=20            measured cycles (after 3 warm-up cycles)
//   CYCLE_PERIOD_MS=5000       refresh period; cycles start on its slot boundaries
//   CYCLE_HEAP_GROWING_PERCENT=100  V8's heap growing factor, as the chart sets it (0: V8's own)
//   CYCLE_GC=operator          between cycles: `operator` the operator's own idle collector (the chart's 256 MiB soft
//                              limit and, with a growing percent, the heap headroom), `idle` its memory-reducing
//                              collection after every cycle, `major` a plain full collection, `none` nothing
// Run node with the chart's heap flags (the Makefile target does) and --expose-gc: by default the operator's idle
// collector decides between cycles as in production; resident memory includes this bench's own small share.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { stringify as toYaml } from 'yaml';
import { validatePacingCluster } from '../../src/api/index.js';
import {
  createSystemClock,
  exposedGc,
  HEADROOM_GC_OPTIONS,
  IdleCollector,
  idleHeapOption,
  setHeapGrowingPercent,
  type IdleCollection,
} from '../../src/controller/index.js';
import { ChildProcesses } from '../../src/demo/child-processes.js';
import { referenceServersArgs } from '../../src/demo/reference-servers-args.js';
import {
  alwaysLeader,
  createHttpDesiredWorker,
  runPacingCycle,
  type EngagementTargetReport,
  type LearnedState,
  type TargetConfig,
} from '../../src/engine/index.js';
import { waitForHttp } from './wait-for-http.js';
import { percentile } from './scale/scale-figures.js';
import { scaleClusterObjects, scaleScenario, scaleTarget, SCALE_NAMESPACE } from './scale/scale-fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PORTS = { stats: 18280, engagement: 18281, auth: 18282, metrics: 0 } as const;
const WARM_UP = 3;

/** A target's config as the reconciler builds it from the scale bench's PacingTarget. */
function targetConfigOf(object: Record<string, unknown>): TargetConfig {
  const metadata = object['metadata'] as { name: string };
  const spec = object['spec'] as {
    virtualQueue: { name: string; media: string };
    agentGroups: { name: string; agents: string[] }[];
  };
  return {
    key: `${SCALE_NAMESPACE}/${metadata.name}`,
    id: `${spec.virtualQueue.name}:${spec.virtualQueue.media}`,
    virtualQueue: spec.virtualQueue.name,
    media: spec.virtualQueue.media,
    optimizationGoalPercent: 3,
    groups: spec.agentGroups.map((g) => ({ name: g.name, agents: g.agents })),
    isPaused: false,
  };
}

async function main(): Promise<void> {
  const targetCount = Number(process.env['CYCLE_TARGETS'] ?? 10_000);
  const rounds = Number(process.env['CYCLE_ROUNDS'] ?? 20);
  const periodMs = Number(process.env['CYCLE_PERIOD_MS'] ?? 5000);
  const growing = Number(process.env['CYCLE_HEAP_GROWING_PERCENT'] ?? 100);
  const gcKind = process.env['CYCLE_GC'] ?? 'operator';
  const idleGc = exposedGc();
  const plainGc = exposedGc(globalThis, HEADROOM_GC_OPTIONS);
  if (gcKind !== 'none' && (idleGc === undefined || plainGc === undefined))
    throw new Error('run node with --expose-gc (or CYCLE_GC=none)');
  const collections: Record<string, () => void> = {
    idle: () => idleGc?.(),
    major: () => plainGc?.(),
    none: () => undefined,
    operator: () => undefined, // the collector below runs on its own timer
  };
  const collect = collections[gcKind];
  if (collect === undefined) throw new Error(`CYCLE_GC: operator, idle, major or none, not ${gcKind}`);
  // The operator's collector, as run-command.ts builds it with the chart's flags.
  const operatorCollections: IdleCollection[] = [];
  const operatorCollector =
    gcKind === 'operator' && idleGc !== undefined && plainGc !== undefined
      ? new IdleCollector({
          softLimitBytes: 256 * 2 ** 20,
          collect: idleGc,
          heap: idleHeapOption(growing, plainGc),
          clock: createSystemClock(),
          onCollected: (c) => operatorCollections.push(c),
          logger: pino({ level: 'silent' }),
        })
      : undefined;
  if (growing > 0) setHeapGrowingPercent(growing);
  const size = { targets: targetCount, agents: 5 * targetCount };
  const runDir = path.join(root, '.cache', 'cycle-bench');
  mkdirSync(runDir, { recursive: true });
  const scenarioFile = path.join(runDir, 'scenario.yaml');
  writeFileSync(scenarioFile, toYaml(scaleScenario(size)));

  const children = new ChildProcesses();
  try {
    children.start(
      'reference-servers',
      process.execPath,
      referenceServersArgs(path.join(root, 'dist/src/cli/main.js'), scenarioFile, PORTS),
      path.join(runDir, 'reference-servers.log'),
    );
    await waitForHttp(`http://127.0.0.1:${PORTS.stats}/healthz`, 300_000, () =>
      children.isRunning('reference-servers'),
    );

    const clusterObject = scaleClusterObjects(PORTS)[2]!;
    const validation = validatePacingCluster({
      ...clusterObject,
      spec: { ...(clusterObject['spec'] as object), refreshPeriod: `${periodMs}ms` },
    });
    if (!validation.isValid) throw new Error(`cluster: ${validation.field}: ${validation.message}`);
    const clock = {
      nowMs: () => Date.now(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      // The main thread's CPU per phase, as the operator's cycle line gives it.
      threadCpuMs: () => {
        const used = process.threadCpuUsage();
        return (used.user + used.system) / 1000;
      },
    };
    const worker = createHttpDesiredWorker(
      validation.cluster,
      validation.durationsMs,
      { clientId: 'demo-client', clientSecret: 'demo-secret-for-local-demo-only' },
      {
        clock,
        random: Math.random,
        identity: 'cycle-bench',
        fence: alwaysLeader,
        sink: { cycleCompleted: () => undefined, cyclesSkipped: () => undefined },
        logger: pino({ level: 'silent' }),
      },
    );
    const ports = worker.buildPorts();
    const targets = Array.from({ length: targetCount }, (_, i) => targetConfigOf(scaleTarget(size, i)));
    let learnedState: LearnedState = {};
    let reports: ReadonlyMap<string, EngagementTargetReport> = new Map();
    const rows: {
      total: number;
      stats: number;
      decide: number;
      publish: number;
      statsCpu: number;
      decideCpu: number;
      publishCpu: number;
      cpu: number;
      rssBefore: number;
      rssAfter: number;
    }[] = [];
    for (let cycle = 0; cycle < WARM_UP + rounds; cycle++) {
      const slotMs = Math.ceil((Date.now() + 1) / periodMs) * periodMs;
      await clock.sleep(slotMs - Date.now());
      const cpuBefore = process.cpuUsage();
      const leave = operatorCollector?.enter();
      const result = await runPacingCycle(
        {
          cluster: worker.config,
          targets,
          cycleId: slotMs,
          slotStartMs: slotMs,
          learnedState,
          reports,
          signal: new AbortController().signal,
        },
        ports,
      );
      const cpu = process.cpuUsage(cpuBefore);
      learnedState = result.learnedState;
      reports = result.reports;
      const { outcome } = result;
      if (!outcome.isPublished) {
        throw new Error(
          `cycle ${cycle} not published: ${outcome.stats.message}; ${outcome.engagement.message}`,
        );
      }
      const rssBefore = process.memoryUsage.rss() / 2 ** 20;
      collect();
      leave?.();
      // The operator's collector looks 500 ms after the cycle and collects for up to about 400 ms.
      if (operatorCollector !== undefined) await clock.sleep(1_500);
      const rssAfter = process.memoryUsage.rss() / 2 ** 20;
      if (cycle >= WARM_UP) {
        const { stats, decide, publish } = outcome.phasesMs ?? { stats: 0, decide: 0, publish: 0 };
        const phasesCpu = outcome.phasesCpuMs ?? { stats: 0, decide: 0, publish: 0 };
        rows.push({
          total: outcome.durationMs,
          stats,
          decide,
          publish,
          statsCpu: phasesCpu.stats,
          decideCpu: phasesCpu.decide,
          publishCpu: phasesCpu.publish,
          cpu: (cpu.user + cpu.system) / 1000,
          rssBefore,
          rssAfter,
        });
      }
    }
    operatorCollector?.close();
    await ports.close?.();
    console.log(
      `${targetCount.toLocaleString('en-US')} targets, ${size.agents.toLocaleString('en-US')} agents, ` +
        `${rounds} cycles ${periodMs} ms apart, \`${gcKind}\` collection between them (node ${process.version}):\n`,
    );
    console.log('| | p50 (ms) | max (ms) |');
    console.log('| --- | ---: | ---: |');
    for (const [label, key] of [
      ['cycle', 'total'],
      ['statistics', 'stats'],
      ['decision', 'decide'],
      ['publication', 'publish'],
      ["statistics, the main thread's CPU", 'statsCpu'],
      ["decision, the main thread's CPU", 'decideCpu'],
      ["publication, the main thread's CPU", 'publishCpu'],
      ['operator CPU (main thread and helpers)', 'cpu'],
      ['resident memory after the cycle (MiB)', 'rssBefore'],
      ['resident memory after the collection (MiB)', 'rssAfter'],
    ] as const) {
      const values = rows.map((r) => r[key]);
      console.log(
        `| ${label} | ${percentile(values, 50).toFixed(0)} | ${percentile(values, 100).toFixed(0)} |`,
      );
    }
    if (operatorCollector !== undefined) {
      const durations = (reason: string): number[] =>
        operatorCollections.filter((c) => c.reason === reason).map((c) => c.durationMs);
      const heap = durations('heap');
      const memory = durations('memory');
      const p50 = (values: number[]): string => (values.length ? percentile(values, 50).toFixed(0) : '-');
      console.log(
        `\nThe operator's idle collector in ${WARM_UP + rounds} cycles, warm-up included: plain collections ` +
          `${heap.length} (p50 ${p50(heap)} ms), memory-reducing ${memory.length} (p50 ${p50(memory)} ms).`,
      );
    }
  } finally {
    await children.stopAll(10_000);
  }
}

await main();
