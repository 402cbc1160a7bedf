import { randomBytes } from 'node:crypto';
import {
  SnapshotTableEncoder,
  withRosterTag,
  type DeepReadonly,
  type StatsSnapshot,
  type StatsSnapshotTableV2,
} from '../api/protocol/index.js';

/** Encoders kept for clients that named a tag (sharded replicas ask for different agents): beyond, the oldest go. */
const MAX_TAGGED_ENCODERS = 8;

/**
 * Encodes a source's version 2 answers with roster tags, and leaves the roster columns out when the request names
 * the tag of the roster the answer would carry. A tag is `<nonce>.<encoder>.<roster version>`: the nonce changes
 * with each process, so a restarted source never honours an old tag; each encoder keeps the roster columns of the
 * agents it last encoded (SnapshotTableEncoder), so a client asking for the same agents every cycle (a sharded
 * replica's selection, or everyone) keeps one encoder and one tag. Requests without a tag share one encoder.
 */
export class RosterTagIssuer {
  readonly #nonce = randomBytes(6).toString('base64url');
  readonly #shared = new SnapshotTableEncoder();
  /** Encoders by number, oldest use first (a Map keeps insertion order). */
  readonly #tagged = new Map<number, SnapshotTableEncoder>();
  #nextNumber = 1;

  /** The version 2 table of `snapshot` for a request that named `requestTag` (undefined: none). */
  encode(
    snapshot: DeepReadonly<StatsSnapshot>,
    requestTag: string | undefined,
  ): DeepReadonly<StatsSnapshotTableV2> {
    const [number, encoder] = this.#encoderFor(requestTag);
    const table = encoder.encodeV2(snapshot);
    return withRosterTag(table, `${this.#nonce}.${number}.${encoder.rosterVersion}`, requestTag);
  }

  /**
   * The encoder that issued `requestTag` while its roster version is still the tag's; a fresh one for a tag that
   * is no longer current here (its encoder moved on to other agents, was dropped, or another process issued it);
   * the shared one (number 0) when no tag was named.
   */
  #encoderFor(requestTag: string | undefined): [number, SnapshotTableEncoder] {
    if (requestTag === undefined) return [0, this.#shared];
    const [nonce, numberText, versionText] = requestTag.split('.');
    const number = Number(numberText);
    const known =
      nonce === this.#nonce ? (number === 0 ? this.#shared : this.#tagged.get(number)) : undefined;
    if (known !== undefined && String(known.rosterVersion) === versionText) {
      if (number !== 0) {
        this.#tagged.delete(number);
        this.#tagged.set(number, known);
      }
      return [number, known];
    }
    const fresh = new SnapshotTableEncoder();
    const freshNumber = this.#nextNumber++;
    this.#tagged.set(freshNumber, fresh);
    if (this.#tagged.size > MAX_TAGGED_ENCODERS) this.#tagged.delete(this.#tagged.keys().next().value!);
    return [freshNumber, fresh];
  }
}
