import type { ChatMessage, ToolCall } from '../../spec/chat-message.js';
import type { ChatRequest, ToolDefinition } from '../../spec/chat-request.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import { hashText } from './hash-text.js';
import { sampleJsonFromSchema } from './sample-json-from-schema.js';
import { createSeededRandom, type Random } from './seeded-random.js';
import type { SimulatedSettings } from './simulated-settings.js';

export interface SimulatedChoice {
  index: number;
  text: string | null;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  outputTokens: number;
}

const SENTENCES = [
  'This text comes from the Switchyard simulator and carries no real answer.',
  'Its length, timing and failure rate follow the profile of the model it stands in for.',
  'Routing, retries, budgets and streaming behave exactly as they would with a real provider.',
  'Set a provider API key to have real models answer instead.',
  'The same request always produces the same simulated text.',
  'Token counts and costs are computed as if a real model had answered.',
  'Nothing in this reply should be taken as a fact.',
  'The simulator honours max tokens, stop sequences, tools and JSON modes.',
];

/**
 * The deterministic answer to a request: the same request content always yields the same
 * choices. Text starts with `[simulated <model>]`; tools are called when tool_choice requires it
 * (or, under `auto`, when the last turn is the user's); JSON modes yield valid JSON; output is
 * cut at the max-tokens cap (finish `length`) and at the first stop sequence.
 */
export function buildSimulatedAnswer(request: ChatRequest, modelName: string, settings: SimulatedSettings): SimulatedChoice[] {
  const count = settings.countTokens;
  const cap = Math.min(request.maxOutputTokens ?? settings.maxOutputTokens, settings.maxOutputTokens);
  const seedText = JSON.stringify([request.messages, request.tools, request.toolChoice, request.responseFormat, request.seed ?? null]);
  const baseSeed = hashText(seedText);
  const choices: SimulatedChoice[] = [];
  for (let index = 0; index < Math.max(1, request.n ?? 1); index += 1) {
    const random = createSeededRandom(baseSeed + index * 0x9e3779b9);
    const tool = chooseTool(request, random);
    if (tool) {
      const args = JSON.stringify(sampleJsonFromSchema(tool.function.parameters ?? { type: 'object', properties: {} }, random));
      const id = `call_sim_${(baseSeed + index).toString(16)}`;
      const call: ToolCall = { id, type: 'function', function: { name: tool.function.name, arguments: args } };
      choices.push({ index, text: null, toolCalls: [call], finishReason: 'tool_calls', outputTokens: count(tool.function.name) + count(args) });
      continue;
    }
    const full = answerText(request, modelName, settings, random);
    const { text, finishReason } = applyLimits(full, cap, request.stop, count);
    choices.push({ index, text, finishReason, outputTokens: count(text) });
  }
  return choices;
}

function chooseTool(request: ChatRequest, random: Random): ToolDefinition | undefined {
  const tools = request.tools ?? [];
  const choice = request.toolChoice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return undefined;
  if (typeof choice === 'object') return tools.find((t) => t.function.name === choice.function.name) ?? tools[0];
  // Under `auto`, answer a tool result in text and call a tool for a fresh user turn: the loop
  // an agent runs against a real model.
  if (choice === 'auto' && request.messages.at(-1)?.role !== 'user') return undefined;
  return tools[Math.floor(random() * tools.length)];
}

function answerText(request: ChatRequest, modelName: string, settings: SimulatedSettings, random: Random): string {
  const format = request.responseFormat;
  if (format?.type === 'json_schema') return JSON.stringify(sampleJsonFromSchema(format.jsonSchema.schema ?? { type: 'object', properties: {} }, random));
  const { min, max } = settings.answerTokens;
  const target = min + Math.floor(random() * (max - min + 1));
  const head = `[simulated ${modelName}] Reply to "${excerpt(lastUserText(request.messages))}".`;
  const parts = [head];
  let tokens = settings.countTokens(head);
  while (tokens < target) {
    const sentence = SENTENCES[Math.floor(random() * SENTENCES.length)] ?? '';
    parts.push(sentence);
    tokens += settings.countTokens(` ${sentence}`);
  }
  const text = parts.join(' ');
  if (format?.type === 'json_object') return JSON.stringify({ simulated: true, model: modelName, answer: text });
  return text;
}

function applyLimits(full: string, cap: number, stop: string[] | undefined, count: (text: string) => number): { text: string; finishReason: FinishReason } {
  let text = full;
  let finishReason: FinishReason = 'stop';
  if (count(text) > cap) {
    text = longestPrefixWithin(text, cap, count);
    finishReason = 'length';
  }
  for (const sequence of stop ?? []) {
    const at = sequence === '' ? -1 : text.indexOf(sequence);
    if (at >= 0) {
      text = text.slice(0, at);
      finishReason = 'stop';
    }
  }
  return { text, finishReason };
}

/** Binary search over word boundaries (then characters) for the longest prefix within `cap` tokens. */
function longestPrefixWithin(text: string, cap: number, count: (text: string) => number): string {
  const cuts = [...text.matchAll(/\s+/g)].map((m) => m.index);
  cuts.push(text.length);
  let lo = 0;
  let hi = cuts.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const end = cuts[mid] ?? 0;
    if (count(text.slice(0, end)) <= cap) {
      best = end;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best > 0) return text.slice(0, best);
  // Not even one word fits (JSON without spaces, a tiny cap): cut by characters.
  let chars = 0;
  while (chars < text.length && count(text.slice(0, chars + 1)) <= cap) chars += 1;
  return text.slice(0, chars);
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join(' ');
  }
  return '';
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
