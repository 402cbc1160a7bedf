/** The demo room: runs the whole product locally with a live terminal view and an HTML report. */
export { DemoOptionsSchema, type DemoOptions } from './demo-options.js';
export { runDemo, type DemoEnvironment } from './demo-run.js';
export { renderDemoView } from './demo-view.js';
export { renderDemoReport } from './demo-report.js';
export { rowsFromMetrics, type DemoSnapshot, type DemoTargetRow } from './demo-snapshot.js';
export { parsePrometheusText, type PrometheusSample } from './prometheus-text.js';
