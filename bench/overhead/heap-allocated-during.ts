import { GCProfiler, getHeapStatistics } from 'node:v8';

/** V8 heap bytes allocated while `run` ran: the growth of the used heap between collections, summed. */
export async function heapAllocatedDuring(run: () => Promise<void>): Promise<number> {
  const profiler = new GCProfiler();
  let last = getHeapStatistics().used_heap_size;
  profiler.start();
  await run();
  const end = getHeapStatistics().used_heap_size;
  let allocated = 0;
  for (const gc of profiler.stop().statistics) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - last;
    last = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return allocated + end - last;
}
