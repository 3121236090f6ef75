import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';
import { GatewayError } from './gateway-error.js';
import { toOpenAIErrorBody } from './openai-error-body.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it.each(Object.entries(ERROR_CODES))('%s is documented in docs/errors.md with its status', (code, info) => {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${info.status} |`);
    expect(info.description.length).toBeGreaterThan(10);
  });

  it('renders the OpenAI error shape', () => {
    const error = new GatewayError('invalid_request', 'messages must not be empty', { param: 'messages' });
    expect(error.status).toBe(400);
    expect(toOpenAIErrorBody(error)).toEqual({
      error: { message: 'messages must not be empty', type: 'invalid_request_error', code: 'invalid_request', param: 'messages' },
    });
  });
});
