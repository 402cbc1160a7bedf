import type { InputHealth, TargetOutcome } from './cycle-outcome.js';
import {
  finish,
  policyFailed,
  settlePublication,
  type ExchangeResult,
  type StatsHealth,
} from './cycle-settlement.js';
import { fencingTokens, groupNamesOf, heldTargets, indexesIn } from './cycle-targets.js';
import { allowedInvites, CycleVerdicts, zeroOutcome } from './cycle-verdicts.js';
import { decisionInputOf } from './decision-input.js';
import type { AllowanceEntry } from './engagement-exchange.js';
import { holdsTarget } from './lease-fence.js';
import type { CycleInput, CyclePorts, CycleResult } from './pacing-cycle.js';
import type { DecisionInSlices, DecisionOutput, TargetDecision } from './pacing-decider.js';
import type { EngineStatsSnapshot } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/** Thrown from a chunk's production when the lease was lost after the first chunks went out. */
class LeaseLostWhilePublishing extends Error {
  constructor() {
    super('the lease was lost while publishing');
    this.name = 'LeaseLostWhilePublishing';
  }
}

/**
 * Steps 2 to 5 of a cycle at once, when the whole publication goes out under one fencing token and the ports can:
 * the targets are decided a chunk at a time as the exchange sends them, so the platform works on the first
 * chunks while the later ones are decided (at 10,000 targets the platform's share of a publication is 30–35 ms).
 * The lease is checked before anything is decided and again before each chunk: a lease lost on the way stops the
 * publication there, and the cycle counts as not published. The decisions, verdicts and outcomes are those of
 * the regular path. Returns undefined when it cannot overlap (another decider or exchange, several tokens, a
 * target whose lease is not held), and the caller then decides everything first.
 */
export async function publishWhileDeciding(
  input: CycleInput,
  targets: readonly TargetConfig[],
  ports: CyclePorts,
  snapshot: EngineStatsSnapshot,
  stats: StatsHealth,
  marks: { readonly startedAtMs: number; readonly statsReadAtMs: number },
): Promise<CycleResult | undefined> {
  const { decider, engagement, fence, clock } = ports;
  const { cluster, signal } = input;
  if (decider.begin === undefined || engagement.exchangeProduced === undefined) return undefined;
  if (targets.length === 0 || signal.aborted) return undefined;
  const first = targets[0]!.key;
  const fencedAtMs = clock.nowMs();
  if (!fence.holdsValidLease(fencedAtMs) || heldTargets(targets, fence, fencedAtMs).length !== targets.length)
    return undefined;
  const tokenOf = fencingTokens(fence);
  const token = tokenOf(first);
  for (const target of targets) if (tokenOf(target.key) !== token) return undefined;

  let slices: DecisionInSlices | undefined;
  let failure: string | undefined;
  try {
    slices = decider.begin(decisionInputOf(input, targets, ports, snapshot));
  } catch (error) {
    failure = policyFailed(cluster, error);
  }
  const decided: TargetDecision[] = [];
  let decidedAtMs = clock.nowMs();
  const produce = (from: number, to: number): AllowanceEntry[] => {
    // One shard (or the one lease) holds every target here, so one check covers the chunk.
    if (!holdsTarget(fence, first, clock.nowMs())) throw new LeaseLostWhilePublishing();
    let slice: readonly TargetDecision[] = [];
    if (slices !== undefined && failure === undefined) {
      try {
        slice = slices.next(to - from);
        for (const decision of slice) decided.push(decision);
      } catch (error) {
        // Fail safe from here on: the rest of the targets get 0, as a failed decision gives every target.
        failure = policyFailed(cluster, error);
      }
    }
    decidedAtMs = clock.nowMs();
    const entries = new Array<AllowanceEntry>(to - from);
    for (let i = from; i < to; i++) {
      const target = targets[i]!;
      const decision = slice[i - from];
      const invites = decision?.id === target.id ? allowedInvites(target, decision) : 0;
      entries[i - from] = { id: target.id, invites, groups: groupNamesOf(target) };
    }
    return entries;
  };

  const header = {
    clusterId: cluster.clusterId,
    cycleId: input.cycleId,
    intervalMs: cluster.refreshPeriodMs,
    publisher: ports.publisher,
  };
  let exchanged: ExchangeResult;
  try {
    exchanged = { answer: await engagement.exchangeProduced(header, targets.length, token, produce, signal) };
  } catch (error) {
    exchanged = { error };
  }
  const done = { ...marks, decidedAtMs };
  if ('error' in exchanged && exchanged.error instanceof LeaseLostWhilePublishing) {
    const message = exchanged.error.message;
    const lost: TargetOutcome[] = targets.map((t) => zeroOutcome(t, 'LeaseLost', message));
    // Like a fence that failed before publishing: the new holder publishes this slot, the state does not advance.
    const health: InputHealth = {
      isHealthy: true,
      reason: 'LeaseLost',
      message: `${message}; the rest was not sent`,
    };
    return {
      outcome: finish(input, ports, done, false, stats, health, lost),
      learnedState: input.learnedState,
      reports: input.reports,
    };
  }
  let output: DecisionOutput | undefined;
  if (slices !== undefined && failure === undefined && decided.length === targets.length) {
    try {
      output = slices.finish();
    } catch (error) {
      failure = policyFailed(cluster, error);
    }
  }
  const verdicts =
    output !== undefined
      ? CycleVerdicts.decided(targets, output.targets, cluster.policy)
      : failure !== undefined && decided.length === 0
        ? CycleVerdicts.failed(targets, { reason: 'PolicyFailed', message: failure })
        : CycleVerdicts.decided(targets, decided, cluster.policy);
  return settlePublication(
    { input, ports, marks: done, stats },
    { publishable: targets, at: indexesIn(targets, targets), lost: [] },
    verdicts,
    output?.learnedState ?? input.learnedState,
    exchanged,
  );
}
