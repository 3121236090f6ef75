import { describe, expect, it } from 'vitest';
import { redactCredentials, redactSecrets } from './redact-secrets.js';

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

describe('redactCredentials', () => {
  it.each([
    ['private key', '"msg":"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----"', 'MIIEowIBAAKCAQEA'],
    ['bearer header', '"authorization":"Bearer abc.def-ghi_jkl123"', 'abc.def-ghi_jkl123'],
    ['bearer in any case', '"auth":"bEaReR abc.def-ghi_jkl123"', 'abc.def-ghi_jkl123'],
    ['basic header', '"auth":"Basic dXNlcjpwYXNzd29yZA=="', 'dXNlcjpwYXNzd29yZA=='],
    ['OpenAI key', '"requestId":"sk-proj-abcDEF1234567890abcdefXYZ"', 'sk-proj-abcDEF1234567890abcdefXYZ'],
    ['Google key', '"key":"AIzaSyA1234567890abcdefghijklmnopqrstuv"', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['GitHub token', '"t":"ghs_1234567890abcdefghijklmnopqrstuvwxyz"', 'ghs_1234567890abcdefghijklmnopqrstuvwxyz'],
    ['GitHub fine-grained token', '"t":"github_pat_11ABCDEFG0123456789_abcdefghijklmnop"', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop'],
    ['Slack token', '"t":"xoxb-1234567890-abcdefghij"', 'xoxb-1234567890-abcdefghij'],
    ['AWS access key', '"id":"ASIAIOSFODNN7EXAMPLE"', 'ASIAIOSFODNN7EXAMPLE'],
    ['AWS secret', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ])('masks a %s anywhere in a line', (_name, text, secret) => {
    const line = `{"level":"info","event":"request",${text},"msg":"request"}\n`;
    const redacted = redactCredentials(line);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED:');
  });

  it('returns a line with no credential shape as it is, and leaves non-credential shapes alone', () => {
    const line =
      '{"level":"info","time":"2026-12-06T21:43:21.625Z","service":"switchyard","event":"request","requestId":"0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000",' +
      '"principalId":"key_AbCdEfGhIjKl","deployment":"openai/gpt-4o-mini","attempts":[{"deployment":"openai/gpt-4o-mini","role":"first","outcome":"ok","latencyMs":3}],' +
      '"owner":"jane.doe@example.com","msg":"request"}\n';
    expect(redactCredentials(line)).toBe(line);
  });
});
