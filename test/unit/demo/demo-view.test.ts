import { parsePrometheusText } from '../../../src/demo/prometheus-text.js';
import { rowsFromMetrics } from '../../../src/demo/demo-snapshot.js';
import { renderDemoView } from '../../../src/demo/demo-view.js';
import { renderDemoReport } from '../../../src/demo/demo-report.js';

const exposition = `# HELP pacing_invites_allowed invitations allowed
# TYPE pacing_invites_allowed gauge
pacing_invites_allowed{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 4
pacing_free_slots{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 3
pacing_waiting_interactions{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 1
pacing_pending_invitations{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 7
pacing_abandonment_ratio{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 0.025
pacing_abandonment_goal_ratio{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 0.03
pacing_occupancy_ratio{namespace="pacing-demo",cluster="demo",target="proactive-chat-chat"} 0.914
pacing_invites_allowed{namespace="pacing-demo",cluster="demo",target="proactive-voice-voice"} 0
leader_election_master_status{name="agent-pacing-operator"} 1
`;

describe('the demo view', () => {
  it('reads per-target gauges from Prometheus text, percent where the metric is a ratio', () => {
    const rows = rowsFromMetrics(parsePrometheusText(exposition));
    expect(rows.map((r) => r.target)).toEqual(['proactive-chat-chat', 'proactive-voice-voice']);
    expect(rows[0]).toEqual({
      target: 'proactive-chat-chat',
      freeSlots: 3,
      waiting: 1,
      pending: 7,
      invites: 4,
      abandonPercent: 2.5,
      goalPercent: 3,
      occupancyPercent: 91.4,
    });
    expect(rows[1]?.freeSlots).toBeUndefined();
  });

  it('names the leader and shows one line per target, with a dash where a figure is missing', () => {
    const rows = rowsFromMetrics(parsePrometheusText(exposition));
    const text = renderDemoView({
      elapsedSeconds: 42,
      leader: 'replica-1',
      replicas: [
        { name: 'replica-1', up: true, leading: true },
        { name: 'replica-2', up: true, leading: false },
      ],
      rows,
    });
    expect(text).toContain('leader: replica-1');
    expect(text).toContain('replica-1 (leader), replica-2');
    expect(text).toMatch(/proactive-chat-chat\s*│\s*3\s*│\s*1\s*│\s*7\s*│\s*4\s*│\s*2\.5 \/ 3\s*│\s*91\.4/);
    expect(text).toMatch(/proactive-voice-voice\s*│\s*–/);
  });

  it('says so while no cycle has run yet', () => {
    const text = renderDemoView({ elapsedSeconds: 1, leader: undefined, replicas: [], rows: [] });
    expect(text).toContain('leader: none yet');
    expect(text).toContain('waiting for the first pacing cycle');
  });

  it('writes a report with the last figures and one chart per metric', () => {
    const rows = rowsFromMetrics(parsePrometheusText(exposition));
    const html = renderDemoReport(
      [
        { elapsedSeconds: 0, leader: 'replica-1', replicas: [], rows },
        { elapsedSeconds: 5, leader: 'replica-2', replicas: [], rows },
      ],
      new Date('2026-11-25T18:00:00Z'),
    );
    expect(html).toContain('Leaders seen: replica-1, replica-2');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain(
      '<td>proactive-chat-chat</td><td>4</td><td>3</td><td>2.50</td><td>3</td><td>91.4</td>',
    );
  });
});
