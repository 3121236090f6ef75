import { GatewayError } from '../errors/gateway-error.js';

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The parts of a `multipart/form-data` body (RFC 7578); enough for file uploads, no nested multipart. */
export function parseMultipartForm(body: Buffer, contentType: string): MultipartPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2]?.trim();
  if (boundary === undefined || boundary === '') throw new GatewayError('invalid_request', 'multipart/form-data without a boundary.');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  if (start === -1) throw new GatewayError('invalid_request', 'The multipart body has no parts.');
  for (;;) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) throw new GatewayError('invalid_request', 'The multipart body ends without its closing boundary.');
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const part = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw new GatewayError('invalid_request', 'A multipart part has no header block.');
    const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new GatewayError('invalid_request', 'A multipart part has no name.');
    const entry: MultipartPart = { name, data: part.subarray(headerEnd + 4) };
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename !== undefined) entry.filename = filename;
    const type = headers.find((h) => /^content-type:/i.test(h));
    if (type !== undefined) entry.contentType = type.slice(type.indexOf(':') + 1).trim();
    parts.push(entry);
    start = next;
  }
  return parts;
}
