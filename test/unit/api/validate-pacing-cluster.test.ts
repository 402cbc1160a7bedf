import { validatePacingCluster } from '../../../src/api/index.js';
import { aClusterSpec, aPacingCluster, withField } from '../../support/pacing-manifests.js';

describe('validatePacingCluster', () => {
  it('applies every default of the schema, nested alarm thresholds included', () => {
    const result = validatePacingCluster(aPacingCluster(aClusterSpec()));
    expect(result.isValid).toBe(true);
    if (!result.isValid) return;
    expect(result.cluster.spec).toMatchObject({
      refreshPeriod: '5s',
      optimizationGoal: 3,
      policy: 'adaptive',
      statsSource: { timeout: '2s', staleAfter: '15s' },
      engagement: { timeout: '5s' },
      alarms: { heapUsageRatio: 0.8, gcLatencyMs: 1000, gcFrequencyPerMinute: 24, detectAfter: '30s' },
      statusUpdatePeriod: '10s',
      learnedStateSavePeriod: '1m',
    });
    expect(result.durationsMs).toEqual({
      refreshPeriodMs: 5000,
      statusUpdatePeriodMs: 10_000,
      learnedStateSavePeriodMs: 60_000,
      statsTimeoutMs: 2000,
      statsStaleAfterMs: 15_000,
      engagementTimeoutMs: 5000,
      alarmDetectAfterMs: 30_000,
    });
  });

  it.each([
    ['https on any host', 'https://api.example.com/'],
    ['http on 127.0.0.1', 'http://127.0.0.1:18081'],
    ['http on localhost', 'http://localhost:8080/api'],
    ['http on IPv6 loopback', 'http://[::1]:8080'],
  ])('accepts an engagement service URL with %s', (_name, url) => {
    const spec = withField(aClusterSpec(), 'engagement.baseServiceURL', url);
    expect(validatePacingCluster(aPacingCluster(spec)).isValid).toBe(true);
  });

  it('names the field and the loopback rule when an engagement URL is plain http on a remote host', () => {
    const spec = withField(aClusterSpec(), 'engagement.baseAuthURL', 'http://login.example.com/token');
    expect(validatePacingCluster(aPacingCluster(spec))).toEqual({
      isValid: false,
      reason: 'InvalidSpec',
      field: 'spec.engagement.baseAuthURL',
      message:
        'spec.engagement.baseAuthURL: engagement.baseAuthURL must use https unless its host is loopback (127.0.0.1, localhost, ::1)',
    });
  });

  it.each([
    ['a shorthand IPv4 loopback the API server reads literally', 'http://127.1'],
    ['an upper-case localhost the API server does not lower-case', 'http://LOCALHOST'],
    ['a loopback-looking name with a trailing dot', 'http://localhost.'],
  ])('refuses plain http for %s, as CEL does', (_name, url) => {
    const spec = withField(aClusterSpec(), 'engagement.baseServiceURL', url);
    expect(validatePacingCluster(aPacingCluster(spec))).toMatchObject({
      isValid: false,
      field: 'spec.engagement.baseServiceURL',
    });
  });

  it('accepts a plain-http statistics source on any host', () => {
    const spec = withField(aClusterSpec(), 'statsSource.url', 'http://stat-server.contact-center.svc:8080');
    expect(validatePacingCluster(aPacingCluster(spec)).isValid).toBe(true);
  });
});
