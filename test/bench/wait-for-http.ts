import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `url` answers 2xx; rejects when `isAlive` says its process exited or after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  isAlive: () => boolean,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`the process behind ${url} exited`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250, undefined, { signal });
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
