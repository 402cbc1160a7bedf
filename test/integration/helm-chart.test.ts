import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/control-plane-paths.js';
import { chartDir, helmBinary } from '../support/helm-binary.js';
import {
  allRbacVerbs,
  expectedGrants,
  grantKey,
  operatorApiCalls,
  type Grant,
} from '../support/operator-api-calls.js';
import { grantsOf, type KubeObject } from '../support/rendered-rbac.js';

// The chart as a user meets it: helm lint, helm template for the value combinations that change what is
// rendered, and a real `helm install` into the test kube-apiserver, whose RBAC is then probed by
// impersonating the chart's ServiceAccount. No kubelet runs, so the Deployment never gets pods; that is
// expected and nothing here waits for them.

interface RenderedObject extends KubeObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
}

interface Container {
  readonly args: string[];
  readonly env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } }[];
  readonly securityContext: Record<string, unknown>;
  readonly livenessProbe: { httpGet: { path: string; port: string } };
  readonly readinessProbe: { httpGet: { path: string; port: string } };
  readonly ports: { name: string; containerPort: number }[];
  readonly volumeMounts: { name: string; mountPath: string }[];
  readonly image: string;
}

const helm = helmBinary();
const kubectl = (): string => process.env.KUBECTL ?? 'kubectl';
const releaseNamespace = 'pacing-system';
const monitoringApis = [
  '--api-versions',
  'monitoring.coreos.com/v1/ServiceMonitor',
  '--api-versions',
  'monitoring.coreos.com/v1/PrometheusRule',
];

function run(binary: string, args: readonly string[], input?: string): string {
  const result = spawnSync(binary, args, { encoding: 'utf8', input, env: process.env, timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`${path.basename(binary)} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

function template(args: readonly string[] = []): string {
  return run(helm, ['template', 'pacing', chartDir, '--namespace', releaseNamespace, ...args]);
}

function render(args: readonly string[] = []): RenderedObject[] {
  return parseAllDocuments(template(args))
    .map((doc) => doc.toJS() as RenderedObject | null)
    .filter((o): o is RenderedObject => o !== null);
}

const ofKind = (objects: readonly RenderedObject[], kind: string): RenderedObject[] =>
  objects.filter((o) => o.kind === kind);

function operatorContainer(objects: readonly RenderedObject[]): Container {
  const [deployment] = ofKind(objects, 'Deployment');
  const spec = deployment?.spec as { template: { spec: { containers: Container[] } } } | undefined;
  const container = spec?.template.spec.containers[0];
  if (!container) throw new Error('no operator container rendered');
  return container;
}

const sourceCrdFiles = (): string[] => {
  const dir = path.join(repoRoot, 'crds');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')) : [];
};

const sorted = (grants: readonly Grant[]): string[] => [...new Set(grants.map(grantKey))].sort();

describe('the agent-pacing-operator Helm chart', () => {
  it('passes helm lint --strict with the defaults and with every optional part switched on', () => {
    run(helm, ['lint', '--strict', chartDir]);
    run(helm, [
      'lint',
      '--strict',
      chartDir,
      '--set',
      'networkPolicy.enabled=true,metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true',
      '--set',
      'watchNamespaces={team-a,team-b}',
    ]);
  });

  describe('rendered with helm template', () => {
    it('runs two replicas of the operator with leader election, the metrics port and one shard by default', () => {
      const objects = render();
      const [deployment] = ofKind(objects, 'Deployment');
      expect(deployment?.spec?.replicas).toBe(2);
      const container = operatorContainer(objects);
      expect(container.args).toEqual([
        'run',
        '--leader-elect',
        '--lease-namespace',
        '$(POD_NAMESPACE)',
        '--lease-name',
        'pacing-agent-pacing-operator',
        '--metrics-port',
        '8080',
        '--shards',
        '1',
        '--log-format',
        'json',
        '--log-level',
        'info',
        // Collect between cycles above 256 MiB resident (the scale bench runs with the same).
        '--memory-soft-limit-mib',
        '256',
        // Let the old generation double before V8 collects on its own, so the soft limit collects between cycles.
        '--heap-growing-percent',
        '100',
      ]);
      expect(container.image).toBe('ghcr.io/agentpacing/agent-pacing-operator:0.1.0');
      expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
      expect(container.env.map((e) => [e.name, e.valueFrom?.fieldRef?.fieldPath ?? e.value])).toEqual([
        ['POD_NAME', 'metadata.name'],
        ['POD_NAMESPACE', 'metadata.namespace'],
        // Explicit heap limits well inside the 512Mi memory limit (the scale bench runs with the same).
        // --expose-gc: the memory soft limit needs `gc`.
        ['NODE_OPTIONS', '--max-old-space-size=256 --max-semi-space-size=16 --expose-gc'],
        // Fixed glibc thresholds, so that megabyte body buffers do not fragment the malloc heap (same in the bench).
        ['MALLOC_MMAP_THRESHOLD_', '131072'],
        ['MALLOC_TRIM_THRESHOLD_', '131072'],
      ]);
    });

    it('locks the operator container down to the restricted Pod Security Standard', () => {
      const objects = render();
      const container = operatorContainer(objects);
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 65532,
        capabilities: { drop: ['ALL'] },
      });
      const podSpec = (
        ofKind(objects, 'Deployment')[0]?.spec as { template: { spec: Record<string, unknown> } }
      ).template.spec;
      expect(podSpec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(podSpec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    });

    it('keeps at least one replica through voluntary disruptions and serves metrics through a Service', () => {
      const objects = render();
      expect(ofKind(objects, 'PodDisruptionBudget')[0]?.spec).toMatchObject({ minAvailable: 1 });
      // One replica with minAvailable 1 would block every node drain, so no budget is rendered then.
      expect(ofKind(render(['--set', 'replicaCount=1']), 'PodDisruptionBudget')).toEqual([]);
      expect(ofKind(objects, 'Service')[0]?.spec).toMatchObject({
        ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }],
      });
    });

    it('passes custom replicas, image, lease, logging and watched namespaces through to the Deployment', () => {
      const objects = render([
        '--set',
        'replicaCount=3,image.repository=registry.example/pacing,image.tag=dev,leaderElection.leaseName=pacing-a',
        '--set',
        'logFormat=pretty,logLevel=debug,watchNamespaces={team-a,team-b},extraArgs={--status-writes-per-second=50}',
        '--set',
        'heap.maxOldSpaceMiB=0,heap.maxSemiSpaceMiB=0,heap.softLimitMiB=0,heap.growingPercent=0',
        '--set',
        'malloc.mmapThresholdBytes=0,malloc.trimThresholdBytes=0',
      ]);
      expect(ofKind(objects, 'Deployment')[0]?.spec?.replicas).toBe(3);
      const container = operatorContainer(objects);
      expect(container.image).toBe('registry.example/pacing:dev');
      const valueOf = (flag: string): string | undefined => container.args[container.args.indexOf(flag) + 1];
      expect(valueOf('--lease-name')).toBe('pacing-a');
      expect(valueOf('--log-format')).toBe('pretty');
      expect(valueOf('--log-level')).toBe('debug');
      expect(valueOf('--watch-namespaces')).toBe('team-a,team-b');
      expect(container.args.at(-1)).toBe('--status-writes-per-second=50');
      expect(container.args).not.toContain('--memory-soft-limit-mib');
      expect(container.args).not.toContain('--heap-growing-percent');
      expect(container.env.map((e) => e.name)).not.toContain('NODE_OPTIONS');
      expect(container.env.map((e) => e.name)).not.toContain('MALLOC_MMAP_THRESHOLD_');
      expect(container.env.map((e) => e.name)).not.toContain('MALLOC_TRIM_THRESHOLD_');
    });

    it('renders the sharded install of docs/operations.md: three shards, three replicas, an 8 MiB semi-space', () => {
      const objects = render(['--set', 'shards=3,replicaCount=3,heap.maxSemiSpaceMiB=8']);
      expect(ofKind(objects, 'Deployment')[0]?.spec?.replicas).toBe(3);
      const container = operatorContainer(objects);
      expect(container.args[container.args.indexOf('--shards') + 1]).toBe('3');
      expect(container.args).toContain('--leader-elect');
      expect(container.env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(
        '--max-old-space-size=256 --max-semi-space-size=8 --expose-gc',
      );
    });

    it('refuses more than one replica without leader election, since every replica would publish', () => {
      expect(() => template(['--set', 'leaderElection.enabled=false'])).toThrow(/needs replicaCount=1/);
      const args = operatorContainer(render(['--set', 'leaderElection.enabled=false,replicaCount=1'])).args;
      expect(args).not.toContain('--leader-elect');
      // Zero replicas installs CRDs and RBAC only, as the local demo does before running replicas itself.
      expect(ofKind(render(['--set', 'replicaCount=0']), 'Deployment')[0]?.spec?.replicas).toBe(0);
    });

    it('rejects values the schema does not know', () => {
      expect(() => template(['--set', 'replicas=2'])).toThrow(/additional properties|replicas/i);
      expect(() => template(['--set', 'shards=0'])).toThrow(/shards/);
      // A status lists at most 1024 shards.
      expect(() => template(['--set', 'shards=1025'])).toThrow(/shards/);
      expect(() =>
        template(['--set', 'shards=3', '--set', 'leaderElection.enabled=false', '--set', 'replicaCount=1']),
      ).toThrow(/shards above 1 needs leaderElection/);
      expect(() => template(['--set', 'logLevel=verbose'])).toThrow(/logLevel/);
    });

    it('renders a NetworkPolicy only when asked, opening the metrics port alone', () => {
      expect(ofKind(render(), 'NetworkPolicy')).toEqual([]);
      const [policy] = ofKind(render(['--set', 'networkPolicy.enabled=true']), 'NetworkPolicy');
      expect(policy?.spec).toMatchObject({
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: 'metrics', protocol: 'TCP' }] }],
      });
    });

    it('leaves ServiceMonitor and PrometheusRule out when the cluster lacks the monitoring API, even if enabled', () => {
      const objects = render([
        '--set',
        'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true',
      ]);
      expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
      expect(ofKind(objects, 'PrometheusRule')).toEqual([]);
      expect(ofKind(render(monitoringApis), 'ServiceMonitor')).toEqual([]);
    });

    it('renders ServiceMonitor and PrometheusRule with the alert rules of deploy/prometheus/alerts.yaml when the API exists', () => {
      const objects = render([
        ...monitoringApis,
        '--set',
        'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true',
      ]);
      expect(ofKind(objects, 'ServiceMonitor')[0]?.spec).toMatchObject({
        endpoints: [{ port: 'metrics', path: '/metrics', honorLabels: true }],
      });
      const alerts = parse(readFileSync(path.join(repoRoot, 'deploy/prometheus/alerts.yaml'), 'utf8')) as {
        groups: unknown[];
      };
      expect(alerts.groups.length).toBeGreaterThan(0);
      expect(ofKind(objects, 'PrometheusRule')[0]?.spec).toEqual({ groups: alerts.groups });
    });

    it('ships the Grafana dashboard with a panel per operator metric and the sidecar label', () => {
      const [dashboardMap] = ofKind(render(), 'ConfigMap');
      expect(dashboardMap?.metadata?.labels?.grafana_dashboard).toBe('1');
      const dashboard = JSON.parse(dashboardMap?.data?.['agent-pacing-operator.json'] ?? '{}') as {
        panels: { targets: { expr: string }[] }[];
      };
      const queries = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
      for (const metric of [
        'pacing_invites_allowed',
        'pacing_free_slots',
        'pacing_abandonment_ratio',
        'pacing_occupancy_ratio',
        'pacing_cycle_duration_seconds',
        'pacing_alarm_active',
      ]) {
        expect(queries).toContain(metric);
      }
    });

    it('ships dashboard queries that promtool accepts as PromQL', () => {
      const [dashboardMap] = ofKind(render(), 'ConfigMap');
      const dashboard = JSON.parse(dashboardMap?.data?.['agent-pacing-operator.json'] ?? '{}') as {
        panels: { targets: { expr: string }[] }[];
      };
      // Grafana substitutes $cluster before querying; promtool checks each query as a recording rule.
      const rules = dashboard.panels
        .flatMap((p) => p.targets)
        .map((t, i) => ({ record: `dashboard:query_${i}`, expr: t.expr.replaceAll('$cluster', '.*') }));
      const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-'));
      const file = path.join(dir, 'rules.yaml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
      expect(run('promtool', ['check', 'rules', file])).toContain(`SUCCESS: ${rules.length} rules found`);
    });

    it('renders every CRD of crds/ unchanged but for the chart labels and the keep annotation', () => {
      const files = sourceCrdFiles();
      expect(files.length).toBeGreaterThan(0);
      const rendered = ofKind(render(), 'CustomResourceDefinition');
      expect(rendered).toHaveLength(files.length);
      for (const file of files) {
        const source = parse(readFileSync(path.join(repoRoot, 'crds', file), 'utf8')) as RenderedObject;
        const match = rendered.find((o) => o.metadata?.name === source.metadata?.name);
        expect(match?.metadata?.annotations).toEqual({
          ...source.metadata?.annotations,
          'helm.sh/resource-policy': 'keep',
        });
        // Labels the generated file sets win over the chart's.
        expect(match?.metadata?.labels).toMatchObject({ ...source.metadata?.labels });
        expect(match?.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
        const strip = (o: RenderedObject | undefined): RenderedObject => {
          const { labels: _l, annotations: _a, ...metadata } = o?.metadata ?? {};
          return { ...o, metadata };
        };
        expect(strip(match)).toEqual(strip(source));
      }
    });

    it('drops the CRDs with crds.install=false and the keep annotation with crds.keep=false', () => {
      expect(ofKind(render(['--set', 'crds.install=false']), 'CustomResourceDefinition')).toEqual([]);
      for (const crd of ofKind(render(['--set', 'crds.keep=false']), 'CustomResourceDefinition')) {
        expect(crd.metadata?.annotations).toBeUndefined();
      }
    });

    it.each([
      ['every namespace when watchNamespaces is empty', []],
      ['only the watched namespaces when watchNamespaces is set', ['team-a', 'team-b']],
    ])(
      'grants the ServiceAccount exactly the allow-list, reading Secrets in %s',
      (_case, watched: string[]) => {
        const args = watched.length > 0 ? ['--set', `watchNamespaces={${watched.join(',')}}`] : [];
        const objects = render(args);
        const granted = grantsOf(objects, 'pacing-agent-pacing-operator', releaseNamespace);
        expect(sorted(granted)).toEqual(sorted(expectedGrants(releaseNamespace, watched)));
      },
    );

    it('gives people edit and view ClusterRoles aggregated into the built-in ones, bound to no one', () => {
      const objects = render();
      const labelsOf = (name: string): Record<string, string> | undefined =>
        ofKind(objects, 'ClusterRole').find((o) => o.metadata?.name === name)?.metadata?.labels;
      expect(labelsOf('pacing-agent-pacing-operator-edit')).toMatchObject({
        'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
        'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      });
      expect(labelsOf('pacing-agent-pacing-operator-view')).toMatchObject({
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      });
      const boundRoles = [...ofKind(objects, 'ClusterRoleBinding'), ...ofKind(objects, 'RoleBinding')].map(
        (b) => b.roleRef?.name,
      );
      expect(boundRoles).not.toContain('pacing-agent-pacing-operator-edit');
      expect(boundRoles).not.toContain('pacing-agent-pacing-operator-view');
      const names = ofKind(render(['--set', 'rbac.aggregateToDefaultRoles=false']), 'ClusterRole').map(
        (o) => o.metadata?.name,
      );
      expect(names).not.toContain('pacing-agent-pacing-operator-edit');
    });

    it('is accepted by the real kube-apiserver in a server-side dry run', () => {
      const namespace = `chart-dry-${randomBytes(3).toString('hex')}`;
      run(kubectl(), ['create', 'namespace', namespace]);
      const manifest = run(helm, [
        'template',
        'dry',
        chartDir,
        '--namespace',
        namespace,
        '--set',
        `networkPolicy.enabled=true,watchNamespaces={${namespace}}`,
      ]);
      run(kubectl(), ['apply', '--dry-run=server', '--namespace', namespace, '-f', '-'], manifest);
    });
  });

  describe('installed with helm install into the real kube-apiserver', () => {
    const suffix = randomBytes(3).toString('hex');
    const namespace = `chart-${suffix}`;
    const watched = `chart-watched-${suffix}`;
    const unwatched = `chart-unwatched-${suffix}`;
    const release = `apo-${suffix}`;
    const serviceAccount = `${release}-agent-pacing-operator`;
    const as = `system:serviceaccount:${namespace}:${serviceAccount}`;
    let notes = '';

    const canIArgs = (
      verb: string,
      resource: string,
      where: string | undefined,
      subresource?: string,
    ): string[] => [
      'auth',
      'can-i',
      verb,
      resource,
      '--as',
      as,
      ...(where === undefined ? ['--all-namespaces'] : ['--namespace', where]),
      ...(subresource ? [`--subresource=${subresource}`] : []),
    ];
    // can-i exits 0 for yes and 1 for no; anything else is a failure of the check itself.
    const canI = (
      verb: string,
      resource: string,
      where: string | undefined,
      subresource?: string,
    ): boolean => {
      const args = canIArgs(verb, resource, where, subresource);
      const result = spawnSync(kubectl(), args, { encoding: 'utf8', env: process.env, timeout: 30_000 });
      if (result.status !== 0 && result.status !== 1) {
        throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
      }
      return result.status === 0;
    };
    const canIAsync = (
      verb: string,
      resource: string,
      where: string | undefined,
      subresource?: string,
    ): Promise<boolean> =>
      new Promise((resolve, reject) => {
        const args = canIArgs(verb, resource, where, subresource);
        execFile(kubectl(), args, { env: process.env, timeout: 30_000 }, (error, _stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          if (code === 0 || code === 1) resolve(code === 0);
          else reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr}`));
        });
      });
    const qualified = (group: string, resource: string): [string, string | undefined] => {
      const [plural, subresource] = resource.split('/') as [string, string | undefined];
      return [group === '' ? plural : `${plural}.${group}`, subresource];
    };

    beforeAll(() => {
      for (const ns of [namespace, watched, unwatched]) run(kubectl(), ['create', 'namespace', ns]);
      // The test run already applied crds/ (global setup); the chart adopts those CRDs, as it would on an
      // upgrade from a manual install.
      notes = run(helm, [
        'install',
        release,
        chartDir,
        '--namespace',
        namespace,
        '--take-ownership',
        '--set',
        `watchNamespaces={${watched}}`,
      ]);
    }, 120_000);

    afterAll(() => {
      spawnSync(helm, ['uninstall', release, '--namespace', namespace], {
        env: process.env,
        timeout: 120_000,
      });
    }, 120_000);

    it('tells the user what to do next', () => {
      expect(notes).toContain(
        `kubectl -n ${namespace} get deploy,pods -l app.kubernetes.io/instance=${release}`,
      );
      expect(notes).toContain(`in one of the watched namespaces (${watched})`);
      expect(notes).toContain(`port-forward svc/${serviceAccount}-metrics 8080`);
      // Secrets are scoped, so no warning about cluster-wide Secret access.
      expect(notes).not.toContain('may read Secrets in every namespace');
    });

    it('creates the CRDs, marked to be kept on uninstall', () => {
      for (const crd of ['pacingclusters.pacing.agentpacing.dev', 'pacingtargets.pacing.agentpacing.dev']) {
        const object = JSON.parse(run(kubectl(), ['get', 'crd', crd, '-o', 'json'])) as RenderedObject;
        expect(object.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
        expect(object.metadata?.annotations?.['meta.helm.sh/release-name']).toBe(release);
      }
    });

    it('creates the Deployment, ServiceAccount, RBAC objects, Service and PodDisruptionBudget', () => {
      const exists = (namespaceArgs: string[], ...objects: string[]): string[] =>
        run(kubectl(), ['get', ...namespaceArgs, ...objects, '-o', 'name'])
          .trim()
          .split('\n');
      expect(
        exists(
          ['-n', namespace],
          `deployment/${serviceAccount}`,
          `serviceaccount/${serviceAccount}`,
          `service/${serviceAccount}-metrics`,
          `poddisruptionbudget/${serviceAccount}`,
          `role/${serviceAccount}`,
          `rolebinding/${serviceAccount}`,
        ),
      ).toHaveLength(6);
      expect(
        exists(['-n', watched], `role/${serviceAccount}-secrets`, `rolebinding/${serviceAccount}-secrets`),
      ).toHaveLength(2);
      expect(
        exists([], `clusterrole/${serviceAccount}`, `clusterrolebinding/${serviceAccount}`),
      ).toHaveLength(2);
      // watchNamespaces is set, so no cluster-wide Secret access exists at all.
      expect(
        run(kubectl(), ['get', 'clusterrole', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name'])
          .trim()
          .split('\n')
          .sort(),
      ).toEqual(
        ['', '-edit', '-view'].map(
          (suffix) => `clusterrole.rbac.authorization.k8s.io/${serviceAccount}${suffix}`,
        ),
      );
      const deployment = JSON.parse(
        run(kubectl(), ['get', '-n', namespace, `deployment/${serviceAccount}`, '-o', 'json']),
      ) as {
        spec: { replicas: number; template: { spec: { serviceAccountName: string } } };
      };
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.template.spec.serviceAccountName).toBe(serviceAccount);
    });

    it('lets the ServiceAccount make every call of the allow-list where the operator makes it', () => {
      const denied = expectedGrants(namespace, [watched]).filter((g) => {
        const [resource, subresource] = qualified(g.group, g.resource);
        return !canI(g.verb, resource, g.namespace, subresource);
      });
      expect(denied.map(grantKey)).toEqual([]);
    });

    it('denies the ServiceAccount every other verb on the resources it uses, where it uses them and elsewhere', async () => {
      const allowed = new Set(expectedGrants(namespace, [watched]).map(grantKey));
      // Where a wrong grant would most likely be: cluster-wide, the namespace the call is granted in, and a
      // namespace the operator has no business in. Namespace-by-namespace leaks are covered statically by
      // the rendered-RBAC test above.
      const placesOf = (scope: string): (string | undefined)[] =>
        scope === 'release-namespace'
          ? [undefined, namespace, unwatched]
          : scope === 'watched-namespaces'
            ? [undefined, watched, unwatched]
            : [undefined, unwatched];
      const checks = operatorApiCalls.flatMap((call) =>
        allRbacVerbs.flatMap((verb) =>
          placesOf(call.scope)
            .map((where) => ({ call, verb, where }))
            .filter(({ where }) => {
              const at = (ns: string | undefined): string =>
                grantKey({ group: call.group, resource: call.resource, verb, namespace: ns });
              return !allowed.has(at(where)) && !allowed.has(at(undefined));
            }),
        ),
      );
      expect(checks.length).toBeGreaterThan(50);
      const unexpected: string[] = [];
      // A few kubectl processes at a time: the answers come from the API server, the cost is process start-up.
      for (let i = 0; i < checks.length; i += 4) {
        const batch = checks.slice(i, i + 4);
        const answers = await Promise.all(
          batch.map(({ call, verb, where }) => {
            const [resource, subresource] = qualified(call.group, call.resource);
            return canIAsync(verb, resource, where, subresource);
          }),
        );
        batch.forEach(({ call, verb, where }, j) => {
          if (answers[j])
            unexpected.push(grantKey({ group: call.group, resource: call.resource, verb, namespace: where }));
        });
      }
      expect(unexpected).toEqual([]);
    }, 180_000);

    it.each([
      ['delete a PacingTarget', 'delete', 'pacingtargets.pacing.agentpacing.dev', 'watched'],
      ['change a PacingTarget spec', 'update', 'pacingtargets.pacing.agentpacing.dev', 'watched'],
      ['read a Secret outside the watched namespaces', 'get', 'secrets', 'unwatched'],
      ['list Secrets across the cluster', 'list', 'secrets', 'all'],
      ['read a Lease outside its own namespace', 'get', 'leases.coordination.k8s.io', 'unwatched'],
      ['write a ConfigMap outside its own namespace', 'update', 'configmaps', 'watched'],
      ['create core/v1 Events', 'create', 'events', 'watched'],
      ['list Pods', 'list', 'pods', 'release'],
      ['edit its own CRDs', 'update', 'customresourcedefinitions.apiextensions.k8s.io', 'all'],
      ['edit its own RBAC', 'update', 'clusterroles.rbac.authorization.k8s.io', 'all'],
    ])('does not let the ServiceAccount %s', (_what, verb, resource, place) => {
      const where = { watched, unwatched, release: namespace, all: undefined }[place];
      expect(canI(verb, resource, where)).toBe(false);
    });

    it('keeps the CRDs but removes the cluster-wide RBAC on helm uninstall', () => {
      run(helm, ['uninstall', release, '--namespace', namespace]);
      run(kubectl(), ['get', 'crd', 'pacingtargets.pacing.agentpacing.dev']);
      expect(
        execFileSync(
          kubectl(),
          ['get', 'clusterrole', '-l', `app.kubernetes.io/instance=${release}`, '-o', 'name'],
          {
            encoding: 'utf8',
          },
        ).trim(),
      ).toBe('');
    });
  });
});
