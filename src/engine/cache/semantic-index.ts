export interface SemanticMatch {
  key: string;
  similarity: number;
}

interface Entry {
  key: string;
  vector: Float32Array;
}

/**
 * Nearest cached question by cosine similarity, within one partition (tenant, policy and every
 * request field but the last user message). Brute force over unit vectors: a partition holds at
 * most a few thousand entries, where a scan of dot products takes well under a millisecond and
 * needs no index structure to keep consistent. Bounded overall; the oldest entries go first.
 */
export class SemanticIndex {
  private readonly maxEntries: number;
  private readonly partitions = new Map<string, Entry[]>();
  private readonly order: Array<{ partition: string; entry: Entry }> = [];

  constructor(options: { maxEntries: number }) {
    this.maxEntries = options.maxEntries;
  }

  get size(): number {
    return this.order.length;
  }

  add(partition: string, vector: readonly number[], key: string): void {
    const unit = normalize(vector);
    if (unit === undefined) return;
    let entries = this.partitions.get(partition);
    if (entries === undefined) {
      entries = [];
      this.partitions.set(partition, entries);
    }
    const entry: Entry = { key, vector: unit };
    entries.push(entry);
    this.order.push({ partition, entry });
    while (this.order.length > this.maxEntries) {
      const oldest = this.order.shift();
      if (oldest === undefined) break;
      const list = this.partitions.get(oldest.partition);
      if (list === undefined) continue;
      const at = list.indexOf(oldest.entry);
      if (at !== -1) list.splice(at, 1);
      if (list.length === 0) this.partitions.delete(oldest.partition);
    }
  }

  /** The most similar entry at or above `threshold`, if any. */
  nearest(partition: string, vector: readonly number[], threshold: number): SemanticMatch | undefined {
    const unit = normalize(vector);
    const entries = this.partitions.get(partition);
    if (unit === undefined || entries === undefined) return undefined;
    let best: SemanticMatch | undefined;
    for (const entry of entries) {
      if (entry.vector.length !== unit.length) continue;
      let dot = 0;
      for (let i = 0; i < unit.length; i += 1) dot += (unit[i] as number) * (entry.vector[i] as number);
      if (dot >= threshold && (best === undefined || dot > best.similarity)) best = { key: entry.key, similarity: dot };
    }
    return best;
  }
}

function normalize(vector: readonly number[]): Float32Array | undefined {
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0 || !Number.isFinite(norm)) return undefined;
  const scale = 1 / Math.sqrt(norm);
  return Float32Array.from(vector, (value) => value * scale);
}
