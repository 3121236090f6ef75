import { describe, expect, it } from 'vitest';
import { parseDuration, parseOpenAIRateLimitReset } from './parse-openai-rate-limit-reset.js';

describe('parseDuration', () => {
  it.each([
    ['20ms', 20],
    ['1s', 1000],
    ['1.5s', 1500],
    ['6m0s', 360_000],
    ['1h2m3s', 3_723_000],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '5', '1d', '-1s'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseOpenAIRateLimitReset', () => {
  it('uses the sooner reset when the limit type is unknown', () => {
    expect(parseOpenAIRateLimitReset({ 'x-ratelimit-reset-requests': '2s', 'x-ratelimit-reset-tokens': '300ms' }, null)).toBe(300);
    expect(parseOpenAIRateLimitReset({ 'x-ratelimit-reset-requests': '2s' }, 'tokens')).toBe(2000);
    expect(parseOpenAIRateLimitReset({}, 'tokens')).toBeUndefined();
  });
});
