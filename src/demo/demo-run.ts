import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildProcesses } from './child-processes.js';
import { renderDemoReport } from './demo-report.js';
import { referenceServersArgs } from './reference-servers-args.js';
import type { DemoOptions } from './demo-options.js';
import type { DemoSnapshot } from './demo-snapshot.js';
import { rowsFromMetrics } from './demo-snapshot.js';
import { renderDemoView } from './demo-view.js';
import { parsePrometheusText } from './prometheus-text.js';

/** Where the demo's pieces listen; the PacingCluster in deploy/examples points at the first three. */
const PORTS = { stats: 18080, engagement: 18081, auth: 18082, replicas: [18091, 18092] } as const;
const OPERATOR_NAMESPACE = 'pacing-system';
const RELEASE = 'agent-pacing-operator';

/** What the demo needs from its surroundings, so that tests can point it elsewhere. */
export interface DemoEnvironment {
  repoRoot: string;
  cliPath: string;
  write: (text: string) => void;
  isTty: boolean;
  signal: AbortSignal;
}

/**
 * Runs the whole product locally: control plane, chart (CRDs and RBAC), reference servers, two operator
 * replicas running as the chart's ServiceAccount, the example tenant; shows a live view and writes a report.
 */
export async function runDemo(options: DemoOptions, env: DemoEnvironment): Promise<{ reportPath: string }> {
  const runDir = path.resolve(options.runDir);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const script = path.join(env.repoRoot, 'deploy/local/control-plane.sh');
  const children = new ChildProcesses();
  const say = (line: string) => env.write(`demo: ${line}\n`);
  const history: DemoSnapshot[] = [];
  const startedAt = new Date();
  const clusterDir = path.join(runDir, 'cluster');
  try {
    say('starting the local control plane (etcd + kube-apiserver)');
    const kubeconfig = execFileSync('bash', [script, 'up', clusterDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    const binDir = execFileSync('bash', [script, 'bin-dir'], { encoding: 'utf8' }).trim();
    const kubectl = (...args: string[]) =>
      execFileSync(path.join(binDir, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
    const helm = findHelm(env.repoRoot);

    say('installing the chart (CRDs, ServiceAccount, RBAC; no Deployment: the replicas run here)');
    execFileSync(
      helm,
      [
        'upgrade',
        '--install',
        RELEASE,
        path.resolve(options.chart),
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        OPERATOR_NAMESPACE,
        '--create-namespace',
        '--set',
        'replicaCount=0',
        '--set',
        'podDisruptionBudget.enabled=false',
        '--wait=false',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );

    say(`starting the reference statistics, engagement and token servers (${options.scenario})`);
    children.start(
      'reference-servers',
      process.execPath,
      referenceServersArgs(env.cliPath, options.scenario, PORTS),
      path.join(runDir, 'reference-servers.log'),
    );
    await waitForHttp(`http://127.0.0.1:${PORTS.stats}/v1/snapshot`, 30_000, env.signal);

    const operatorKubeconfig = writeImpersonatingKubeconfig(
      kubeconfig,
      runDir,
      `system:serviceaccount:${OPERATOR_NAMESPACE}:${RELEASE}`,
    );
    PORTS.replicas.forEach((port, i) => {
      const name = `replica-${i + 1}`;
      say(`starting operator ${name} (metrics on 127.0.0.1:${port})`);
      children.start(
        name,
        process.execPath,
        [
          env.cliPath,
          'run',
          '--kubeconfig',
          operatorKubeconfig,
          '--leader-elect',
          '--lease-namespace',
          OPERATOR_NAMESPACE,
          '--identity',
          name,
          '--metrics-port',
          String(port),
          '--metrics-bind-address',
          '127.0.0.1',
        ],
        path.join(runDir, `${name}.log`),
      );
    });

    say('applying deploy/examples (tenant namespace, credentials Secret, PacingCluster, PacingTargets)');
    kubectl('apply', '-f', path.resolve(options.examples));

    const deadline = Date.now() + options.durationSeconds * 1000;
    let lastPlainPrint = 0;
    while (Date.now() < deadline && !env.signal.aborted) {
      const snapshot = await pollReplicas(children, (Date.now() - startedAt.getTime()) / 1000);
      history.push(snapshot);
      const view = renderDemoView(snapshot);
      if (env.isTty) env.write(`\x1b[2J\x1b[H${view}\n(Ctrl-C stops the demo and writes the report)\n`);
      else if (Date.now() - lastPlainPrint >= 10_000) {
        env.write(`${view}\n`);
        lastPlainPrint = Date.now();
      }
      await sleep(options.refreshMs, undefined, { signal: env.signal }).catch(() => undefined);
    }
    const final = history.at(-1);
    if (final) env.write(`\nfinal view:\n${renderDemoView(final)}`);
    env.write(`\nkubectl get pacingtargets -A:\n${kubectl('get', 'pacingtargets', '-A')}`);
  } finally {
    say('stopping the operator replicas, the reference servers and the control plane');
    await children.stopAll();
    try {
      execFileSync('bash', [script, 'down', clusterDir], { stdio: 'ignore' });
    } catch {
      say('the control plane did not stop cleanly; see its logs');
    }
  }
  const reportPath = path.join(runDir, 'report.html');
  writeFileSync(reportPath, renderDemoReport(history, startedAt));
  say(`report written to ${reportPath}`);
  return { reportPath };
}

async function pollReplicas(children: ChildProcesses, elapsedSeconds: number): Promise<DemoSnapshot> {
  const replicas: DemoSnapshot['replicas'] = [];
  let leaderRows: DemoSnapshot['rows'] = [];
  let leader: string | undefined;
  for (const [i, port] of PORTS.replicas.entries()) {
    const name = `replica-${i + 1}`;
    const text = await fetchText(`http://127.0.0.1:${port}/metrics`);
    const samples = text === undefined ? [] : parsePrometheusText(text);
    const leading = samples.some((s) => s.name === 'leader_election_master_status' && s.value === 1);
    replicas.push({ name, up: children.isRunning(name) && text !== undefined, leading });
    if (leading) {
      leader = name;
      leaderRows = rowsFromMetrics(samples);
    }
  }
  return { elapsedSeconds, leader, replicas, rows: leaderRows };
}

async function fetchText(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

async function waitForHttp(url: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    if ((await fetchText(url)) !== undefined) return;
    await sleep(250);
  }
  throw new Error(`demo: ${url} did not answer within ${timeoutMs} ms`);
}

function findHelm(repoRoot: string): string {
  const versions = readFileSync(path.join(repoRoot, 'deploy/local/versions.env'), 'utf8');
  const version = /HELM_VERSION=\$\{HELM_VERSION:-(v[\d.]+)\}/.exec(versions)?.[1];
  if (!version) throw new Error('demo: HELM_VERSION not found in deploy/local/versions.env');
  return path.join(repoRoot, '.cache/control-plane', `helm-${version}`, 'helm');
}

/** Copies the admin kubeconfig and adds `as:` so the replicas act as the chart's ServiceAccount (its RBAC). */
function writeImpersonatingKubeconfig(adminKubeconfig: string, runDir: string, user: string): string {
  const text = readFileSync(adminKubeconfig, 'utf8').replace(/(\n\s+user:\n)/, `$1      as: ${user}\n`);
  const out = path.join(runDir, 'operator.kubeconfig');
  writeFileSync(out, text);
  return out;
}
