import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { buildPacingCrds, crdFileName, renderCrdReference, renderCrdYaml } from '../api/index.js';

/** Options of `pacing-operator crds`. */
interface CrdsOptions {
  readonly out: string;
  readonly check: boolean;
  readonly docs?: string;
}

/**
 * `pacing-operator crds --out crds [--docs docs/crd-reference.md] [--check]`: writes the CRD YAML generated
 * from the zod schemas in src/api (and optionally the CRD reference page). With --check nothing is written and
 * the exit code is 1 when a committed file differs from what the schemas produce.
 */
export function crdsCommand(): Command {
  return new Command('crds')
    .description('write the PacingCluster and PacingTarget CRDs generated from the schemas in src/api')
    .option('--out <dir>', 'directory for the CRD YAML files', 'crds')
    .option('--docs <file>', 'also write the CRD reference (Markdown) to this file')
    .option('--check', 'write nothing; exit 1 when the files on disk are stale', false)
    .action((options: CrdsOptions) => {
      const files = new Map<string, string>();
      for (const crd of buildPacingCrds())
        files.set(path.join(options.out, crdFileName(crd)), renderCrdYaml(crd));
      if (options.docs) files.set(options.docs, renderCrdReference());
      if (options.check) {
        const stale = [...files].filter(([file, text]) => readIfExists(file) !== text).map(([file]) => file);
        for (const file of stale) process.stderr.write(`stale: ${file} (run make crds)\n`);
        process.exitCode = stale.length > 0 ? 1 : 0;
        return;
      }
      for (const [file, text] of files) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
        process.stdout.write(`wrote ${file}\n`);
      }
    });
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
