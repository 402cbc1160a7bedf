import { readdirSync } from 'node:fs';
import { loadScenarioFile, parseScenario, scenarioTargetId } from '../../../src/sim/index.js';

const dir = 'test/bench/scenarios';

describe('scenario files', () => {
  it.each(readdirSync(dir).filter((f) => f.endsWith('.yaml')))('parses the benchmark scenario %s', (file) => {
    const scenario = loadScenarioFile(`${dir}/${file}`);
    expect(`${scenario.name}.yaml`).toBe(file);
  });

  it('fills the defaults of PACING.md and derives the target id from the virtual queue and media', () => {
    const scenario = loadScenarioFile(`${dir}/steady-chat-10.yaml`);
    expect(scenario.cycleSeconds).toBe(2);
    expect(scenarioTargetId(scenario.targets[0]!)).toBe('Proactive Chat:chat');
  });

  it.each([
    [
      'a missing distribution parameter',
      { acceptDelay: { dist: 'lognormal', mean: 10 } },
      /targets\.0\.acceptDelay/,
    ],
    ['an unknown distribution', { patience: { dist: 'pareto', mean: 3 } }, /targets\.0\.patience/],
    ['a probability above 1', { acceptProbability: 1.5 }, /targets\.0\.acceptProbability/],
  ])('rejects %s, naming the field', (_name, change, message) => {
    const base = loadScenarioFile(`${dir}/steady-chat-10.yaml`);
    const bad = { ...base, targets: [{ ...base.targets[0]!, ...change }] };
    expect(() => parseScenario(bad, 'bad.yaml')).toThrow(message);
  });

  it('rejects an event about a pool that does not exist', () => {
    const base = loadScenarioFile(`${dir}/steady-chat-10.yaml`);
    expect(() => parseScenario({ ...base, events: [{ at: 5, pool: 'ghosts', set: { count: 1 } }] })).toThrow(
      expect.objectContaining({
        code: 'PACING_ERR_SCENARIO_INVALID',
        message: expect.stringMatching(/unknown pool "ghosts"/),
      }),
    );
  });
});
