import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['OpenAI key', 'my key is sk-proj-abcDEF1234567890abcdefXYZ and more', 'sk-proj-abcDEF1234567890abcdefXYZ'],
    ['Anthropic key', 'use sk-ant-api03-AAAABBBBCCCCDDDDEEEE-ffff', 'sk-ant-api03-AAAABBBBCCCCDDDDEEEE-ffff'],
    ['bearer header', 'Authorization: Bearer abc.def-ghi_jkl123', 'abc.def-ghi_jkl123'],
    ['AWS access key', 'id AKIAIOSFODNN7EXAMPLE here', 'AKIAIOSFODNN7EXAMPLE'],
    ['AWS secret', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['Google key', 'key=AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['GitHub token', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz', 'ghp_1234567890abcdefghijklmnopqrstuvwxyz'],
    ['email', 'write to jane.doe@example.com today', 'jane.doe@example.com'],
    ['password assignment', 'password: hunter2hunter2', 'hunter2hunter2'],
    ['long hex', 'token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 end', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['long base64', 'blob dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB0aGF0IGlzIGxvbmc1234567890 end', 'dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB0aGF0IGlzIGxvbmc1234567890'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'eyJhbGciOiJIUzI1NiJ9'],
  ])('hides a %s', (_name, text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED:');
  });

  it('names the kind and keeps the surrounding text and field names', () => {
    expect(redactSecrets('call with sk-abcdefghijklmnopqrstuvwxyz now')).toBe('call with [REDACTED:api-key] now');
    expect(redactSecrets('Authorization: Bearer abcdefgh12345678')).toBe('Authorization: Bearer [REDACTED:bearer]');
    expect(redactSecrets('api_key=supersecretvalue')).toBe('api_key=[REDACTED:credential]');
  });

  it('leaves ordinary prose, code and short numbers alone', () => {
    const text = 'Summarize the report: revenue grew 12% to $4,500,000 in Q3. const total = items.reduce((a, b) => a + b, 0);';
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('The word pneumonoultramicroscopicsilicovolcanoconiosis is long')).toBe('The word pneumonoultramicroscopicsilicovolcanoconiosis is long');
  });
});
