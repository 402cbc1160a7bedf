import {
  decideRound,
  type CounterMemory,
  type EngagementReportInput,
  type StatsSnapshotInput,
  type TargetInput,
} from '../pacing/index.js';
import { ContactCenter } from './contact-center.js';
import { scenarioTargetId, virtualQueueName, type Scenario } from './scenario.js';
import type { SimulationRecorder } from './simulation-recorder.js';

/** Epoch ms that virtual time 0 of a benchmark maps to (any fixed instant works; this one reads well in logs). */
export const benchmarkEpochMs = Date.UTC(2026, 0, 5, 8, 0, 0);

/** The outcome of one seed of one policy on one scenario. */
export interface SeedRun {
  /** The per-minute tallies of the scored time. */
  readonly recorder: SimulationRecorder;
  /** Wall-clock seconds the run took. */
  readonly wallSeconds: number;
}

/** The pacing targets of a scenario as the operator would define them. */
export function scenarioTargetInputs(scenario: Scenario): TargetInput[] {
  return scenario.targets.map((target) => ({
    id: scenarioTargetId(target),
    virtualQueue: virtualQueueName(target),
    media: target.media,
    goalPercent: target.goalPercent,
    agentGroups: target.agentGroups.map((group) =>
      'group' in group
        ? { name: group.group }
        : { name: group.skillExpression, skillExpression: group.skillExpression },
    ),
    maxInvitesPerInterval: target.maxInvitesPerInterval,
    paused: target.paused,
  }));
}

/** Staleness limit of a scenario in ms: its `staleAfterSeconds`, else max(10 s, 3 cycles). */
export function staleAfterMsOf(scenario: Scenario): number {
  return (scenario.staleAfterSeconds ?? Math.max(10, 3 * scenario.cycleSeconds)) * 1000;
}

/**
 * Runs one seed: the contact center from −warmup to the end of the scored time, and every `cycleSeconds` the
 * operator's own path — statistics snapshot (taken `statsLagSeconds` earlier), engagement reports, the
 * observation builder, the guard chain and the policy — whose invitations are sent into the simulation.
 * `clock` returns wall-clock ms and is used only to report how long the run took.
 */
export function runScenarioSeed(
  scenario: Scenario,
  policyName: string,
  seed: number,
  clock: () => number,
): SeedRun {
  const started = clock();
  const center = new ContactCenter(scenario, seed, {
    startSeconds: -scenario.warmupSeconds,
    epochMsAtZero: benchmarkEpochMs,
    recordSeconds: scenario.durationSeconds,
  });
  const targets = scenarioTargetInputs(scenario);
  const staleAfterMs = staleAfterMsOf(scenario);
  const cycle = scenario.cycleSeconds;
  const lag = scenario.statsLagSeconds;
  const cycles = Math.ceil((scenario.durationSeconds + scenario.warmupSeconds) / cycle);
  const cycleTime = (k: number): number => -scenario.warmupSeconds + k * cycle;
  const snapshots: StatsSnapshotInput[] = [];
  let captured = 0;
  let memory: CounterMemory = {};
  let states: Readonly<Record<string, unknown>> = {};
  for (let k = 0; k < cycles; k++) {
    // Take every snapshot due by now (at cycle time − lag), then decide with the one for this cycle.
    while (cycleTime(captured) - lag <= cycleTime(k)) {
      center.advanceTo(Math.max(center.nowSeconds, cycleTime(captured) - lag));
      snapshots.push(center.captureSnapshot());
      captured++;
    }
    center.advanceTo(cycleTime(k));
    const snapshot = snapshots.shift();
    const reports = new Map<string, EngagementReportInput>();
    for (const report of center.engagementReports()) reports.set(report.id, report);
    const decided = decideRound(
      policyName,
      {
        nowMs: center.nowEpochMs(),
        intervalMs: cycle * 1000,
        staleAfterMs,
        snapshot,
        targets,
        reports,
        memory,
      },
      states,
    );
    memory = decided.memory;
    states = decided.states;
    decided.decisions.forEach((decision, t) => center.sendInvites(t, decision.invites));
  }
  center.advanceTo(scenario.durationSeconds);
  return { recorder: center.recorder, wallSeconds: (clock() - started) / 1000 };
}
