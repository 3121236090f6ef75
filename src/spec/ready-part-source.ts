import type { StreamPart } from './stream-part.js';

/**
 * A stream-part iterator that can also hand out a part it already has without a promise. Parts
 * usually arrive many to one upstream read; passing them on through `next()` costs a promise and
 * a reaction per part in every layer, so layers that only watch parts go by ask for ready ones
 * first and fall back to `next()`.
 */
export interface ReadyPartSource extends AsyncIterator<StreamPart> {
  /**
   * The next part when it is at hand; undefined when getting it needs an await, or when the
   * stream is over or failed (`next()` then says which). Never called while a `next()` is pending.
   */
  nextReady?(): StreamPart | undefined;
}
