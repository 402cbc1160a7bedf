import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { loadKubeConfig, SharedDispatcherKubeConfig } from '../../../src/controller/kube-client.js';
import { KubeConfigLoadError } from '../../../src/controller/errors.js';

// Any PEM-shaped text will do: undici only parses the CA when it connects, and these tests never connect.
const kubeconfigYaml = `
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: "${Buffer.from('not a real ca').toString('base64')}" }
users:
- name: admin
  user: { token: "secret-token" }
contexts:
- name: local
  context: { cluster: local, user: admin }
current-context: local
`;

async function dispatcherOf(kubeConfig: KubeConfig): Promise<unknown> {
  const context = new RequestContext('https://127.0.0.1:6443/api', HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  return context.getDispatcher();
}

describe('SharedDispatcherKubeConfig', () => {
  it('hands every request the same dispatcher, where plain client-node builds a new one each time', async () => {
    const shared = new SharedDispatcherKubeConfig();
    shared.loadFromString(kubeconfigYaml);
    const plain = new KubeConfig();
    plain.loadFromString(kubeconfigYaml);
    const [a, b] = [await dispatcherOf(shared), await dispatcherOf(shared)];
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(await dispatcherOf(plain)).not.toBe(await dispatcherOf(plain));
    await shared.close();
  });
});

describe('loadKubeConfig', () => {
  it('loads the file it is given', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-'));
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(file, kubeconfigYaml);
    expect(loadKubeConfig({ kubeconfigPath: file }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    );
  });

  it('names the file in the error when it cannot be read', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(KubeConfigLoadError);
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(/nonexistent/);
  });
});
