import { describe, expect, it } from 'vitest';
import { applyServerV8Flags, SERVER_V8_FLAGS } from './apply-server-v8-flags.js';

describe('applyServerV8Flags', () => {
  it('sets the server flags when the operator gave none', () => {
    expect(applyServerV8Flags({ execArgv: ['--enable-source-maps'], nodeOptions: '' })).toEqual([...SERVER_V8_FLAGS]);
  });

  it('leaves a flag the operator set on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(applyServerV8Flags({ execArgv: ['--heap-growing-percent=0'], nodeOptions: '' })).toEqual([]);
    expect(applyServerV8Flags({ execArgv: [], nodeOptions: '--max-old-space-size=512 --heap_growing_percent=80' })).toEqual([]);
  });
});
