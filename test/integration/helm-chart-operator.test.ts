import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/control-plane-paths.js';
import { chartDir, helmBinary } from '../support/helm-binary.js';
import { buildOperator, operatorMain } from '../support/operator-harness.js';

// The story: a user installs the chart, and the operator runs with exactly the arguments the chart renders and
// with nothing but the chart's ServiceAccount credentials. No kubelet runs here, so the operator runs as a
// local process, authenticated with a real token of that ServiceAccount (TokenRequest). It must lead, write
// status and Events for a tenant in a watched namespace, never be refused by the API server, and let go of
// its Lease on SIGTERM. This proves the RBAC allow-list against the operator itself, not only against a list.
// The process gets the container's literal environment too (NODE_OPTIONS, the malloc thresholds), as the
// kubelet would pass it.

const kubectlPath = (): string => process.env.KUBECTL ?? 'kubectl';

function run(binary: string, args: readonly string[], input?: string): string {
  const result = spawnSync(binary, args, { encoding: 'utf8', input, env: process.env, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
const kubectl = (...args: string[]): string => run(kubectlPath(), args);
const kubectlJson = <T>(...args: string[]): T => JSON.parse(kubectl(...args, '-o', 'json')) as T;

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}`, { cause: lastError });
}

/** A kubeconfig for the same API server whose only credential is a bearer token. */
function tokenKubeconfig(token: string, dir: string): string {
  const admin = parse(readFileSync(process.env.KUBECONFIG ?? '', 'utf8')) as {
    users: { name: string; user: Record<string, unknown> }[];
  };
  const file = path.join(dir, 'operator.kubeconfig');
  writeFileSync(
    file,
    stringify({ ...admin, users: admin.users.map((u) => ({ name: u.name, user: { token } })) }),
  );
  return file;
}

/** The example tenant of deploy/examples (Secret, PacingCluster, PacingTargets), moved into `namespace`. */
function exampleTenant(namespace: string): string {
  const dir = path.join(repoRoot, 'deploy/examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map(
        (d) => d.toJS() as { kind?: string; metadata?: object } | null,
      ),
    )
    .filter((o) => o !== null && o.kind !== 'Namespace')
    .map((o) => stringify({ ...o, metadata: { ...o?.metadata, namespace } }))
    .join('---\n');
}

interface Lease {
  spec: { holderIdentity?: string };
}

describe('the operator under the Helm chart ServiceAccount', () => {
  const suffix = randomBytes(3).toString('hex');
  const namespace = `chart-op-${suffix}`;
  const watched = `chart-op-tenant-${suffix}`;
  const release = `op-${suffix}`;
  const fullname = `${release}-agent-pacing-operator`;
  const podName = `${fullname}-0`;
  let operator: ChildProcess | undefined;
  let output = '';
  let exitCode: Promise<number | null> = Promise.resolve(null);

  beforeAll(async () => {
    buildOperator();
    for (const ns of [namespace, watched]) kubectl('create', 'namespace', ns);
    run(helmBinary(), [
      'install',
      release,
      chartDir,
      '--namespace',
      namespace,
      '--take-ownership',
      '--set',
      `watchNamespaces={${watched}}`,
    ]);
    const deployment = kubectlJson<{
      spec: {
        template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } };
      };
    }>('get', 'deployment', fullname, '-n', namespace);
    // The chart's own arguments, with the downward-API variable expanded as the kubelet would, then a free
    // metrics port (tests share the machine) and the ServiceAccount's kubeconfig.
    const container = deployment.spec.template.spec.containers[0]!;
    const chartArgs = container.args.map((a) => a.replace('$(POD_NAMESPACE)', namespace));
    const chartEnv = Object.fromEntries(
      container.env.flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value] as const])),
    );
    const token = kubectl('create', 'token', fullname, '-n', namespace, '--duration', '1h').trim();
    const kubeconfig = tokenKubeconfig(token, mkdtempSync(path.join(tmpdir(), 'chart-op-')));
    const child = spawn(
      process.execPath,
      [operatorMain, ...chartArgs, '--metrics-port', '0', '--kubeconfig', kubeconfig],
      {
        env: { ...process.env, ...chartEnv, POD_NAME: podName, POD_NAMESPACE: namespace },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exitCode = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    operator = child;
  }, 360_000);

  afterAll(async () => {
    if (operator && operator.exitCode === null) operator.kill('SIGKILL');
    spawnSync(helmBinary(), ['uninstall', release, '--namespace', namespace], {
      env: process.env,
      timeout: 120_000,
    });
  }, 120_000);

  it('takes the Lease the chart names, in the release namespace', async () => {
    const holder = await eventually('the Lease holder', 60_000, () => {
      const identity = kubectlJson<Lease>('get', 'lease', fullname, '-n', namespace).spec.holderIdentity;
      return identity?.startsWith(`${podName}_`) ? identity : undefined;
    });
    expect(holder).toMatch(new RegExp(`^${podName}_[0-9a-f]{8}$`));
  }, 90_000);

  it('writes status and Events for a tenant in a watched namespace', async () => {
    run(kubectlPath(), ['apply', '-n', watched, '-f', '-'], exampleTenant(watched));
    const clusterName = kubectl('get', 'pacingclusters', '-n', watched, '-o', 'name').trim().split('/')[1]!;
    const conditions = await eventually('PacingCluster status', 60_000, () => {
      const status = kubectlJson<{ status?: { conditions?: { type: string }[] } }>(
        'get',
        'pacingcluster',
        clusterName,
        '-n',
        watched,
      ).status;
      return status?.conditions && status.conditions.length > 0 ? status.conditions : undefined;
    });
    expect(conditions.map((c) => c.type)).toEqual(expect.arrayContaining(['Ready']));
    await eventually('PacingTarget status', 60_000, () => {
      const targets = kubectlJson<{ items: { status?: { conditions?: unknown[] } }[] }>(
        'get',
        'pacingtargets',
        '-n',
        watched,
      ).items;
      return targets.length > 0 && targets.every((t) => (t.status?.conditions ?? []).length > 0)
        ? true
        : undefined;
    });
    // The example's statistics source is not running here, so the operator reports it with a Warning Event.
    const events = await eventually('an Event about the PacingCluster', 60_000, () => {
      const items = kubectlJson<{ items: { regarding?: { kind?: string; name?: string } }[] }>(
        'get',
        'events.events.k8s.io',
        '-n',
        watched,
      ).items.filter((e) => e.regarding?.kind === 'PacingCluster' && e.regarding.name === clusterName);
      return items.length > 0 ? items : undefined;
    });
    expect(events.length).toBeGreaterThan(0);
  }, 200_000);

  it("keeps the chart's memory soft limit: NODE_OPTIONS exposes the collector it needs", () => {
    expect(output).toContain('collecting between cycles above the memory soft limit');
    expect(output).not.toContain('memory soft limit not kept');
  });

  it("sets the chart's heap growing factor as it starts", () => {
    expect(output).toMatch(/"heapGrowingPercent":100,"msg":"V8 heap growing factor set"/);
  });

  it('is never refused by the API server', () => {
    expect(output).toContain('started leading');
    const refused = output
      .split('\n')
      .filter((line) => /forbidden|HTTP-Code: 403/i.test(line))
      .map((line) => line.slice(0, 400));
    expect(refused).toEqual([]);
  });

  it('releases the Lease and exits 0 on SIGTERM', async () => {
    operator?.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(kubectlJson<Lease>('get', 'lease', fullname, '-n', namespace).spec.holderIdentity ?? '').toBe('');
  }, 60_000);
});
