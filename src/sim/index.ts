/** Public surface of src/sim: the contact-center simulator, scenarios, benchmark runner and plots. */
export {
  agentPoolSchema,
  distributionSchema,
  loadScenarioFile,
  parseScenario,
  scenarioSchema,
  scenarioTargetId,
  scenarioTargetSchema,
  virtualQueueName,
  type AgentPool,
  type Distribution,
  type Scenario,
  type ScenarioEvent,
  type ScenarioTarget,
} from './scenario.js';
export { ContactCenter, applyDottedSet, type ContactCenterOptions } from './contact-center.js';
export { SimulationRecorder } from './simulation-recorder.js';
export {
  benchmarkEpochMs,
  runScenarioSeed,
  scenarioTargetInputs,
  staleAfterMsOf,
  type SeedRun,
} from './run-scenario-seed.js';
export {
  rollingHourMaxPercent,
  seedOccupancyPercent,
  summarizeRuns,
  type PolicySummary,
  type TargetSummary,
} from './summarize-runs.js';
export {
  createLiveContactCenter,
  type AllowanceCycle,
  type EngagementTargetReport,
  type LiveContactCenter,
  type StatsSnapshot,
} from './live-contact-center.js';
export { pairedDifference, type PairedDifference } from './paired-difference.js';
export { sampleDistribution } from './distribution-sampler.js';
export { RandomStream, mixSeed } from './random-stream.js';
export { EventHeap } from './event-heap.js';
export { ScenarioError, SimulationError } from './errors.js';
export { runPolicies, type PolicyRuns } from './run-policies.js';
export { seriesOfRuns, type PolicySeries } from './policy-series.js';
export { lineChart, scatterChart, svgDocument, type LineSeries, type ScatterPoint } from './svg-plot.js';
export { renderScenarioPlot } from './scenario-plot.js';
export { renderSummaryTable } from './summary-table.js';
export {
  defaultDecisionSpeedOptions,
  measureDecisionSpeed,
  nextSyntheticRound,
  syntheticCluster,
  type SyntheticCluster,
  type DecisionSpeedOptions,
  type DecisionSpeedResult,
} from './decision-speed-benchmark.js';
export {
  checkAdaptive,
  meetsGoal,
  renderBenchMarkdown,
  type BenchCheck,
  type ScenarioBench,
} from './bench-report.js';
// The reference servers (owned by the I/O helper) run the live contact center behind loopback HTTP.
export {
  startReferenceServers,
  type ReferenceServers,
  type ReferenceServersOptions,
} from './reference-servers.js';
export {
  REFERENCE_TARGET_ENDPOINT,
  startReferenceEngagementServer,
  type PublicationRecord,
  type ReferenceEngagementServer,
  type ReferenceEngagementServerOptions,
} from './reference-engagement-server.js';
export {
  startReferenceStatsServer,
  type ReferenceStatsServer,
  type ReferenceStatsServerOptions,
} from './reference-stats-server.js';
export {
  startReferenceTokenServer,
  type ReferenceTokenServer,
  type ReferenceTokenServerOptions,
} from './reference-token-server.js';
export { FaultRequestSchema, ReferenceFaultSchema, type ReferenceFault } from './reference-faults.js';
export type { ReferenceContactCenter } from './reference-contact-center.js';
