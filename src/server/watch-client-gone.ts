import type { ServerResponse } from 'node:http';

/** A signal that aborts when the connection closes before the response has been sent in full. */
export function watchClientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  // `on`, not `once`: a response closes once, and `once` wraps the listener in two more objects.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
