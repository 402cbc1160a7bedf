import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { alarmNames } from '../../src/alarms/index.js';
import { repoRoot } from '../support/control-plane-paths.js';

// The alert rules are tested by the real promtool and amtool (Debian packages, `make tools`), through jest so
// they count in the run's summary. The structural checks below make sure no alert is left without a unit test,
// a severity, a runbook section or its alarm.

const run = promisify(execFile);
const rulesFile = path.join(repoRoot, 'deploy/prometheus/alerts.yaml');
const rulesTestFile = path.join(repoRoot, 'deploy/prometheus/alerts.test.yaml');
const runbookFile = path.join(repoRoot, 'docs/alarms.md');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  name: string;
  alert_rule_test?: { eval_time: string; alertname: string; exp_alerts: unknown[] }[];
}

const rules: Rule[] = (
  parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);
const ruleTests: RuleTest[] = (parse(readFileSync(rulesTestFile, 'utf8')) as { tests: RuleTest[] }).tests;
const alertNames = rules.map((r) => r.alert);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function runbookAnchors(): Set<string> {
  const headings = readFileSync(runbookFile, 'utf8').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(
    headings.map((h) =>
      h
        .replace(/^#+ /, '')
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
  );
}

/** Seconds of a promtool duration such as `45s`, `2m` or `1m30s`. */
function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(h|m|s)/g))
    total += Number(n) * { h: 3600, m: 60, s: 1 }[unit!]!;
  return total;
}

describe('the Prometheus alerting rules', () => {
  it('pass promtool check rules', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', rulesFile]);
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('pass their promtool unit tests', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', rulesTestFile]);
    expect(stdout).toContain('SUCCESS');
  });

  it('include the example prometheus.yml, which promtool accepts', async () => {
    const { stdout } = await run('promtool', [
      'check',
      'config',
      path.join(repoRoot, 'deploy/prometheus/prometheus.yml'),
    ]);
    expect(stdout).toContain('is valid prometheus config file syntax');
    expect(stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('go with an example alertmanager.yml that amtool accepts', async () => {
    const { stdout } = await run('amtool', [
      'check-config',
      path.join(repoRoot, 'deploy/alertmanager/alertmanager.yml'),
    ]);
    expect(stdout).toContain('SUCCESS');
  });

  it('have one alert per alarm the operator raises, reading pacing_alarm_active', () => {
    for (const name of alarmNames) {
      const rule = rules.find((r) => r.alert === name);
      expect(rule?.expr).toContain(`pacing_alarm_active{alarm="${name}"}`);
    }
  });

  it.each(alertNames)('%s has a severity, a summary, a description and a runbook section', (alert) => {
    const rule = rules.find((r) => r.alert === alert)!;
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    const anchor = rule.annotations?.runbook_url?.replace(/^docs\/alarms\.md#/, '');
    expect(rule.annotations?.runbook_url).toBe(`docs/alarms.md#${anchor}`);
    expect(runbookAnchors()).toContain(anchor);
    expect(anchor).toBe(alert.toLowerCase());
  });

  it.each(alertNames)('%s has unit tests: silent before its for, firing after it, then resolved', (alert) => {
    const rule = rules.find((r) => r.alert === alert)!;
    const forSeconds = seconds(rule.for ?? '0s');
    const cases = ruleTests.flatMap((t) => (t.alert_rule_test ?? []).filter((c) => c.alertname === alert));
    const firing = cases.filter((c) => c.exp_alerts.length > 0).map((c) => seconds(c.eval_time));
    const silent = cases.filter((c) => c.exp_alerts.length === 0).map((c) => seconds(c.eval_time));
    expect(firing.length).toBeGreaterThan(0);
    const firstFiring = Math.min(...firing);
    // Silent at a time when the condition already held but its `for` had not yet passed (or before it).
    expect(silent.some((t) => t < firstFiring)).toBe(true);
    expect(firstFiring).toBeGreaterThanOrEqual(forSeconds);
    // Resolved: silent again at a later time.
    expect(silent.some((t) => t > Math.max(...firing))).toBe(true);
    // Its own case group, named after it, where the blip series runs beside the steady one.
    expect(ruleTests.some((t) => t.name.startsWith(`${alert}:`))).toBe(true);
  });
});
