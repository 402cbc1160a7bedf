import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/control-plane-paths.js';

/** Runs `pacing-operator demo` as `make demo DURATION=60` does and collects what it printed. */
function runDemo(runDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'dist/operator/pacing-operator.mjs'),
        'demo',
        '--duration',
        '60',
        '--run-dir',
        runDir,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('make demo DURATION=60', () => {
  it('runs the product end to end: targets pacing, a leader named, a report written, exit 0', async () => {
    const runDir = mkdtempSync(path.join(tmpdir(), 'pacing-demo-'));
    const { code, output } = await runDemo(runDir);

    expect(code).toBe(0);
    // A leader is named, and it is one of the two replicas the demo started.
    expect(output).toMatch(/leader: replica-[12]\s/);
    // Both example targets appear in the view with a number of invitations and free slots.
    const finalView = output.slice(output.lastIndexOf('final view:'));
    for (const target of ['proactive-chat-chat', 'proactive-voice-voice']) {
      expect(finalView).toMatch(
        new RegExp(`${target}\\s*│\\s*\\d+\\s*│\\s*\\d+\\s*│\\s*\\d+\\s*│\\s*\\d+\\s*│`),
      );
    }
    // kubectl shows both targets Ready.
    expect(output).toMatch(/proactive-chat-chat\s+chat\s+3\s+\d+\s+\d+\s+\S+\s+True/);
    expect(output).toMatch(/proactive-voice-voice\s+voice\s+5\s+\d+\s+\d+\s+\S+\s+True/);
    // The report exists and has its charts.
    const reportPath = path.join(runDir, 'report.html');
    expect(existsSync(reportPath)).toBe(true);
    const report = readFileSync(reportPath, 'utf8');
    expect(report.match(/<svg /g)?.length).toBe(4);
    expect(report).toContain('<td>proactive-chat-chat</td>');
    expect(output).toContain('stopping the operator replicas, the reference servers and the control plane');
  }, 300_000);
});
