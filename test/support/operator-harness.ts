import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  decodeEngagementRequest,
  EngagementTargetReportSchema,
  EngagementWireRequestSchema,
  StatsSnapshotSchema,
  type EngagementRequest,
} from '../../src/api/protocol/index.js';
import { createLiveContactCenter } from '../../src/sim/live-contact-center.js';
import type { ReferenceContactCenter } from '../../src/sim/reference-contact-center.js';
import {
  startReferenceEngagementServer,
  type ReferenceEngagementServer,
} from '../../src/sim/reference-engagement-server.js';
import {
  startReferenceStatsServer,
  type ReferenceStatsServer,
} from '../../src/sim/reference-stats-server.js';
import {
  startReferenceTokenServer,
  type ReferenceTokenServer,
} from '../../src/sim/reference-token-server.js';
import { parseScenario, type Scenario } from '../../src/sim/scenario.js';
import { repoRoot } from './control-plane-paths.js';
import { readExampleManifests } from './example-manifests.js';
import { kubectlOk } from './kubectl-runner.js';

/** The operator entry point the tests run as a child process: the bundle the image ships (`make build`). */
export const operatorMain = path.join(repoRoot, 'dist/operator/pacing-operator.mjs');

/**
 * Compiles and bundles the operator once per test file (`npx tsc -p tsconfig.build.json`, then
 * deploy/build/bundle-operator.mjs), unless PACING_TEST_SKIP_BUILD is set and the bundle already exists (the
 * Makefile builds before running the suite).
 */
export function buildOperator(): void {
  if (process.env.PACING_TEST_SKIP_BUILD && existsSync(operatorMain)) return;
  const step = (command: string, args: string[]) =>
    execFileSync(command, args, { cwd: repoRoot, stdio: 'inherit', timeout: 300_000 });
  step('npx', ['tsc', '-p', 'tsconfig.build.json']);
  step(process.execPath, ['deploy/build/bundle-operator.mjs']);
  if (!statSync(operatorMain).isFile()) throw new Error(`${operatorMain} was not built`);
}

/** The demo scenario's contact center behind the examples: the agents the example PacingTargets list. */
export const exampleScenario = parseScenario({
  name: 'operator-examples',
  durationSeconds: 3600,
  cycleSeconds: 1,
  agents: [
    {
      pool: 'chat-team',
      count: 6,
      capacity: { chat: 2 },
      groups: ['Chat Agents'],
      handleTime: { chat: { dist: 'exponential', mean: 60 } },
    },
    {
      pool: 'blended-team',
      count: 4,
      capacity: { chat: 1, voice: 1 },
      groups: ['Blended Agents'],
      handleTime: { chat: { dist: 'exponential', mean: 60 }, voice: { dist: 'exponential', mean: 60 } },
    },
    {
      pool: 'voice-team',
      count: 4,
      capacity: { voice: 1 },
      groups: ['Voice Agents'],
      handleTime: { voice: { dist: 'exponential', mean: 60 } },
    },
    {
      pool: 'spanish',
      count: 2,
      capacity: { voice: 1 },
      groups: ['Spanish Speakers'],
      skills: { Spanish: 7 },
      handleTime: { voice: { dist: 'exponential', mean: 60 } },
    },
  ],
  targets: [
    {
      name: 'Proactive Chat - chat',
      media: 'chat',
      agentGroups: [{ group: 'Chat Agents' }, { group: 'Blended Agents' }],
      acceptProbability: 0.3,
      acceptDelay: { dist: 'exponential', mean: 5 },
      declineDelay: { dist: 'exponential', mean: 5 },
      expirySeconds: 30,
      patience: { dist: 'exponential', mean: 60 },
    },
    {
      name: 'Proactive Voice - voice',
      media: 'voice',
      goalPercent: 5,
      agentGroups: [
        { group: 'Voice Agents' },
        { group: 'Blended Agents' },
        { skillExpression: 'Spanish > 5' },
      ],
      acceptProbability: 0.3,
      acceptDelay: { dist: 'exponential', mean: 5 },
      declineDelay: { dist: 'exponential', mean: 5 },
      expirySeconds: 30,
      patience: { dist: 'exponential', mean: 60 },
    },
  ],
});

/** The reference statistics, engagement and token servers over one live contact center, on loopback. */
export interface ReferenceWorld {
  readonly stats: ReferenceStatsServer;
  readonly engagement: ReferenceEngagementServer;
  readonly tokens: ReferenceTokenServer;
  close(): Promise<void>;
}

/**
 * Starts the three reference servers with the example Secret's client registered, over the examples' contact
 * center unless a story needs another scenario (more targets, e.g. for sharding).
 */
export async function startReferenceWorld(scenario: Scenario = exampleScenario): Promise<ReferenceWorld> {
  const clock = { nowMs: () => Date.now() };
  const live = createLiveContactCenter(scenario, 7, Date.now());
  // The simulator returns readonly arrays; the servers' seam wants the wire types, so pass through the schemas.
  const center: ReferenceContactCenter = {
    advanceTo: (nowMs) => live.advanceTo(nowMs),
    snapshot: () => StatsSnapshotSchema.parse(live.snapshot()),
    applyAllowances: (cycle) => live.applyAllowances(cycle).map((r) => EngagementTargetReportSchema.parse(r)),
    targetIds: () => live.targetIds(),
  };
  const tokens = await startReferenceTokenServer({
    clients: { 'demo-client': 'demo-secret-for-local-demo-only' },
    clock,
  });
  const stats = await startReferenceStatsServer({ contactCenter: center, clock });
  const engagement = await startReferenceEngagementServer({
    contactCenter: center,
    clock,
    targetEndpoint: '/v1/pacing',
    verifyToken: (token) => tokens.verifyToken(token),
  });
  return {
    stats,
    engagement,
    tokens,
    close: async () => {
      await Promise.all([stats.close(), engagement.close(), tokens.close()]);
    },
  };
}

/**
 * deploy/examples rewritten for one test: the test's namespace instead of `pacing-demo`, the reference servers'
 * real ports instead of the demo's fixed ones, and a shorter refresh period so the story runs in seconds.
 */
export function examplesFor(
  namespace: string,
  world: ReferenceWorld,
  refreshPeriod = '1s',
): Record<string, unknown>[] {
  return readExampleManifests()
    .map((m) => structuredClone(m.object))
    .filter((object) => object.kind !== 'Namespace')
    .map((object) => {
      object.metadata.namespace = namespace;
      if (object.kind === 'PacingCluster') {
        const spec = object.spec as {
          refreshPeriod: string;
          statsSource: { url: string };
          engagement: { baseAuthURL: string; baseServiceURL: string };
        };
        spec.refreshPeriod = refreshPeriod;
        spec.statsSource.url = world.stats.url;
        spec.engagement.baseAuthURL = world.tokens.tokenUrl;
        spec.engagement.baseServiceURL = world.engagement.url;
      }
      return object;
    });
}

/** Applies objects with kubectl (server-side validation, defaults and CEL rules apply). */
export function applyObjects(objects: readonly Record<string, unknown>[]): void {
  kubectlOk(['apply', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
}

/** A running operator child process and what it printed. */
export interface OperatorProcess {
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  readonly lines: Record<string, unknown>[];
  /** Resolves with the metrics port once the operator logged it. */
  readonly metricsPort: Promise<number>;
  /** Resolves with the exit code (or signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `node dist/operator/pacing-operator.mjs run --kubeconfig … <args>` and collects its JSON log lines. */
export function startOperator(args: readonly string[]): OperatorProcess {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the jest integration project');
  const child = spawn(
    process.execPath,
    [
      operatorMain,
      'run',
      '--kubeconfig',
      kubeconfig,
      '--metrics-port',
      '0',
      '--metrics-bind-address',
      '127.0.0.1',
      ...args,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let resolvePort: (port: number) => void = () => undefined;
  const metricsPort = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  let buffer = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const text = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (typeof line.metricsPort === 'number') resolvePort(line.metricsPort);
      } catch {
        lines.push({ msg: text });
      }
    }
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      if (stderr.trim()) lines.push({ msg: 'stderr', stderr });
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return { child, lines, metricsPort, exited, kill: (signal) => child.kill(signal) };
}

/** Stops an operator with SIGTERM and waits for it (SIGKILL after 30 s so a test never hangs). */
export async function stopOperator(operator: OperatorProcess): Promise<number | string> {
  if (operator.child.exitCode !== null || operator.child.signalCode !== null) return operator.exited;
  operator.kill('SIGTERM');
  const timer = setTimeout(() => operator.kill('SIGKILL'), 30_000);
  try {
    return await operator.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** `kubectl get <what> -n <ns> -o json` parsed. */
export function getJson<T = Record<string, unknown>>(namespace: string, what: readonly string[]): T {
  return JSON.parse(kubectlOk(['get', ...what, '-n', namespace, '-o', 'json'])) as T;
}

/** A condition of an object as kubectl returned it. */
export function conditionOf(
  object: { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } },
  type: string,
): { type: string; status: string; reason: string; message: string } | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** Fetches a text body from the operator's metrics server. */
export async function fetchText(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

/** The logical requests the engagement server received for one cluster, oldest first (at most the last 50). */
export function receivedRequestsOf(world: ReferenceWorld, clusterId: string): EngagementRequest[] {
  return world.engagement
    .receivedRequests()
    .map((raw) => decodeEngagementRequest(EngagementWireRequestSchema.parse(raw)))
    .filter(
      (request): request is EngagementRequest => request !== undefined && request.clusterId === clusterId,
    );
}
