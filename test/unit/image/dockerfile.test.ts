import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../support/control-plane-paths.js';

// hadolint is not packaged for Debian or npm and there is no Docker engine here, so the image's key
// properties are checked by reading the Dockerfile: multi-stage, production dependencies only, non-root,
// the operator's entry point, and a build context that holds everything the COPY lines need.

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions, joining `\` continuations and dropping comments. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    if (instruction.keyword === 'FROM') {
      const [from = '', , name] = rest.split(/\s+/);
      stages.push({ from, name: name?.toLowerCase() === undefined ? undefined : name, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [key = '', value = ''] = rest.split('=');
      args.set(key, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
const dockerignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
/** Whether Docker leaves `source` out of the context: the last .dockerignore line naming it or a parent decides. */
const isIgnored = (source: string): boolean => {
  let ignored = false;
  for (const line of dockerignore) {
    const pattern = line.replace(/^!/, '');
    if (source === pattern || source.startsWith(`${pattern}/`)) ignored = !line.startsWith('!');
  }
  return ignored;
};
const resolveImage = (from: string): string =>
  from.replace(/\$\{(\w+)\}/g, (_m, key: string) => dockerfile.args.get(key) ?? '');
const runtime = dockerfile.stages.at(-1)!;
const stageNamed = (name: string): Stage | undefined => dockerfile.stages.find((s) => s.name === name);
const runs = (stage: Stage): string[] =>
  stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

describe('the operator image Dockerfile', () => {
  it('builds in several named stages', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.name).toBeDefined();
  });

  it.each(dockerfile.stages.map((s) => [s.name, resolveImage(s.from)]))(
    'bases stage %s on a pinned Node 24 image (%s), never on latest',
    (_name, image) => {
      expect(image).toMatch(/^(node:24[-.\w]*|gcr\.io\/distroless\/nodejs24-debian12(:[\w-]+)?)$/);
    },
  );

  it('runs the final stage as the non-root user 65532 the chart expects', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.at(-1)).toMatch(/^65532(:65532)?$/);
    const lastUser = runtime.instructions.findLastIndex((i) => i.keyword === 'USER');
    expect(runtime.instructions.slice(lastUser).some((i) => i.keyword === 'RUN')).toBe(false);
  });

  it('ships only production dependencies, installed by npm ci --omit=dev', () => {
    const nodeModulesCopy = runtime.instructions.find(
      (i) => i.keyword === 'COPY' && /node_modules/.test(i.args),
    );
    const sourceStage = /--from=(\S+)/.exec(nodeModulesCopy?.args ?? '')?.[1];
    expect(sourceStage).toBeDefined();
    const installs = runs(stageNamed(sourceStage!)!).filter((r) => /npm (ci|install)/.test(r));
    expect(installs).not.toHaveLength(0);
    for (const install of installs) expect(install).toMatch(/npm ci\b.*--omit=dev/);
    expect(runs(runtime).join('\n')).not.toMatch(/npm (ci|install)(?!.*--omit=dev)/);
  });

  it('starts the operator bundle with `node dist/operator/pacing-operator.mjs run`, bundled in the build stage', () => {
    const last = (keyword: string): unknown =>
      JSON.parse(runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args ?? 'null');
    expect(last('ENTRYPOINT')).toEqual(['node', 'dist/operator/pacing-operator.mjs']);
    expect(last('CMD')).toEqual(['run']);
    const bundleCopy = runtime.instructions.find(
      (i) => i.keyword === 'COPY' && /dist\/operator/.test(i.args),
    );
    const buildStage = stageNamed(/--from=(\S+)/.exec(bundleCopy?.args ?? '')?.[1] ?? '');
    expect(runs(buildStage!).join('\n')).toMatch(/node deploy\/build\/bundle-operator\.mjs/);
  });

  it('never downloads with ADD and copies only paths that exist and the build context keeps', () => {
    const all = dockerfile.stages.flatMap((s) => s.instructions);
    expect(all.filter((i) => i.keyword === 'ADD')).toEqual([]);
    const contextSources = all
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(contextSources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of contextSources) {
      expect([source, isIgnored(source)]).toEqual([source, false]);
      // crds/ is generated by `make crds`; until it exists the image cannot build, which is the point.
      expect([source, existsSync(path.join(repoRoot, source))]).toEqual([source, true]);
    }
  });

  it('keeps dependencies, build output, caches and tests out of the build context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.cache', '.git', 'test']));
    for (const kept of ['deploy/build', 'src']) expect([kept, isIgnored(kept)]).toEqual([kept, false]);
    for (const left of ['deploy/local', 'dist/operator', 'test/unit'])
      expect([left, isIgnored(left)]).toEqual([left, true]);
  });
});
