import v8 from 'node:v8';

/**
 * V8 settings of a serving gateway process, applied by `switchyard serve` (and the overhead
 * benchmark's gateway, so that it measures what ships).
 *
 * `--heap-growing-percent=30`: after each full collection V8 lets the old generation grow to
 * 1.3x what survived it, instead of the up to 4x its heuristics pick for a fast-allocating
 * process. A gateway's live heap is small (about 25 MB idle, 35 MB with 256 streams in flight)
 * while it allocates about 170 kB per streamed request, so with the default the old generation
 * sat at 120-170 MB of mostly garbage between full collections. This caps growth, not size: there
 * is no new heap limit, so a large request can never run out of memory because of it. The price
 * is more frequent (mostly incremental and concurrent) marking; see bench/overhead/README.md.
 *
 * V8 reads this flag at every collection, so setting it at run time takes effect at once. A
 * flag the operator gave on the command line or in NODE_OPTIONS wins (`--heap-growing-percent=0`
 * restores V8's own heuristics).
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--heap-growing-percent=30'];

export interface ApplyServerV8FlagsOptions {
  /** Default `process.execArgv`. */
  execArgv?: readonly string[];
  /** Default `process.env.NODE_OPTIONS`. */
  nodeOptions?: string;
}

/** Sets the flags the operator did not set; returns those it set. */
export function applyServerV8Flags(options: ApplyServerV8FlagsOptions = {}): string[] {
  const given = [...(options.execArgv ?? process.execArgv), ...(options.nodeOptions ?? process.env.NODE_OPTIONS ?? '').split(/\s+/)].map(flagName);
  const applied: string[] = [];
  for (const flag of SERVER_V8_FLAGS) {
    if (given.includes(flagName(flag))) continue;
    v8.setFlagsFromString(flag);
    applied.push(flag);
  }
  return applied;
}

/** `--heap_growing_percent=5` and `--heap-growing-percent` name the same flag. */
function flagName(arg: string): string {
  return arg.split('=')[0]!.replace(/_/g, '-');
}
