import path from 'node:path';
import { repoRoot } from '../support/control-plane-paths.js';
import { examplesDir } from '../support/example-manifests.js';
import { createTestNamespace, eventually, kubectlOk, runKubectl } from '../support/kubectl-runner.js';
import { aPacingTarget, aTargetSpec } from '../support/pacing-manifests.js';

describe('installing the pacing CRDs and the examples on a real API server', () => {
  it('applies the generated CRDs and they become Established', () => {
    kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', path.join(repoRoot, 'crds')]);
    const out = kubectlOk([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      '-f',
      path.join(repoRoot, 'crds'),
    ]);
    expect(out).toContain('pacingclusters.pacing.agentpacing.dev condition met');
    expect(out).toContain('pacingtargets.pacing.agentpacing.dev condition met');
  });

  it('applies every example manifest as a user would, with kubectl apply -f deploy/examples', () => {
    const out = kubectlOk(['apply', '-f', examplesDir]);
    expect(out).toMatch(/pacingcluster\.pacing\.agentpacing\.dev\/demo (created|unchanged|configured)/);
    expect(out).toMatch(
      /pacingtarget\.pacing\.agentpacing\.dev\/proactive-chat-chat (created|unchanged|configured)/,
    );
    expect(out).toMatch(
      /pacingtarget\.pacing\.agentpacing\.dev\/proactive-voice-voice (created|unchanged|configured)/,
    );
  });

  it('lists the examples under the short names pcl and pt and the pacing category', () => {
    expect(kubectlOk(['get', 'pcl', '-n', 'pacing-demo', '-o', 'name'])).toContain(
      'pacingcluster.pacing.agentpacing.dev/demo',
    );
    const both = kubectlOk(['get', 'pacing', '-n', 'pacing-demo', '-o', 'name']);
    expect(both).toContain('pacingcluster.pacing.agentpacing.dev/demo');
    expect(both).toContain('pacingtarget.pacing.agentpacing.dev/proactive-voice-voice');
  });

  it('shows the printer columns in kubectl get pt and pcl, and more with -o wide', () => {
    const header = kubectlOk(['get', 'pt', '-n', 'pacing-demo']).split('\n')[0]!;
    expect(header.split(/\s{2,}/)).toEqual([
      'NAME',
      'MEDIA',
      'GOAL',
      'INVITES',
      'FREE',
      'ABANDON %',
      'READY',
      'AGE',
    ]);
    const rows = kubectlOk(['get', 'pt', '-n', 'pacing-demo', 'proactive-voice-voice', '-o', 'wide']);
    expect(rows.split('\n')[0]!.split(/\s{2,}/)).toEqual([
      'NAME',
      'MEDIA',
      'GOAL',
      'INVITES',
      'FREE',
      'ABANDON %',
      'READY',
      'QUEUE',
      'CLUSTER',
      'PAUSED',
      'WAITING',
      'PENDING',
      'ACCEPTED',
      'AGE',
    ]);
    expect(rows.split('\n')[1]).toMatch(/^proactive-voice-voice\s+voice\s.*Proactive Voice\s+demo\s+false/);
    const clusters = kubectlOk(['get', 'pcl', '-n', 'pacing-demo']).split('\n');
    expect(clusters[0]!.split(/\s{2,}/)).toEqual([
      'NAME',
      'POLICY',
      'REFRESH',
      'GOAL',
      'TARGETS',
      'READY',
      'DEGRADED',
      'AGE',
    ]);
    expect(clusters[1]).toMatch(/^demo\s+adaptive\s+5s\s+3\s/);
  });

  it('prints field descriptions in kubectl explain pacingtarget.spec.agentGroups', async () => {
    // The OpenAPI document is republished a moment after the CRD becomes Established.
    const out = await eventually('kubectl explain to know the agentGroups field', () => {
      const run = runKubectl(['explain', 'pacingtarget.spec.agentGroups']);
      return run.status === 0 ? run.stdout : undefined;
    });
    expect(out).toContain('Agent groups serving the virtual queue');
    expect(out).toMatch(/skillExpression\s+<string>/);
    expect(out).toContain('Spanish > 5 & Sales >= 3');
    expect(out).toMatch(/agents\s+<\[\]string>/);
    const cluster = kubectlOk(['explain', 'pacingcluster.spec.engagement.baseAuthURL']);
    expect(cluster).toContain('OAuth2 token URL for the client-credentials grant');
  });

  it('keeps status on its own subresource: the main endpoint ignores it and generation does not move', () => {
    const ns = createTestNamespace('crd-status');
    kubectlOk(['create', '-f', '-'], JSON.stringify(aPacingTarget(aTargetSpec(), 'status-story', ns)));
    const read = () =>
      JSON.parse(kubectlOk(['get', 'pt', 'status-story', '-n', ns, '-o', 'json'])) as {
        metadata: { generation: number };
        status?: { invitesPerInterval?: number; conditions?: { type: string; status: string }[] };
      };
    const patch = JSON.stringify({
      status: {
        invitesPerInterval: 4,
        conditions: [
          {
            type: 'Accepted',
            status: 'True',
            reason: 'Valid',
            message: '',
            lastTransitionTime: '2026-11-25T18:00:00Z',
            observedGeneration: 1,
          },
        ],
      },
    });
    kubectlOk(['patch', 'pt', 'status-story', '-n', ns, '--type=merge', '-p', patch]);
    expect(read().status?.invitesPerInterval).toBeUndefined();
    kubectlOk(['patch', 'pt', 'status-story', '-n', ns, '--subresource=status', '--type=merge', '-p', patch]);
    const after = read();
    expect(after.status?.invitesPerInterval).toBe(4);
    expect(after.metadata.generation).toBe(1);
    expect(kubectlOk(['get', 'pt', 'status-story', '-n', ns, '-o', 'wide'])).toMatch(
      /^status-story\s+chat\s+4\s/m,
    );
  });
});
