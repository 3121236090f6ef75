import { readFileSync } from 'node:fs';

/**
 * Nanoseconds the main thread has spent on a CPU (Linux schedstat), or undefined where the kernel
 * does not say. process.cpuUsage() counts every thread, worker threads included; the event loop's
 * own CPU is what bounds a gateway's throughput, and unlike event-loop utilization it is not
 * inflated when a loaded machine takes the CPU away mid-task.
 */
export function mainThreadCpuNs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'utf8').split(' ');
    const ns = Number(fields[0]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}
