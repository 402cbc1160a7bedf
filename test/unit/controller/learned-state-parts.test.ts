import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { gunzipTargetPart, gzipTargetParts } from '../../../src/controller/learned-state-parts.js';
import { jitteredFigures, realisticLearnedState } from './learned-state-fixture.js';

describe('gzipTargetParts', () => {
  const state = realisticLearnedState(3000, 30);

  it('compresses a realistic learned state several times over (ratio printed)', async () => {
    const json = Buffer.from(JSON.stringify(state));
    const parts = await gzipTargetParts(state, 640 * 1024);
    const gzipped = parts.reduce((sum, part) => sum + part.length, 0);
    process.stdout.write(
      `learned state of 3000 targets: ${json.length} bytes of JSON (${Math.round(json.length / 3000)} per target), ` +
        `${gzipped} gzipped in ${parts.length} part(s): ratio ${(json.length / gzipped).toFixed(1)}:1\n`,
    );

    // Synthetic targets share many figures, which real ones would not: with every figure made distinct the
    // ratio is what a real cluster can count on.
    const distinct = await gzipTargetParts(jitteredFigures(state), 640 * 1024);
    const distinctGzipped = distinct.reduce((sum, part) => sum + part.length, 0);
    const distinctJson = Buffer.byteLength(JSON.stringify(jitteredFigures(state)));
    process.stdout.write(
      `with every figure distinct: ${distinctJson} bytes of JSON, ${distinctGzipped} gzipped: ratio ${(distinctJson / distinctGzipped).toFixed(1)}:1\n`,
    );

    expect(json.length / gzipped).toBeGreaterThan(4);
    expect(distinctJson / distinctGzipped).toBeGreaterThan(2);
  });

  it('splits into parts of whole targets, each under the limit, that read back to the same state', async () => {
    const limit = 64 * 1024;
    const parts = await gzipTargetParts(state, limit);
    const read = await Promise.all(parts.map((part) => gunzipTargetPart(part)));

    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => part.length <= limit)).toBe(true);
    expect(Object.assign({}, ...read)).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it('writes an empty state as one part', async () => {
    const parts = await gzipTargetParts({}, 1024);

    expect(parts).toHaveLength(1);
    expect(await gunzipTargetPart(parts[0]!)).toEqual({});
  });

  it('refuses a target that alone exceeds the limit', async () => {
    await expect(gzipTargetParts({ a: 'x'.repeat(10_000) }, 8)).rejects.toThrow(RangeError);
  });
});

describe('gunzipTargetPart', () => {
  it.each([
    ['not gzip', async () => Buffer.from('{"a":1}')],
    ['gzip of something that is not JSON', async () => promisify(gzip)(Buffer.from('{"a":'))],
    ['gzip of a JSON array', async () => promisify(gzip)(Buffer.from('[1]'))],
  ])('rejects %s', async (_name, build) => {
    await expect(gunzipTargetPart(await build())).rejects.toThrow();
  });

  it('reads what gzip wrote', async () => {
    const part = await promisify(gzip)(Buffer.from('{"sales:chat":{"cycles":3}}'));
    expect(await gunzipTargetPart(part)).toEqual({ 'sales:chat': { cycles: 3 } });
    expect((await promisify(gunzip)(part)).toString()).toContain('sales');
  });
});
