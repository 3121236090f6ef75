import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../spec/chat-model.js';
import type { StreamPart } from '../spec/stream-part.js';
import { GatewayError } from '../errors/gateway-error.js';
import { runAttempts, type AttemptLoopOptions } from './attempt-loop.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import { openCommittedStream } from './open-committed-stream.js';

type Script = Array<StreamPart | GatewayError>;

/** A model whose stream plays a script; a GatewayError in the script is thrown at that point. */
function scriptedModel(id: string, script: Script, seen: { signals: AbortSignal[] } = { signals: [] }): ChatModel {
  return {
    deploymentId: id,
    provider: 'test',
    complete: () => {
      const failure = script.find((step): step is GatewayError => step instanceof GatewayError);
      if (failure) return Promise.reject(failure);
      return Promise.resolve({ id: 'r', created: 0, model: id, choices: [], usage: { inputTokens: 1, outputTokens: 1 } });
    },
    async *stream(_request, options) {
      if (options.signal) seen.signals.push(options.signal);
      for (const step of script) {
        await Promise.resolve();
        if (options.signal?.aborted) throw new GatewayError('client_closed', 'aborted');
        if (step instanceof GatewayError) throw step;
        yield step;
      }
    },
  };
}

const text = (t: string): StreamPart => ({ type: 'text-delta', choiceIndex: 0, text: t });
const start: StreamPart = { type: 'start', id: 'x', model: 'm', created: 1 };

function loop(models: Record<string, ChatModel>, extra: Partial<AttemptLoopOptions> = {}): AttemptLoopOptions {
  return { candidates: Object.keys(models), modelFor: (id) => models[id] as ChatModel, ...extra };
}

async function drain(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const out: StreamPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

const request = { model: 'auto', messages: [] };

describe('openCommittedStream', () => {
  it('fails over invisibly before the first content part', async () => {
    const models = {
      a: scriptedModel('a', [start, new GatewayError('overloaded', 'busy')]),
      b: scriptedModel('b', [start, text('hi'), { type: 'finish', choiceIndex: 0, finishReason: 'stop' }]),
    };
    const stream = await openCommittedStream(loop(models), (id, options) => models[id as 'a' | 'b'].stream(request, options));
    expect(stream.deploymentId).toBe('b');
    expect(stream.failedAttempts).toEqual([expect.objectContaining({ deploymentId: 'a', outcome: 'overloaded', errorCode: 'overloaded' })]);
    const parts = await drain(stream.parts);
    expect(parts.filter((p) => p.type === 'text-delta')).toEqual([text('hi')]);
    const end = await stream.end;
    expect(end).toMatchObject({ outcome: 'ok', finishReason: 'stop', outputText: 'hi' });
  });

  it('reports a failure after the commit point in-band and does not fail over', async () => {
    const models = {
      a: scriptedModel('a', [start, text('par'), text('tial'), new GatewayError('network_error', 'reset')]),
      b: scriptedModel('b', [text('never')]),
    };
    const stream = await openCommittedStream(loop(models), (id, options) => models[id as 'a' | 'b'].stream(request, options));
    const parts = await drain(stream.parts);
    expect(parts.slice(-2)).toEqual([
      { type: 'error', error: expect.objectContaining({ code: 'stream_interrupted', outcome: 'network' }) },
      { type: 'finish', choiceIndex: 0, finishReason: 'error' },
    ]);
    const end = await stream.end;
    expect(end.outcome).toBe('network');
    expect(end.finishReason).toBe('error');
    expect(end.outputText).toBe('partial');
  });

  it('treats an in-stream error part before content like a thrown error', async () => {
    const models = {
      a: scriptedModel('a', [start, { type: 'error', error: { code: 'overloaded', message: 'overloaded_error', outcome: 'overloaded' } }]),
      b: scriptedModel('b', [text('ok')]),
    };
    const stream = await openCommittedStream(loop(models), (id, options) => models[id as 'a' | 'b'].stream(request, options));
    expect(stream.deploymentId).toBe('b');
  });

  it('stops at a failure that another deployment would not fix', async () => {
    const models = {
      a: scriptedModel('a', [new GatewayError('upstream_invalid_request', 'bad field')]),
      b: scriptedModel('b', [text('never')]),
    };
    const failure = await openCommittedStream(loop(models), (id, options) => models[id as 'a' | 'b'].stream(request, options)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AttemptsExhaustedError);
    expect((failure as AttemptsExhaustedError).code).toBe('upstream_invalid_request');
    expect((failure as AttemptsExhaustedError).attempts).toHaveLength(1);
  });

  it('aborts the upstream and settles as client_closed when the reader stops early', async () => {
    const seen = { signals: [] as AbortSignal[] };
    const models = { a: scriptedModel('a', [text('a'), text('b'), text('c')], seen) };
    const stream = await openCommittedStream(loop(models), (id, options) => models.a.stream(request, options));
    for await (const part of stream.parts) {
      expect(part).toEqual(text('a'));
      break;
    }
    const end = await stream.end;
    expect(end.attempt.errorCode).toBe('client_closed');
    expect(seen.signals[0]?.aborted).toBe(true);
  });

  it('settles with the upstream failure, not as client_closed, when the reader stops inside the in-band error', async () => {
    const seen = { signals: [] as AbortSignal[] };
    const models = { a: scriptedModel('a', [text('a'), new GatewayError('network_error', 'reset')], seen) };
    const stream = await openCommittedStream(loop(models), (id, options) => models.a.stream(request, options));
    for await (const part of stream.parts) {
      if (part.type === 'error') break;
    }
    const end = await stream.end;
    expect(end).toMatchObject({ outcome: 'network', outputText: 'a', attempt: { errorCode: 'network_error' } });
    expect(seen.signals[0]?.aborted).toBe(false);
  });

  it('settles a stream whose reader never started', async () => {
    const models = { a: scriptedModel('a', [text('a')]) };
    const stream = await openCommittedStream(loop(models), (id, options) => models.a.stream(request, options));
    await stream.parts[Symbol.asyncIterator]().return?.();
    expect((await stream.end).outcome).toBe('network');
  });

  it('records attempt outcomes in the stats sink', async () => {
    const events: string[] = [];
    const stats = { begin: (id: string) => events.push(`begin ${id}`), end: (id: string, s: { outcome: string }) => events.push(`end ${id} ${s.outcome}`) };
    const models = { a: scriptedModel('a', [new GatewayError('rate_limited', 'slow')]), b: scriptedModel('b', [text('x')]) };
    const stream = await openCommittedStream(loop(models, { stats }), (id, options) => models[id as 'a' | 'b'].stream(request, options));
    await drain(stream.parts);
    await stream.end;
    expect(events).toEqual(['begin a', 'end a rate_limited', 'begin b', 'end b ok']);
  });
});

describe('runAttempts', () => {
  it('moves past a deployment-specific failure and reports every attempt', async () => {
    const models = { a: scriptedModel('a', [new GatewayError('upstream_auth', 'bad key')]), b: scriptedModel('b', []) };
    const done = await runAttempts(loop(models), (model, options) => model.complete(request, options), (r) => r.usage);
    expect(done.deploymentId).toBe('b');
    expect(done.attempts.map((a) => a.outcome)).toEqual(['auth', 'ok']);
  });

  it('keeps the last failure code and lists every deployment when all fail', async () => {
    const models = { a: scriptedModel('a', [new GatewayError('overloaded', 'busy')]), b: scriptedModel('b', [new GatewayError('rate_limited', 'slow', { retryAfterMs: 2000 })]) };
    const failure = (await runAttempts(loop(models), (model, options) => model.complete(request, options), (r) => r.usage).catch((e: unknown) => e)) as AttemptsExhaustedError;
    expect(failure.code).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(2000);
    expect(failure.message).toContain('a: ');
    expect(failure.message).toContain('b: ');
  });

  it('gives later attempts only what is left of the request deadline', async () => {
    let now = 1_000;
    const totals: Array<number | undefined> = [];
    const models = {
      a: { ...scriptedModel('a', []), complete: (_r: unknown, o: { deadlines?: { totalMs?: number } }) => { totals.push(o.deadlines?.totalMs); now += 300; return Promise.reject(new GatewayError('first_token_timeout', 'slow')); } },
      b: { ...scriptedModel('b', []), complete: (_r: unknown, o: { deadlines?: { totalMs?: number } }) => { totals.push(o.deadlines?.totalMs); return Promise.resolve({ id: 'r', created: 0, model: 'b', choices: [], usage: { inputTokens: 0, outputTokens: 0 } }); } },
    } as unknown as Record<string, ChatModel>;
    await runAttempts(loop(models, { deadlineAt: 2_000, now: () => now }), (model, options) => model.complete(request, options), (r) => r.usage);
    expect(totals).toEqual([1_000, 700]);
  });
});
