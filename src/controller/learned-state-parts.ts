import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Uncompressed JSON per part to try first. Learned state gzips about 2.9:1 when every target's figures differ
 * (44:1 on the synthetic bench cluster, whose targets look alike), so this gzips under the usual part limit; a
 * part that does not is split again.
 */
const firstTryJsonBytesPerPart = 1536 * 1024;

/**
 * Splits learned state per target into gzipped JSON parts of at most `maxPartBytes` each, every part an object
 * of whole targets (so a lost part only costs its own targets). Targets are serialised one part at a time, and
 * each part is gzipped (off the event loop) before the next is built: at 10,000 targets the whole state as text
 * is about 8 MiB, and holding it all at once, as strings per target and again as joined parts, was a
 * resident-memory spike at every save.
 * @throws RangeError when one target alone does not fit in a part.
 */
export async function gzipTargetParts(
  targets: Readonly<Record<string, unknown>>,
  maxPartBytes: number,
): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  let texts: string[] = [];
  let bytes = 2;
  for (const id of Object.keys(targets)) {
    // JSON.stringify leaves out members whose value has no JSON form (undefined, functions); so does this.
    const state = JSON.stringify(targets[id]) as string | undefined;
    if (state === undefined) continue;
    const text = `${JSON.stringify(id)}:${state}`;
    const size = Buffer.byteLength(text) + 1;
    if (texts.length > 0 && bytes + size > firstTryJsonBytesPerPart) {
      for (const part of await gzipFitting(texts, maxPartBytes)) parts.push(part);
      texts = [];
      bytes = 2;
    }
    texts.push(text);
    bytes += size;
  }
  // The last part; with no target at all, one part holding the empty object.
  for (const part of await gzipFitting(texts, maxPartBytes)) parts.push(part);
  return parts;
}

/** One gzipped part of `texts` (`"id":state` members), or halves of them until each fits in `maxPartBytes`. */
async function gzipFitting(texts: readonly string[], maxPartBytes: number): Promise<Buffer[]> {
  const part = await gzipAsync(Buffer.from(`{${texts.join(',')}}`));
  if (part.length <= maxPartBytes) return [part];
  if (texts.length <= 1)
    throw new RangeError(`learned state of one target exceeds ${maxPartBytes} bytes gzipped`);
  const half = Math.ceil(texts.length / 2);
  const first = await gzipFitting(texts.slice(0, half), maxPartBytes);
  return [...first, ...(await gzipFitting(texts.slice(half), maxPartBytes))];
}

/**
 * The JSON of `state` (an object whose `targets` member maps target ids to their state) when it is at most
 * `maxLength` characters, else undefined. Serialises target by target and stops once past the limit, so a state
 * too large to be written whole costs about `maxLength` of text to find out, not all of it.
 */
export function jsonWithinLength(
  state: Readonly<Record<string, unknown>> & { readonly targets: Readonly<Record<string, unknown>> },
  maxLength: number,
): string | undefined {
  const { targets, ...rest } = state;
  const head = JSON.stringify(rest);
  let json = `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"targets":{`;
  let separator = '';
  for (const id of Object.keys(targets)) {
    const text = JSON.stringify(targets[id]) as string | undefined;
    if (text === undefined) continue;
    json += `${separator}${JSON.stringify(id)}:${text}`;
    separator = ',';
    if (json.length > maxLength) return undefined;
  }
  json += '}}';
  return json.length > maxLength ? undefined : json;
}

/** Reads one part written by {@link gzipTargetParts}. Rejects when it is not gzip of a JSON object. */
export async function gunzipTargetPart(part: Buffer): Promise<Record<string, unknown>> {
  const parsed: unknown = JSON.parse((await gunzipAsync(part)).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TypeError('learned-state part is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}
