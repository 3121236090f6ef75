import { open, type FileHandle } from 'node:fs/promises';

/**
 * Makes committed WAL frames durable without holding the event loop. With `synchronous=NORMAL`
 * SQLite writes a commit into the WAL file but does not fsync it; fdatasync on our own handle to
 * the same file flushes the same inode, and runs on libuv's thread pool instead of in the
 * commit. Concurrent callers share one sync: a caller that arrives while a sync runs waits for
 * the next one, which covers every commit made before it started.
 */
export class WalSyncer {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly walPath: string) {}

  /** Resolves once every commit made before the call is on stable storage. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.datasync().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.queued]);
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.sync();
  }

  private async datasync(): Promise<void> {
    this.handle ??= open(this.walPath, 'r');
    await (await this.handle).datasync();
  }
}
