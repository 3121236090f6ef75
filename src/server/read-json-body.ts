import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { readRawBody } from './read-raw-body.js';

const BLANK = /^\s*$/;

/** Reads a body with the size limit of `readRawBody` and parses it as JSON. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readRawBody(req, maxBytes)).toString('utf8');
  // Not `text.trim() === ''`, which copies the whole body: \s is the set trim() removes, and the test stops at the first other character.
  if (BLANK.test(text)) throw new GatewayError('invalid_json', 'The request body is empty; a JSON object is expected.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
