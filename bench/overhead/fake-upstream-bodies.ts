/** The fake upstream's answers, shared by the benchmarks that stand in for it without a socket. */
const CREATED = 1_764_000_000;
const ANSWER =
  'Connection pooling keeps a small set of warm sockets to each upstream and reuses them for every request, ' +
  'so a gateway pays the TCP and TLS handshakes once instead of per call; queueing happens in the pool.';

/** The whole answer to a JSON request (about 600 bytes). */
export const FAKE_JSON_BODY = JSON.stringify({
  id: 'chatcmpl-bench0001',
  object: 'chat.completion',
  created: CREATED,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER, refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 180, completion_tokens: 42, total_tokens: 222 },
  system_fingerprint: 'fp_bench',
});

function chunk(delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>): string {
  const body: Record<string, unknown> = {
    id: 'chatcmpl-bench0001',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'bench-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (usage !== undefined) body.usage = usage;
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The SSE body of a stream: 20 chunks (usage in the last when asked for), then `[DONE]`. */
export function fakeStreamBody(withUsage: boolean): Buffer {
  const words = ANSWER.split(' ');
  const pieces: string[] = [];
  const per = Math.ceil(words.length / 18);
  pieces.push(chunk({ role: 'assistant', content: '' }, null));
  for (let i = 0; i < 18; i += 1) pieces.push(chunk({ content: `${words.slice(i * per, (i + 1) * per).join(' ')} ` }, null));
  pieces.push(chunk({}, 'stop', withUsage ? { prompt_tokens: 180, completion_tokens: 42, total_tokens: 222 } : undefined));
  pieces.push('data: [DONE]\n\n');
  return Buffer.from(pieces.join(''));
}
