import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from './control-plane-paths.js';

/** The folder of example manifests applied by the demo. */
export const examplesDir = path.join(repoRoot, 'deploy/examples');

/** One manifest of deploy/examples with the file it came from. */
export interface ExampleManifest {
  readonly file: string;
  readonly object: Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };
}

/** Every manifest of deploy/examples, in file order (the order `kubectl apply -f` uses). */
export function readExampleManifests(): ExampleManifest[] {
  return readdirSync(examplesDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(examplesDir, file), 'utf8')).map((doc) => ({
        file,
        object: doc.toJSON() as ExampleManifest['object'],
      })),
    );
}
