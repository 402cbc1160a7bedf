// Prints the figures `make bench-fuzz` collected (one JSON line per property, see fuzz-property.ts) as a table:
// cases and wall time per property, then per parser family. Usage: node test/support/fuzz-summary.mjs FILE
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node test/support/fuzz-summary.mjs REPORT.jsonl');
  process.exit(2);
}
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line));
const families = new Map();
console.log('family                     cases   skipped   wall s  property');
for (const row of rows) {
  console.log(
    `${row.family.padEnd(24)} ${String(row.cases).padStart(8)} ${String(row.skipped).padStart(9)} ${(row.wallMs / 1000).toFixed(2).padStart(8)}  ${row.property}`,
  );
  const total = families.get(row.family) ?? { properties: 0, cases: 0, wallMs: 0 };
  total.properties += 1;
  total.cases += row.cases;
  total.wallMs += row.wallMs;
  families.set(row.family, total);
}
console.log('\nfamily                   properties     cases   wall s');
let all = { properties: 0, cases: 0, wallMs: 0 };
for (const [family, total] of families) {
  console.log(
    `${family.padEnd(24)} ${String(total.properties).padStart(10)} ${String(total.cases).padStart(9)} ${(total.wallMs / 1000).toFixed(2).padStart(8)}`,
  );
  all = {
    properties: all.properties + total.properties,
    cases: all.cases + total.cases,
    wallMs: all.wallMs + total.wallMs,
  };
}
console.log(
  `${'all'.padEnd(24)} ${String(all.properties).padStart(10)} ${String(all.cases).padStart(9)} ${(all.wallMs / 1000).toFixed(2).padStart(8)}`,
);
