/** The label value every value past the cap collapses into. */
export const OVERFLOW_LABEL = '_other';

/**
 * Caps the distinct values one metric label may take. Deployment and policy names come from
 * configuration and stay well under the cap; the cap is the guard against a bug or a config
 * reload loop turning a label into an unbounded series count.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  value(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.max) return OVERFLOW_LABEL;
    this.seen.add(raw);
    return raw;
  }
}
