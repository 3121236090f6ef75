import { describe, expect, it } from 'vitest';
import type { LiveStats } from '../spec/live-stats.js';
import { BreakerWatcher } from './breaker-watcher.js';
import type { BreakerChangedEvent } from './gateway-observer.js';

describe('BreakerWatcher', () => {
  it('reports each change of a breaker state once, not the first sighting', () => {
    let state: LiveStats['breaker'] = 'closed';
    const seen: BreakerChangedEvent[] = [];
    const watcher = new BreakerWatcher(() => [{ deploymentId: 'a/x', samples: 1, breaker: state, inFlight: 0 }], { breakerChanged: (e) => seen.push(e) }, { now: () => 42 });
    watcher.check();
    watcher.check();
    state = 'open';
    watcher.check();
    watcher.check();
    state = 'half_open';
    watcher.check();
    expect(seen).toEqual([
      { deploymentId: 'a/x', at: 42, from: 'closed', to: 'open' },
      { deploymentId: 'a/x', at: 42, from: 'open', to: 'half_open' },
    ]);
  });

  it('survives a failing source', () => {
    const watcher = new BreakerWatcher(() => {
      throw new Error('gone');
    }, {});
    expect(() => watcher.check()).not.toThrow();
  });
});
