/** Result of {@link readBoundedBody}: the bytes, or how many arrived before the limit stopped the read. */
export type BoundedBody = { ok: true; bytes: Buffer } | { ok: false; receivedBytes: number };

/**
 * Reads a response body into memory but stops as soon as it exceeds `maxBytes`, so a huge or endless body from
 * upstream costs at most `maxBytes` of memory. The caller must destroy the stream when `ok` is false.
 */
export async function readBoundedBody(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<BoundedBody> {
  const parts: Uint8Array[] = [];
  let received = 0;
  for await (const part of body) {
    received += part.byteLength;
    if (received > maxBytes) return { ok: false, receivedBytes: received };
    parts.push(part);
  }
  return { ok: true, bytes: Buffer.concat(parts, received) };
}
