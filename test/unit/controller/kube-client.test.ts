import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Dispatcher, fetch } from 'undici';
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

  it('reads the CA, certificate and key files once, at load, not on every request', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kc-'));
    const pem = (what: string) =>
      `-----BEGIN ${what}-----\n${Buffer.from(what).toString('base64')}\n-----END ${what}-----\n`;
    for (const name of ['ca.crt', 'client.crt', 'client.key']) writeFileSync(path.join(dir, name), pem(name));
    const file = path.join(dir, 'kubeconfig');
    writeFileSync(
      file,
      kubeconfigYaml
        .replace(
          /certificate-authority-data: "[^"]*"/,
          `certificate-authority: "${path.join(dir, 'ca.crt')}"`,
        )
        .replace(
          'user: { token: "secret-token" }',
          `user: { client-certificate: "${path.join(dir, 'client.crt')}", client-key: "${path.join(dir, 'client.key')}" }`,
        ),
    );
    const kubeConfig = loadKubeConfig({ kubeconfigPath: file });
    for (const name of ['ca.crt', 'client.crt', 'client.key']) rmSync(path.join(dir, name));

    expect(kubeConfig.getCurrentCluster()).toMatchObject({ caFile: undefined, caData: expect.any(String) });
    expect(Buffer.from(kubeConfig.getCurrentCluster()!.caData!, 'base64').toString()).toBe(pem('ca.crt'));
    expect(kubeConfig.getCurrentUser()).toMatchObject({ certFile: undefined, keyFile: undefined });
    expect(Buffer.from(kubeConfig.getCurrentUser()!.keyData!, 'base64').toString()).toBe(pem('client.key'));
    // With the files gone, a request still gets its TLS options: nothing is read any more.
    await expect(dispatcherOf(kubeConfig)).resolves.toBeDefined();
    await kubeConfig.close();
  });

  it('names the file in the error when it cannot be read', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(KubeConfigLoadError);
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(/nonexistent/);
  });
});

/** A dispatcher that fails every request with the error it is given, and records being closed. */
class FailingDispatcher extends Dispatcher {
  closed = false;
  constructor(readonly error: Error) {
    super();
  }
  override dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    queueMicrotask(() => handler.onResponseError?.({} as Dispatcher.DispatchController, this.error));
    return true;
  }
  override async close(): Promise<void> {
    this.closed = true;
  }
}

function sessionError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('SharedDispatcherKubeConfig after a failed request', () => {
  function setUp(error: Error) {
    const adopted: FailingDispatcher[] = [];
    const replacedBy: unknown[] = [];
    const kubeConfig = new SharedDispatcherKubeConfig({
      adoptDispatcher: () => {
        const dispatcher = new FailingDispatcher(error);
        adopted.push(dispatcher);
        return dispatcher;
      },
      onDispatcherReplaced: (cause) => replacedBy.push(cause),
    });
    kubeConfig.loadFromString(kubeconfigYaml);
    return { kubeConfig, adopted, replacedBy };
  }

  it.each([
    [
      'ENHANCE_YOUR_CALM',
      sessionError('Stream closed with error code NGHTTP2_ENHANCE_YOUR_CALM', 'ERR_HTTP2_STREAM_ERROR'),
    ],
    ['a GOAWAY', sessionError('HTTP/2: "GOAWAY" frame received with code 0', 'UND_ERR_SOCKET')],
    ['a destroyed session', sessionError('The session has been destroyed', 'ERR_HTTP2_INVALID_SESSION')],
    ['a destroyed client', sessionError('The client is destroyed', 'UND_ERR_DESTROYED')],
  ])('opens a fresh dispatcher for the next request after %s, closing the old one', async (_name, error) => {
    const { kubeConfig, adopted, replacedBy } = setUp(error);
    const first = await dispatcherOf(kubeConfig);

    await expect(fetch('https://127.0.0.1:6443/api', { dispatcher: first as Dispatcher })).rejects.toThrow();
    const second = await dispatcherOf(kubeConfig);

    expect(second).not.toBe(first);
    expect(adopted).toHaveLength(2);
    expect(adopted[0]?.closed).toBe(true);
    expect(adopted[1]?.closed).toBe(false);
    expect(replacedBy).toEqual([error]);
    expect(await dispatcherOf(kubeConfig)).toBe(second);
    await kubeConfig.close();
  });

  it('replaces the session once when several requests on it fail', async () => {
    const { kubeConfig, adopted } = setUp(sessionError('GOAWAY received', 'UND_ERR_SOCKET'));
    const first = (await dispatcherOf(kubeConfig)) as Dispatcher;

    await Promise.allSettled([1, 2, 3].map(() => fetch('https://127.0.0.1:6443/api', { dispatcher: first })));
    await dispatcherOf(kubeConfig);

    expect(adopted).toHaveLength(2);
  });

  it.each([
    ['a refused connection', sessionError('connect ECONNREFUSED 127.0.0.1:6443', 'ECONNREFUSED')],
    ['a request timeout', sessionError('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT')],
  ])('keeps the shared dispatcher after %s', async (_name, error) => {
    const { kubeConfig, adopted, replacedBy } = setUp(error);
    const first = await dispatcherOf(kubeConfig);

    await expect(fetch('https://127.0.0.1:6443/api', { dispatcher: first as Dispatcher })).rejects.toThrow();

    expect(await dispatcherOf(kubeConfig)).toBe(first);
    expect(adopted[0]?.closed).toBe(false);
    expect(replacedBy).toEqual([]);
    await kubeConfig.close();
  });
});
