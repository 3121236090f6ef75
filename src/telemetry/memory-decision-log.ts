import type { DecisionLog, DecisionQuery, DecisionRecord } from './decision-record.js';

export interface MemoryDecisionLogOptions {
  /** Most records kept (default 10 000); the oldest go first. */
  maxRecords?: number;
  /** Records older than this are dropped (default 24 h). */
  retentionMs?: number;
  now?: () => number;
}

/** Matches a record against a query's filters (shared with store-backed logs). */
export function matchesDecisionQuery(record: DecisionRecord, query: DecisionQuery): boolean {
  if (query.id !== undefined && record.id !== query.id) return false;
  if (query.from !== undefined && record.at < query.from) return false;
  if (query.to !== undefined && record.at >= query.to) return false;
  if (query.task !== undefined && record.profile.task !== query.task) return false;
  if (query.deployment !== undefined && record.result.winner !== query.deployment && !record.result.attempts.some((a) => a.deploymentId === query.deployment)) {
    return false;
  }
  return true;
}

/**
 * A bounded ring buffer of decision records with an id index: constant memory, O(1) append,
 * queries scan newest first and stop at the limit.
 */
export class MemoryDecisionLog implements DecisionLog {
  private readonly ring: Array<DecisionRecord | undefined>;
  private readonly byId = new Map<string, DecisionRecord>();
  private next = 0;
  private size = 0;
  private readonly retentionMs: number;
  private readonly now: () => number;

  constructor(options: MemoryDecisionLogOptions = {}) {
    this.ring = new Array<DecisionRecord | undefined>(Math.max(1, options.maxRecords ?? 10_000));
    this.retentionMs = options.retentionMs ?? 86_400_000;
    this.now = options.now ?? Date.now;
  }

  append(record: DecisionRecord): void {
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.byId.delete(evicted.id);
    this.ring[this.next] = record;
    this.byId.set(record.id, record);
    this.next = (this.next + 1) % this.ring.length;
    this.size = Math.min(this.size + 1, this.ring.length);
  }

  get(id: string): Promise<DecisionRecord | undefined> {
    const record = this.byId.get(id);
    return Promise.resolve(record !== undefined && this.fresh(record) ? record : undefined);
  }

  query(query: DecisionQuery): Promise<DecisionRecord[]> {
    const limit = query.limit ?? 100;
    const found: DecisionRecord[] = [];
    if (query.id !== undefined) {
      const record = this.byId.get(query.id);
      if (record !== undefined && this.fresh(record) && matchesDecisionQuery(record, query)) found.push(record);
      return Promise.resolve(found);
    }
    for (let i = 1; i <= this.size && found.length < limit; i++) {
      const record = this.ring[(this.next - i + this.ring.length) % this.ring.length];
      if (record === undefined || !this.fresh(record)) break;
      if (matchesDecisionQuery(record, query)) found.push(record);
    }
    return Promise.resolve(found);
  }

  private fresh(record: DecisionRecord): boolean {
    return record.at >= this.now() - this.retentionMs;
  }
}
