import type { V1Lease } from '@kubernetes/client-node';
import { fnv1a32 } from './target-shard.js';
import { leaseRecordText } from './lease-record.js';

/** Name of the membership Lease of a replica: `<base>-member-<FNV-1a of its identity, 8 hex digits>`. */
export function memberLeaseName(base: string, identity: string): string {
  return `${base}-member-${fnv1a32(identity).toString(16).padStart(8, '0')}`;
}

interface MemberRecord {
  record: string;
  observedAtMs: number;
  holder: string;
  durationMs: number;
}

/**
 * Counts live replicas from their membership Leases (`<base>-member-*`, each renewed by its own replica). Like
 * client-go's leader election it judges a member by the local time at which its record last changed, never by
 * the timestamps written in it, so clock skew between nodes does not matter: a member is alive while its record
 * changed less than its lease duration ago. A released Lease (no holder) is not alive.
 */
export class LeaseMembership {
  readonly #prefix: string;
  readonly #members = new Map<string, MemberRecord>();

  /** `base` is the operator's Lease name; membership Leases are those named `<base>-member-…`. */
  constructor(base: string) {
    this.#prefix = `${base}-member-`;
  }

  /** Takes in a listing of the namespace's Leases made at local time `nowMs`. */
  observe(leases: readonly V1Lease[], nowMs: number): void {
    const seen = new Set<string>();
    for (const lease of leases) {
      const name = lease.metadata?.name ?? '';
      if (!name.startsWith(this.#prefix)) continue;
      seen.add(name);
      const record = leaseRecordText(lease.spec);
      const known = this.#members.get(name);
      if (known !== undefined && known.record === record) continue;
      this.#members.set(name, {
        record,
        observedAtMs: nowMs,
        holder: lease.spec?.holderIdentity ?? '',
        durationMs: (lease.spec?.leaseDurationSeconds ?? 0) * 1000,
      });
    }
    for (const name of [...this.#members.keys()]) if (!seen.has(name)) this.#members.delete(name);
  }

  /** Identities of the live members at `nowMs`, `self` always included, sorted. */
  alive(nowMs: number, self: string): string[] {
    const alive = new Set([self]);
    for (const member of this.#members.values()) {
      if (member.holder !== '' && nowMs - member.observedAtMs < member.durationMs) alive.add(member.holder);
    }
    return [...alive].sort();
  }
}
