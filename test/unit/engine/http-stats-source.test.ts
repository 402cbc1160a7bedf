import { HttpStatsSource } from '../../../src/engine/index.js';
import type { StatsClient, StatsFetchResult } from '../../../src/stats/index.js';

const selection = { agentIds: ['a-1'], agentGroups: [], skillExpressions: [], virtualQueues: ['sales'] };

/** A client whose answer says whether the source took the selection query. */
function aClient(isSelected: boolean): StatsClient {
  const result: StatsFetchResult = {
    snapshot: { snapshotTime: '2026-11-27T09:00:00.000Z', agents: [], virtualQueues: [] },
    ageMs: 0,
    wireBytes: 10,
    form: 'object',
    isSelected,
  };
  return { fetchSnapshot: async () => result } as unknown as StatsClient;
}

describe('HttpStatsSource', () => {
  it('marks a snapshot with the selection the source answered, so the engine need not cut it again', async () => {
    const answered = await new HttpStatsSource(aClient(true)).fetch(new AbortController().signal, selection);
    expect(answered.selectedBy).toBe(selection);
  });

  it('leaves a whole snapshot unmarked, even when a selection was asked for', async () => {
    const whole = await new HttpStatsSource(aClient(false)).fetch(new AbortController().signal, selection);
    expect(whole.selectedBy).toBeUndefined();
  });
});
