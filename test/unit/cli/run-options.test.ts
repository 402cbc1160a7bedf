import { resolveRunSettings, runOptionsSchema } from '../../../src/cli/run-options.js';

const fixedRandom = () => 0.5;

describe('run options', () => {
  it('settles every default in one place', () => {
    const options = runOptionsSchema.parse({ watchNamespace: [] });

    expect(options).toMatchObject({
      leaderElect: false,
      leaseName: 'agent-pacing-operator',
      leaseDuration: 15_000,
      renewDeadline: 10_000,
      retryPeriod: 2_000,
      metricsPort: 8080,
      shards: 1,
      logFormat: 'json',
      logLevel: 'info',
      memorySoftLimitMib: 0,
      heapGrowingPercent: 0,
    });
  });

  it('reads durations and ports given as text by commander', () => {
    const options = runOptionsSchema.parse({
      leaseDuration: '4s',
      renewDeadline: '3s',
      retryPeriod: '500ms',
      metricsPort: '0',
      watchNamespace: [],
    });

    expect(options).toMatchObject({
      leaseDuration: 4000,
      renewDeadline: 3000,
      retryPeriod: 500,
      metricsPort: 0,
    });
  });

  it.each([
    ['a malformed duration', { leaseDuration: 'soon' }, '--lease-duration'],
    ['more than one shard without leader election', { shards: '3' }, '--leader-elect'],
    ['more shards than a status can list', { shards: '1025', leaderElect: true }, '--shards'],
    ['zero shards', { shards: '0' }, '--shards'],
    ['a port out of range', { metricsPort: '70000' }, '65535'],
    [
      'no figure refreshes at all',
      { statusRefreshWritesPerSecond: '0' },
      '--status-refresh-writes-per-second',
    ],
    ['a negative refresh window', { statusRefreshWindowMs: '-1' }, '--status-refresh-window-ms'],
    [
      'a refresh window that is not a number',
      { statusRefreshWindowMs: 'short' },
      '--status-refresh-window-ms',
    ],
    ['a negative memory soft limit', { memorySoftLimitMib: '-1' }, '--memory-soft-limit-mib'],
    ['a memory soft limit that is not a number', { memorySoftLimitMib: 'lots' }, '--memory-soft-limit-mib'],
    ['a fractional memory soft limit', { memorySoftLimitMib: '2.5' }, '--memory-soft-limit-mib'],
    ['a negative heap growing percent', { heapGrowingPercent: '-5' }, '--heap-growing-percent'],
    [
      'a heap growing percent that is not a number',
      { heapGrowingPercent: 'double' },
      '--heap-growing-percent',
    ],
    ['a fractional heap growing percent', { heapGrowingPercent: '50.5' }, '--heap-growing-percent'],
    ['a heap growing percent past 1000', { heapGrowingPercent: '1001' }, '--heap-growing-percent'],
  ])('refuses %s with a message naming the flag', (_name, raw, text) => {
    const result = runOptionsSchema.safeParse({ watchNamespace: [], ...raw });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join(' ')).toContain(text);
  });

  it('leaves the figure refresh rate to the status writer unless given (a quarter of the budget, at most 20)', () => {
    expect(runOptionsSchema.parse({ watchNamespace: [] }).statusRefreshWritesPerSecond).toBeUndefined();
    expect(
      runOptionsSchema.parse({ watchNamespace: [], statusRefreshWritesPerSecond: '12.5' })
        .statusRefreshWritesPerSecond,
    ).toBe(12.5);
  });

  it('sends figure refreshes in the second after each cycle unless told otherwise', () => {
    expect(runOptionsSchema.parse({ watchNamespace: [] }).statusRefreshWindowMs).toBe(1000);
    expect(
      runOptionsSchema.parse({ watchNamespace: [], statusRefreshWindowMs: '0' }).statusRefreshWindowMs,
    ).toBe(0);
  });

  it('reads the memory soft limit in MiB', () => {
    expect(runOptionsSchema.parse({ watchNamespace: [], memorySoftLimitMib: '256' }).memorySoftLimitMib).toBe(
      256,
    );
  });

  it('accepts several shards with leader election', () => {
    const options = runOptionsSchema.parse({ watchNamespace: [], shards: '3', leaderElect: true });

    expect(options.shards).toBe(3);
  });

  it('builds the identity from the pod name and a random suffix, and merges both namespace flags', () => {
    const options = runOptionsSchema.parse({ watchNamespace: ['a', 'b'], watchNamespaces: 'b, c' });

    const settings = resolveRunSettings(
      options,
      { podName: 'op-7d9f', podNamespace: 'pacing-system' },
      fixedRandom,
    );

    expect(settings.identity).toBe('op-7d9f_80000000');
    expect(settings.watchNamespaces).toEqual(['a', 'b', 'c']);
    expect(settings.operatorNamespace).toBe('pacing-system');
  });

  it('prefers an explicit identity and lease namespace', () => {
    const options = runOptionsSchema.parse({ watchNamespace: [], identity: 'me', leaseNamespace: 'ops' });

    const settings = resolveRunSettings(options, { podNamespace: 'pacing-system' }, fixedRandom);

    expect(settings).toMatchObject({ identity: 'me', operatorNamespace: 'ops', watchNamespaces: [] });
  });
});
