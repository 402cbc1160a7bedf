// Bundles the compiled CLI (dist/src/cli/main.js) and its packages into one file, dist/operator/pacing-operator.mjs,
// the entry point the image and the scale benchmark run. Why: @kubernetes/client-node is ~1,000 ES modules whose
// KubeConfig imports every generated API; loaded one by one, their sources (comments included) and module records
// cost the operator ~45 MiB of resident memory before it has a single target. One whitespace-minified file keeps
// the same code (identifiers stay readable in stack traces; the .map file beside it maps them back) at a third of
// that. Usage: node deploy/build/bundle-operator.mjs [outfile]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outfile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'dist/operator/pacing-operator.mjs'));

await build({
  entryPoints: [path.join(repoRoot, 'dist/src/cli/main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minifyWhitespace: true,
  sourcemap: 'linked',
  // Licence comments go to pacing-operator.mjs.LEGAL.txt beside the bundle: one of them holds a non-ASCII name, and
  // Node keeps a module's source as UTF-16 (twice the bytes, ~4.6 MiB here) unless every character is ASCII.
  legalComments: 'external',
  charset: 'ascii',
  // pino resolves transports by module name in worker threads at run time, so it stays a package, not bundled code.
  external: ['pino', 'pino-pretty'],
  // Bundled CommonJS packages (undici, prom-client, yaml…) call require() for Node built-ins; an ES module has none.
  banner: {
    js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// Guard the point above: a non-ASCII character anywhere (a comment, a regular expression) doubles the source's memory.
const bytes = readFileSync(outfile);
const offset = bytes.findIndex((byte) => byte > 0x7f);
if (offset >= 0) {
  const context = bytes.subarray(Math.max(0, offset - 40), offset + 40).toString('utf8');
  throw new Error(
    `${outfile}: non-ASCII byte at offset ${offset} (…${context}…); Node would keep the source as UTF-16`,
  );
}
