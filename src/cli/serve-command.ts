import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { loadScenarioFile } from '../sim/index.js';
import { REFERENCE_TARGET_ENDPOINT, startReferenceServers } from '../sim/index.js';

/** Options of `pacing-operator serve`, as commander parses them. */
interface ServeOptions {
  readonly scenario: string;
  readonly seed: number;
  readonly host: string;
  readonly statsPort: number;
  readonly engagementPort: number;
  readonly authPort: number;
  readonly targetEndpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokenLifetime: number;
  readonly statsToken?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('a port is 0-65535');
  return port;
}

function parseNonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer >= 0');
  return n;
}

function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer >= 1');
  return n;
}

/**
 * `pacing-operator serve --scenario FILE [--stats-port 18080] [--engagement-port 18081] [--auth-port 18082]
 * [--seed N]`: the reference statistics, engagement and OAuth2 token servers over one live simulation, on loopback,
 * until SIGINT or SIGTERM. The default client matches deploy/examples/01-engagement-credentials.yaml (demo only).
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'serve the reference statistics, engagement and token servers over a live simulation (demo, tests)',
    )
    .requiredOption('--scenario <file>', 'scenario YAML file the simulation runs')
    .option('--seed <n>', 'simulation seed', parseNonNegativeInteger, 1)
    .option('--host <address>', 'listen address of the three servers', '127.0.0.1')
    .option('--stats-port <port>', 'statistics server port (GET /v1/snapshot)', parsePort, 18080)
    .option('--engagement-port <port>', 'engagement server port', parsePort, 18081)
    .option('--auth-port <port>', 'OAuth2 token server port (POST /oauth/token)', parsePort, 18082)
    .option('--target-endpoint <path>', 'exchange path on the engagement server', REFERENCE_TARGET_ENDPOINT)
    .option('--client-id <id>', 'OAuth2 client id the token server accepts', 'demo-client')
    .option(
      '--client-secret <secret>',
      'its secret (demo value by default; never a real one)',
      'demo-secret-for-local-demo-only',
    )
    .option('--token-lifetime <seconds>', 'lifetime of issued tokens', parsePositiveInteger, 300)
    .option('--stats-token <token>', 'require this bearer token on the statistics server')
    .action(async (options: ServeOptions) => {
      const log = pino({ name: 'pacing-operator-serve', redact: ['clientSecret', 'statsToken'] });
      const scenario = loadScenarioFile(options.scenario);
      const servers = await startReferenceServers({
        scenario,
        seed: options.seed,
        clock: { nowMs: () => Date.now() },
        host: options.host,
        ports: { stats: options.statsPort, engagement: options.engagementPort, auth: options.authPort },
        targetEndpoint: options.targetEndpoint,
        clients: { [options.clientId]: options.clientSecret },
        tokenLifetimeSeconds: options.tokenLifetime,
        ...(options.statsToken ? { statsBearerToken: options.statsToken } : {}),
      });
      log.info(
        {
          scenario: scenario.name,
          seed: options.seed,
          statsUrl: servers.stats.url,
          exchangeUrl: servers.engagement.exchangeUrl,
          tokenUrl: servers.tokens.tokenUrl,
          publicationsUrl: `${servers.engagement.url}/debug/publications`,
        },
        'reference servers listening',
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await servers.close();
      log.info('reference servers stopped');
    });
}
