import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import {
  gunzipTargetPart,
  gzipTargetParts,
  jsonWithinLength,
} from '../../../src/controller/learned-state-parts.js';
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

  it('halves a part whose gzip is over the limit until each fits, keeping every target once', async () => {
    // Incompressible states: one fits a 3 KiB part gzipped, two together do not.
    const noisy = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`t${i}:chat`, randomBytes(1500).toString('base64')]),
    );
    const parts = await gzipTargetParts(noisy, 3 * 1024);
    const read = await Promise.all(parts.map(gunzipTargetPart));

    expect(parts.length).toBeGreaterThanOrEqual(5);
    expect(parts.every((part) => part.length <= 3 * 1024)).toBe(true);
    expect(Object.assign({}, ...read)).toEqual(noisy);
    expect(read.reduce((sum, part) => sum + Object.keys(part).length, 0)).toBe(9);
  });

  it('leaves out targets without a JSON form, as JSON.stringify does', async () => {
    const parts = await gzipTargetParts({ a: { n: 1 }, gone: undefined }, 1024);

    expect(await gunzipTargetPart(parts[0]!)).toEqual({ a: { n: 1 } });
  });
});

describe('jsonWithinLength', () => {
  const state = { version: 1, clusterKey: 'tenant/main', targets: { 'a:chat': { n: 1 }, 'b:chat': [2, 3] } };

  it('gives JSON that reads back as the state when it fits', () => {
    const json = jsonWithinLength(state, 1000);

    expect(json).toBeDefined();
    expect(JSON.parse(json!)).toEqual(state);
    expect(json!.length).toBe(JSON.stringify(state).length);
  });

  it('gives undefined past the limit, and stops serialising there', () => {
    const tooLarge = {
      targets: {
        first: 'x'.repeat(100),
        later: {
          toJSON() {
            throw new Error('serialised past the limit');
          },
        },
      },
    };

    expect(jsonWithinLength(state, JSON.stringify(state).length - 1)).toBeUndefined();
    expect(jsonWithinLength(tooLarge, 50)).toBeUndefined();
  });

  it('handles a state with nothing but targets, and targets without a JSON form', () => {
    const json = jsonWithinLength({ targets: { a: 1, gone: undefined } }, 100);

    expect(json).toBe('{"targets":{"a":1}}');
    expect(jsonWithinLength({ targets: {} }, 100)).toBe('{"targets":{}}');
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
