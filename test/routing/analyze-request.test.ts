import { describe, expect, it } from 'vitest';
import { analyzeRequest, analyzeRequestInDetail, resolvePolicy, BUILT_IN_POLICIES, type Policy } from '../../src/routing/index.js';
import type { ChatRequest } from '../../src/spec/index.js';

const user = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content }], ...extra });

describe('analyzeRequest', () => {
  it('uses the injected token counter and the caller max tokens', () => {
    const profile = analyzeRequest(user('hello', { maxOutputTokens: 321 }), { countTokens: () => 4242 });
    expect(profile.inputTokens).toBe(4242);
    expect(profile.expectedOutputTokens).toBe(321);
    expect(profile.maxOutputTokens).toBe(321);
  });

  it('estimates output per task when no cap is given', () => {
    const chat = analyzeRequest(user('hello', { routing: { task: 'chat' } }));
    const code = analyzeRequest(user('hello', { routing: { task: 'coding' } }));
    expect(chat.maxOutputTokens).toBeUndefined();
    expect(code.expectedOutputTokens).toBeGreaterThan(chat.expectedOutputTokens);
    const source = 'Bonjour tout le monde, comment allez-vous aujourd’hui ? '.repeat(40);
    const translation = analyzeRequest(user(source, { routing: { task: 'translation' } }), { countTokens: () => 800 });
    expect(translation.expectedOutputTokens).toBeGreaterThan(800);
  });

  it('reads needs: tools unless tool_choice none, images, json modes, streaming', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(analyzeRequest(user('x', { tools })).needs.tools).toBe(true);
    expect(analyzeRequest(user('x', { tools, toolChoice: 'none' })).needs.tools).toBe(false);
    const image: ChatRequest = { model: 'auto', messages: [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,AAAA' }] }] };
    expect(analyzeRequest(image).needs.vision).toBe(true);
    expect(analyzeRequest(user('x', { responseFormat: { type: 'json_object' } })).needs.json).toBe(true);
    expect(analyzeRequest(user('x', { responseFormat: { type: 'json_schema', jsonSchema: { name: 's' } } })).needs.json).toBe(true);
    expect(analyzeRequest(user('x', { responseFormat: { type: 'text' } })).needs.json).toBe(false);
    expect(analyzeRequest(user('x', { stream: true })).needs.streaming).toBe(true);
  });

  it("the caller's task wins over the classifier", () => {
    const classifier = { classify: () => ({ task: 'math' as const, confidence: 0.9, probabilities: {} as never }) };
    const named = analyzeRequest(user('2+2?', { routing: { task: 'creative' } }), { classifier });
    expect(named).toMatchObject({ task: 'creative', taskSource: 'caller', taskConfidence: 1 });
    expect(analyzeRequest(user('2+2?'), { classifier })).toMatchObject({ task: 'math', taskSource: 'classifier', taskConfidence: 0.9 });
  });

  it('difficulty rises with real signals', () => {
    const greeting = analyzeRequest(user('hi!', { routing: { task: 'chat' } })).difficulty;
    const proof = analyzeRequest(
      user(
        'Prove rigorously that for every integer n >= 1, the sum 1^3 + 2^3 + ... + n^3 = (n(n+1)/2)^2. ' +
          'Then derive a closed form for \\sum_{k=1}^{n} k^4, justify each step, and compare the two derivations. ' +
          'You must not use induction for the second part and must state every lemma you rely on.',
        { routing: { task: 'math' } },
      ),
    ).difficulty;
    expect(greeting).toBeLessThan(0.2);
    expect(proof).toBeGreaterThan(0.7);
    expect(proof).toBeLessThanOrEqual(1);
    const code = analyzeRequestInDetail(
      user('Why does this fail?\n```ts\nfunction f(a: number[]) {\n  let s = 0;\n  for (const x of a) {\n    s += x;\n  }\n  return s;\n}\n```', { routing: { task: 'coding' } }),
    );
    expect(code.difficultySignals.code).toBeGreaterThan(0);
    const uncertain = analyzeRequestInDetail(user('hmm'), {
      classifier: { classify: () => ({ task: 'chat', confidence: 0.3, probabilities: {} as never }) },
    });
    expect(uncertain.difficultySignals.uncertainty).toBeCloseTo(0.7);
  });

  it('few-shot examples lower difficulty', () => {
    const plain = analyzeRequest(user('Classify the sentiment of: "The food was cold."', { routing: { task: 'extraction' } })).difficulty;
    const shots = analyzeRequest({
      model: 'auto',
      routing: { task: 'extraction' },
      messages: [
        { role: 'user', content: 'Classify the sentiment of: "Great service!"' },
        { role: 'assistant', content: 'positive' },
        { role: 'user', content: 'Classify the sentiment of: "Never again."' },
        { role: 'assistant', content: 'negative' },
        { role: 'user', content: 'Classify the sentiment of: "The food was cold."' },
      ],
    }).difficulty;
    expect(shots).toBeLessThan(plain);
  });
});

describe('resolvePolicy', () => {
  it('auto, router/<name>, bare names and config policies', () => {
    expect(resolvePolicy('auto')).toBe(BUILT_IN_POLICIES.balanced);
    expect(resolvePolicy('router/cheapest')).toBe(BUILT_IN_POLICIES.cheapest);
    expect(resolvePolicy('router/fastest')).toBe(BUILT_IN_POLICIES.fastest);
    expect(resolvePolicy('best')).toBe(BUILT_IN_POLICIES.best);
    expect(resolvePolicy('openai/gpt-4o')).toBeUndefined();
    expect(resolvePolicy('router/toString')).toBeUndefined();
    const mine: Policy = { name: 'mine', weights: { cost: 1, latency: 0, quality: 0, reliability: 0 } };
    const policies = new Map([['mine', mine]]);
    expect(resolvePolicy('router/mine', { policies })).toBe(mine);
    expect(resolvePolicy('auto', { policies, defaultPolicy: 'mine' })).toBe(mine);
  });
});
