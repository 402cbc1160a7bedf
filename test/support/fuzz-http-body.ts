import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { documentNear } from './json-mutation.js';
import type { ScriptedReply } from './io/scripted-reply-server.js';

/** JSON text of a value, or the text `undefined` for values JSON cannot carry (which a server could still send). */
function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Replies a hostile or sloppy server might send for a body whose valid form is `valid`: mutated JSON, plain or
 * gzipped (declared or not), truncated gzip, a gzip bomb, random bytes, a deeply nested text, an oversized body,
 * a dropped connection, and error statuses with odd Retry-After values. `maxBodyBytes` is the client's limit.
 */
export function replyNear(valid: unknown, maxBodyBytes: number): fc.Arbitrary<ScriptedReply> {
  const json = { 'content-type': 'application/json' };
  const gzipJson = { ...json, 'content-encoding': 'gzip' };
  const document = documentNear(valid).map(jsonText);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: document.map((text) => ({ status: 200, headers: json, body: Buffer.from(text) })),
    },
    {
      weight: 3,
      arbitrary: document.map((text) => ({ status: 200, headers: gzipJson, body: gzipSync(text) })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(document, fc.nat()).map(([text, cut]) => {
        const zipped = gzipSync(text);
        return { status: 200, headers: gzipJson, body: zipped.subarray(0, cut % zipped.length) };
      }),
    },
    {
      weight: 1,
      arbitrary: document.map((text) => ({ status: 200, headers: json, body: gzipSync(text) })),
    },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({
        status: 200,
        headers: gzipJson,
        body: gzipSync(Buffer.alloc(maxBodyBytes * 4, 0x20)),
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 512 })
        .chain((bytes) =>
          fc
            .constantFrom(json, gzipJson, {})
            .map((headers) => ({ status: 200, headers, body: Buffer.from(bytes) })),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((depth) => ({
        status: 200,
        headers: json,
        body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({
        status: 200,
        headers: json,
        body: Buffer.from(`"${'x'.repeat(maxBodyBytes + 1)}"`),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(document, fc.nat()).map(([text, cut]) => ({
        status: 200,
        headers: json,
        body: Buffer.from(text),
        cutAfterBytes: cut % Math.max(1, text.length),
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom(201, 204, 301, 400, 401, 404, 429, 500, 502, 503, 504),
          fc.oneof(
            fc.constantFrom('0', '1', '-5', '9'.repeat(400), 'Wed, 25 Nov 2026 18:00:01 GMT', 'soon', ''),
            fc.string({ maxLength: 12 }),
          ),
          document,
        )
        .map(([status, retryAfter, text]) => ({
          status,
          headers:
            retryAfter === '' ? json : { ...json, 'retry-after': retryAfter.replace(/[^\x20-\x7e]/g, '') },
          body: Buffer.from(text),
        })),
    },
  );
}
