import { createLiveContactCenter, parseScenario } from '../../../src/sim/index.js';

const start = Date.UTC(2026, 0, 5, 8, 0, 0);

/** Pools of one agent each; capacity 1 so that answered interactions count the eligible agents. */
function pool(name: string, groups: string[], skills: Record<string, number>, chat = 1) {
  return {
    pool: name,
    count: 1,
    capacity: { chat },
    groups,
    skills,
    handleTime: { chat: { dist: 'constant', value: 3600 } },
  };
}

const scenario = parseScenario({
  name: 'eligibility',
  durationSeconds: 3600,
  agents: [
    pool('grouped', ['Team'], {}),
    pool('skilled', [], { Spanish: 7 }),
    pool('both', ['Team'], { Spanish: 7 }),
    pool('outsider', ['Other'], { Spanish: 2 }),
    pool('voice-only', ['Team'], { Spanish: 9 }, 0),
  ],
  targets: [
    {
      name: 'Mixed - chat',
      media: 'chat',
      agentGroups: [{ group: 'Team' }, { skillExpression: 'Spanish > 5' }],
      acceptProbability: 1,
      acceptDelay: { dist: 'constant', value: 1 },
      declineDelay: { dist: 'constant', value: 1 },
      expirySeconds: 60,
      patience: { dist: 'constant', value: 3000 },
    },
  ],
});

describe('agent eligibility in the contact center', () => {
  it('serves a target from the union of its named groups and skill expressions, each agent once, only agents with slots of its media', () => {
    const live = createLiveContactCenter(scenario, 1, start);
    live.applyAllowances({ cycleId: 1, publisher: 'op', allowances: [{ id: 'Mixed:chat', invites: 6 }] });
    live.advanceTo(start + 10_000);
    const queue = live.snapshot().virtualQueues[0]!;
    // grouped, skilled and both are eligible (both counted once); outsider lacks the skill; voice-only has no chat slot.
    expect(queue.acceptedTotal).toBe(6);
    expect(queue.answeredTotal).toBe(3);
    expect(queue.waiting).toBe(3);
  });
});
