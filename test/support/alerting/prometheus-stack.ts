import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { freeLoopbackPort } from './free-loopback-port.js';
import { startLoggedProcess, type LoggedProcess } from './logged-process.js';

/** What the stack needs: the rule file under test, what to scrape, where Alertmanager sends notifications. */
export interface PrometheusStackOptions {
  /** A fresh directory for configs, data and logs. */
  readonly workDir: string;
  /** Absolute path of the Prometheus rule file to load, unchanged. */
  readonly rulesFile: string;
  /** `host:port` of the /metrics endpoint to scrape. */
  readonly scrapeTarget: string;
  /** URL of the webhook receiver. */
  readonly webhookUrl: string;
}

/** A real Prometheus and Alertmanager on loopback ports. */
export interface PrometheusStack {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Log tails of both, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts Alertmanager, then Prometheus (Debian binaries; PROMETHEUS and ALERTMANAGER override their paths)
 * with 1 s scrape and evaluation intervals and `--rules.alert.resend-delay=1s` (Prometheus 2.42's default of 1m
 * would hold back the first notification after Alertmanager is discovered), and waits until both are ready.
 */
export async function startPrometheusStack(options: PrometheusStackOptions): Promise<PrometheusStack> {
  const { workDir } = options;
  mkdirSync(workDir, { recursive: true });
  const [alertmanagerPort, prometheusPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const alertmanagerConfig = path.join(workDir, 'alertmanager.yml');
  writeFileSync(
    alertmanagerConfig,
    stringify({
      route: {
        receiver: 'webhook',
        group_by: ['alertname', 'cluster', 'target'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [{ name: 'webhook', webhook_configs: [{ url: options.webhookUrl, send_resolved: true }] }],
    }),
  );
  const prometheusConfig = path.join(workDir, 'prometheus.yml');
  writeFileSync(
    prometheusConfig,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [options.rulesFile],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
      scrape_configs: [
        { job_name: 'agent-pacing-operator', static_configs: [{ targets: [options.scrapeTarget] }] },
      ],
    }),
  );
  const started: LoggedProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.stop()));
  };
  try {
    started.push(
      await startLoggedProcess(
        process.env.ALERTMANAGER ?? 'prometheus-alertmanager',
        [
          `--config.file=${alertmanagerConfig}`,
          `--storage.path=${path.join(workDir, 'alertmanager-data')}`,
          `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
          '--cluster.listen-address=', // no gossip: a single, private Alertmanager
        ],
        path.join(workDir, 'alertmanager.log'),
      ),
    );
    started.push(
      await startLoggedProcess(
        process.env.PROMETHEUS ?? 'prometheus',
        [
          `--config.file=${prometheusConfig}`,
          `--storage.tsdb.path=${path.join(workDir, 'prometheus-data')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
          '--rules.alert.resend-delay=1s',
        ],
        path.join(workDir, 'prometheus.log'),
      ),
    );
    const stack: PrometheusStack = {
      prometheusUrl: `http://127.0.0.1:${prometheusPort}`,
      alertmanagerUrl: `http://127.0.0.1:${alertmanagerPort}`,
      logs: () => started.map((p) => `--- ${p.logFile}\n${p.tail()}`).join('\n'),
      stop,
    };
    await waitUntilReady(`${stack.alertmanagerUrl}/-/ready`, stack);
    await waitUntilReady(`${stack.prometheusUrl}/-/ready`, stack);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntilReady(url: string, stack: Pick<PrometheusStack, 'logs'>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready within 60 s\n${stack.logs()}`);
}
