import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { repoRoot } from '../support/control-plane-paths.js';

// The YAML examples in the user documentation must stay valid as the CRDs evolve: every example that holds a
// PacingCluster or PacingTarget is sent to the real kube-apiserver as a server-side dry run, which applies
// the CRD's structural schema, defaults and CEL rules.

const docsDir = path.join(repoRoot, 'docs');
// The pages written alongside the Helm chart; other pages' owners may opt in by adding theirs here.
const docs = ['getting-started.md', 'concepts.md', 'configuration.md', 'operations.md', 'migration.md'];

interface Example {
  readonly doc: string;
  readonly index: number;
  readonly objects: Record<string, unknown>[];
}

const examples: Example[] = docs.flatMap((doc) =>
  [...readFileSync(path.join(docsDir, doc), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((match, index) => ({
      doc,
      index,
      objects: parseAllDocuments(match[1] ?? '')
        .map((d) => d.toJS() as Record<string, unknown> | null)
        .filter((o): o is Record<string, unknown> => o !== null),
    }))
    .filter((e) => e.objects.some((o) => String(o.apiVersion).startsWith('pacing.agentpacing.dev/'))),
);

function kubectl(args: readonly string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(process.env.KUBECTL ?? 'kubectl', args, {
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('examples in the user documentation', () => {
  const namespace = `docs-${randomBytes(3).toString('hex')}`;

  beforeAll(() => {
    expect(kubectl(['create', 'namespace', namespace]).status).toBe(0);
  });

  it('include PacingCluster and PacingTarget examples to check', () => {
    const kinds = new Set(examples.flatMap((e) => e.objects.map((o) => o.kind)));
    expect([...kinds]).toEqual(expect.arrayContaining(['PacingCluster', 'PacingTarget']));
  });

  it.each(examples.map((e) => [`${e.doc} #${e.index + 1}`, e]))(
    'accepts the example in %s',
    (_name, example) => {
      // Examples name their own namespaces; the dry run moves them into this test's namespace.
      const manifest = example.objects
        .map((o) => stringify({ ...o, metadata: { ...(o.metadata as object), namespace } }))
        .join('---\n');
      const result = kubectl(['apply', '--dry-run=server', '-f', '-'], manifest);
      expect(result.output).not.toMatch(/error|invalid/i);
      expect(result.status).toBe(0);
    },
  );
});
