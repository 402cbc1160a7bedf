import { jest } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderCrdReference } from '../../../src/api/index.js';
import { crdsCommand } from '../../../src/cli/crds-command.js';

describe('pacing-operator crds', () => {
  let dir = '';
  let savedExitCode: typeof process.exitCode;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'crds-command-'));
    savedExitCode = process.exitCode;
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    process.exitCode = savedExitCode;
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => crdsCommand().parseAsync(args, { from: 'user' });

  it('writes both CRD files and the reference page', async () => {
    const docs = path.join(dir, 'docs/crd-reference.md');
    await run('--out', path.join(dir, 'crds'), '--docs', docs);
    expect(readdirSync(path.join(dir, 'crds')).sort()).toEqual([
      'pacing.agentpacing.dev_pacingclusters.yaml',
      'pacing.agentpacing.dev_pacingtargets.yaml',
    ]);
    expect(readFileSync(docs, 'utf8')).toBe(renderCrdReference());
  });

  it('with --check, exits 0 on fresh files and 1 with a "stale" line once a file is edited', async () => {
    const out = path.join(dir, 'crds');
    await run('--out', out);
    await run('--out', out, '--check');
    expect(process.exitCode).toBe(0);
    writeFileSync(path.join(out, 'pacing.agentpacing.dev_pacingtargets.yaml'), '# edited by hand\n');
    await run('--out', out, '--check');
    expect(process.exitCode).toBe(1);
    expect(process.stderr.write).toHaveBeenCalledWith(expect.stringContaining('stale: '));
  });
});
