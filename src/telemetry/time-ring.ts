import { StatsBucket } from './stats-bucket.js';

/** One slot of a time ring: the gateway-wide bucket and one per deployment. */
export class TimeSlot {
  readonly total = new StatsBucket();
  readonly deployments = new Map<string, StatsBucket>();

  constructor(readonly start: number) {}

  deployment(id: string): StatsBucket {
    let bucket = this.deployments.get(id);
    if (bucket === undefined) {
      bucket = new StatsBucket();
      this.deployments.set(id, bucket);
    }
    return bucket;
  }
}

/**
 * Fixed-width time slots in a circular array: memory is bounded by the slot count whatever the
 * traffic, and a slot is only allocated when something happened in it.
 */
export class TimeRing {
  private readonly slots: Array<TimeSlot | undefined>;

  constructor(
    readonly widthMs: number,
    readonly slotCount: number,
  ) {
    this.slots = new Array<TimeSlot | undefined>(slotCount);
  }

  get spanMs(): number {
    return this.widthMs * this.slotCount;
  }

  slotAt(now: number): TimeSlot {
    const start = Math.floor(now / this.widthMs) * this.widthMs;
    const index = Math.floor(now / this.widthMs) % this.slotCount;
    let slot = this.slots[index];
    if (slot === undefined || slot.start !== start) {
      slot = new TimeSlot(start);
      this.slots[index] = slot;
    }
    return slot;
  }

  /** Slots that overlap `(now - windowMs, now]`, oldest first. */
  slotsWithin(windowMs: number, now: number): TimeSlot[] {
    const oldest = Math.floor((now - windowMs) / this.widthMs) * this.widthMs;
    const newest = Math.floor(now / this.widthMs) * this.widthMs;
    const found: TimeSlot[] = [];
    for (const slot of this.slots) {
      if (slot !== undefined && slot.start >= oldest && slot.start <= newest) found.push(slot);
    }
    return found.sort((a, b) => a.start - b.start);
  }
}
