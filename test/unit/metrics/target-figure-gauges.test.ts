import { Registry } from 'prom-client';
import { TargetFigureGauges } from '../../../src/metrics/target-figure-gauges.js';

interface Figures {
  invites: number;
  ratio?: number;
}

function aFamily() {
  const registry = new Registry();
  const gauges = new TargetFigureGauges<Figures>(
    registry,
    [
      { name: 'test_invites', help: 'Invites.', valueOf: (f) => f.invites },
      { name: 'test_ratio', help: 'A ratio.', valueOf: (f) => f.ratio },
    ],
    (group, target) => ({ namespace: 'ns', cluster: group, target }),
  );
  return { registry, gauges };
}

describe('TargetFigureGauges', () => {
  it('renders one series per stored target in each family, in the Prometheus text format', async () => {
    const { registry, gauges } = aFamily();
    gauges.set('main', 'a', { invites: 3, ratio: 0.25 });
    gauges.set('main', 'b', { invites: 0 });
    gauges.set('main', 'a', { invites: 4, ratio: Number.NaN });

    expect(await registry.metrics()).toBe(
      [
        '# HELP test_invites Invites.',
        '# TYPE test_invites gauge',
        'test_invites{namespace="ns",cluster="main",target="a"} 4',
        'test_invites{namespace="ns",cluster="main",target="b"} 0',
        '',
        '# HELP test_ratio A ratio.',
        '# TYPE test_ratio gauge',
        '',
      ].join('\n'),
    );
    expect(gauges.size).toBe(2);
  });

  it('forgets a removed target in every family, and everything on a registry reset', async () => {
    const { registry, gauges } = aFamily();
    gauges.set('main', 'a', { invites: 1, ratio: 0.5 });
    gauges.set('main', 'b', { invites: 2, ratio: 0.1 });
    gauges.remove('main', 'a');
    const text = await registry.metrics();
    expect(text).not.toContain('target="a"');
    expect(text).toContain('test_ratio{namespace="ns",cluster="main",target="b"} 0.1');
    registry.resetMetrics();
    expect(gauges.size).toBe(0);
  });

  it('refuses a family name already registered', () => {
    const { registry } = aFamily();
    expect(
      () =>
        new TargetFigureGauges<Figures>(
          registry,
          [{ name: 'test_invites', help: 'x', valueOf: () => 1 }],
          (group, target) => ({ namespace: 'ns', cluster: group, target }),
        ),
    ).toThrow(/already been registered/);
  });
});
