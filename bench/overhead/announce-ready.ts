/** Tells the parent benchmark process which port this target listens on (IPC, else stdout). */
export function announceReady(port: number): void {
  if (process.send !== undefined) process.send({ ready: true, port });
  else process.stdout.write(`listening on ${port}\n`);
}
