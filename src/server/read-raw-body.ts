import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Reads the whole body as bytes, refusing it as soon as it grows past `maxBytes` (by the
 * declared length when there is one, else while reading) so an oversized body is never
 * buffered. After a refusal the rest is drained unread, so that the client gets the answer.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = req.headers['content-length'];
    const tooLarge = (): GatewayError =>
      new GatewayError('body_too_large', `The request body is larger than the limit of ${maxBytes} bytes.`);
    if (declared !== undefined && Number(declared) > maxBytes) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const onData = (chunk: Buffer): void => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      if (refused) return;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new GatewayError('client_closed', `Reading the request body failed: ${error.message}`));
    };
    const onClose = (): void => {
      if (req.complete) return;
      cleanup();
      if (!refused) reject(new GatewayError('client_closed', 'The client closed the connection while sending the body.'));
    };
    const cleanup = (): void => {
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
