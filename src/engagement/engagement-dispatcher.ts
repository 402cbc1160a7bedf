import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/** A forward proxy for the engagement platform and token endpoint. */
export interface ForwardProxy {
  /** Proxy URL, e.g. `http://proxy.corp:3128`. */
  url: string;
  /** Optional proxy user (sent as `Proxy-Authorization: Basic`). */
  username?: string;
  /** Optional proxy password; never logged. */
  password?: string;
}

/** Options of {@link createEngagementDispatcher}. */
export interface EngagementDispatcherOptions {
  /** Route every request through this forward proxy. */
  proxy?: ForwardProxy;
  /** TCP/TLS connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for the platform's TLS. */
  ca?: string | string[];
}

/**
 * The dispatcher shared by the token source and the exchange client: a keep-alive Agent, or undici's ProxyAgent
 * (CONNECT tunnel for https, with optional Basic proxy credentials) when a forward proxy is configured.
 */
export function createEngagementDispatcher(options: EngagementDispatcherOptions = {}): Dispatcher {
  const connect = { timeout: options.connectTimeoutMs ?? 5_000, ...(options.ca ? { ca: options.ca } : {}) };
  if (!options.proxy) return new Agent({ connect, keepAliveTimeout: 30_000 });
  const { url, username, password } = options.proxy;
  const token =
    username !== undefined
      ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
      : undefined;
  return new ProxyAgent({
    uri: url,
    ...(token ? { token } : {}),
    requestTls: options.ca ? { ca: options.ca } : {},
    proxyTls: options.ca ? { ca: options.ca } : {},
    connect,
  });
}
