import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { DecisionThreadData, DecisionThreadReply, DecisionThreadRequest } from './decision-thread-messages.js';
import { prepareDecisionWrites } from './sqlite-decision-writes.js';

/*
 * The decision log's writer thread (see SqliteDecisionThread): the records arrive as structured
 * clones and are serialized and inserted here, on a connection of its own, so that the event loop
 * pays only for the clone. Requests are handled in arrival order, one reply each.
 */
if (parentPort === null) throw new Error('sqlite-decision-worker runs as a worker thread');
const port: MessagePort = parentPort;
const db = new Database((workerData as DecisionThreadData).path);
// The log's own connection still writes now and then (at close, or after this thread failed).
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const writes = prepareDecisionWrites(db);

port.on('message', (request: DecisionThreadRequest) => {
  let reply: DecisionThreadReply = {};
  try {
    if (request.records !== undefined && request.records.length > 0) writes.insert(request.records);
    if (request.pruneBefore !== undefined) writes.prune(request.pruneBefore);
    if (request.close === true) db.close();
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  if (request.close === true) port.close();
});
