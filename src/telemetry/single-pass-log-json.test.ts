import { Writable } from 'node:stream';
import { tracingChannel } from 'node:diagnostics_channel';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('').replace(/"time":"[^"]*"/g, '"time":"T"') };
}

/** The gateway's logger, and the same logger with pino's own per-property serialiser put back. */
function pair(): { fast: Logger; reference: Logger; outputs: () => [string, string] } {
  const fastOut = capture();
  const referenceOut = capture();
  const fast = createLogger({ destination: fastOut.stream, level: 'trace' });
  const reference = createLogger({ destination: referenceOut.stream, level: 'trace' });
  delete (reference as unknown as Record<symbol, unknown>)[pino.symbols.asJsonSym];
  return { fast, reference, outputs: () => [fastOut.text(), referenceOut.text()] };
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  get sum(): number {
    return this.x + this.y;
  }
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;
const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1, b: 'two' });

const LINES: Array<[unknown, ...unknown[]]> = [
  [
    {
      event: 'request',
      requestId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      decisionId: undefined,
      principalId: 'key_bench',
      streamed: false,
      status: 200,
      errorCode: undefined,
      attempts: [{ deployment: 'bench/one', role: 'first', outcome: 'ok', errorCode: undefined, latencyMs: 3 }],
      costUsd: 0.000024,
      latencyMs: 4,
    },
    'request',
  ],
  [{ quote: 'say "hi"', backslash: 'C:\\dir\\file', control: 'tab\there\nnew line\u0001', unicode: 'Grüße, 日本語, emoji 🚀', del: '\u007f' }, 'strings'],
  [{ long: `${'a "quoted" \\ word '.repeat(12)}end`, longControl: `${'x'.repeat(120)}\u0002` }],
  [{ lone: 'broken \ud83d pair', loneLow: '\ude80' }, 'lone surrogates'],
  [{ text: 'ok' }, 'message with a lone \ud83d surrogate'],
  [{ literal: 'a backslash then \\ud83d as text' }, 'escaped'],
  [{ nan: Number.NaN, inf: Number.POSITIVE_INFINITY, negInf: Number.NEGATIVE_INFINITY, negZero: -0, big: 1e21, small: 1e-7, float: 0.1 + 0.2 }],
  [{ 2: 'two', 1: 'one', b: 'b', a: 'a', '-1': 'minus' }, 'key order'],
  [{ 'key "quoted"': 1, 'key\\slash': 2, 'key\nline': 3 }],
  [{ headers: { authorization: 'Bearer sk-secret-value-0123456789', 'x-api-key': 'k1', accept: 'json' } }, 'top-level redaction'],
  [{ upstream: { headers: { authorization: 'Bearer x', cookie: 'c' } }, config: { providers: { a: { apiKey: 'sk-aaaaaaaaaaaaaaaaaaaa', headers: { h: 1 } } } } }, 'nested redaction'],
  [{ apiKey: 'sk-2', key: 'k', masterKey: 'm', authorization: 'Basic abcdefghijkl' }],
  [{ err: new Error('boom') }, 'error key'],
  [new Error('bare error')],
  [{ when: new Date(0), nested: { toJSON: () => 'custom' }, gone: { toJSON: () => undefined } }, 'toJSON values'],
  [{ toJSON: () => 'replaced', keep: 1 }, 'own toJSON'],
  [new Point(1, 2), 'class instance'],
  [nullPrototype, 'null prototype'],
  [{ fn: () => 1, sym: Symbol('s'), [Symbol('key')]: 'hidden', undef: undefined, nul: null, bool: true }],
  [{ big: 10n }, 'bigint'],
  [{ circular }, 'circular'],
  [{}, 'empty'],
  [{}],
  [{ a: 1 }],
  [{ a: 1 }, 'format %s and %d', 'str', 42],
  [{ msg: 'inside' }],
  [{ msg: 'inside' }, 'outside'],
  ['plain message'],
  ['format %o', { a: 1 }],
  [{ list: [1, 'two', undefined, () => 3, { three: 3 }], deep: { a: { b: { c: [{ d: 'e' }] } } } }],
  [{ credential: 'my key is sk-live-1234567890abcdefghij' }, 'masked by the line hook'],
  [{ level: 'shadowed', time: 'shadowed', service: 'shadowed' }, 'shadowing keys'],
];

describe('useSinglePassJson', () => {
  it('writes every line exactly as pino’s own serialiser does, at every level', () => {
    const { fast, reference, outputs } = pair();
    for (const args of LINES) {
      for (const level of ['info', 'warn', 'error', 'debug'] as const) {
        (fast[level] as (...a: unknown[]) => void)(...args);
        (reference[level] as (...a: unknown[]) => void)(...args);
      }
    }
    const [fastText, referenceText] = outputs();
    expect(fastText.split('\n')).toEqual(referenceText.split('\n'));
    expect(fastText).not.toContain('sk-secret-value');
    expect(fastText).not.toContain('sk-live-1234567890abcdefghij');
  });

  it('applies to child loggers, with their bindings and their own redaction', () => {
    const { fast, reference, outputs } = pair();
    for (const logger of [fast, reference]) {
      const child = logger.child({ component: 'child "one"', n: 1 });
      child.info({ event: 'x', attempts: [{ a: 1 }] }, 'child line');
      const redacting = logger.child({ component: 'two' }, { redact: ['secret'] });
      redacting.info({ secret: 'hide me', shown: 'yes' }, 'child redaction');
    }
    const [fastText, referenceText] = outputs();
    expect(fastText).toBe(referenceText);
    expect(fastText).not.toContain('hide me');
  });

  it('leaves the line to pino while pino’s tracing channel has a subscriber', () => {
    const { fast, reference, outputs } = pair();
    const channel = tracingChannel('pino_asJson');
    const seen: unknown[] = [];
    const handlers = { start: (message: unknown) => seen.push(message), end: () => undefined, asyncStart: () => undefined, asyncEnd: () => undefined, error: () => undefined };
    channel.subscribe(handlers);
    try {
      fast.info({ a: 1 }, 'traced');
      reference.info({ a: 1 }, 'traced');
    } finally {
      channel.unsubscribe(handlers);
    }
    expect(seen).toHaveLength(2);
    const [fastText, referenceText] = outputs();
    expect(fastText).toBe(referenceText);
  });
});
