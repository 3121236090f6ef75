import type { ChatChoice, ChatResponse } from '../../spec/chat-response.js';
import type { ToolCall } from '../../spec/chat-message.js';
import type { StreamPart } from '../../spec/stream-part.js';
import type { Usage } from '../../spec/usage.js';

interface ChoiceDraft {
  content: string;
  reasoning: string;
  refusal: string;
  tools: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: ChatChoice['finishReason'];
}

/**
 * Rebuilds a whole answer from the stream parts that went to a client, so that a streamed
 * answer can be cached and replayed to JSON and stream callers alike. An answer is complete only
 * when every choice finished without an in-band error.
 */
export class StreamAnswerCollector {
  private id = '';
  private model = '';
  private created = 0;
  private usage: Usage | undefined;
  private failed = false;
  private readonly choices = new Map<number, ChoiceDraft>();

  add(part: StreamPart): void {
    switch (part.type) {
      case 'start':
        this.id = part.id;
        this.model = part.model;
        this.created = part.created;
        return;
      case 'text-delta':
        this.choice(part.choiceIndex).content += part.text;
        return;
      case 'reasoning-delta':
        this.choice(part.choiceIndex).reasoning += part.text;
        return;
      case 'refusal-delta':
        this.choice(part.choiceIndex).refusal += part.text;
        return;
      case 'tool-call-delta': {
        const tools = this.choice(part.choiceIndex).tools;
        const call = (tools[part.toolIndex] ??= { id: '', name: '', arguments: '' });
        if (part.id !== undefined) call.id = part.id;
        if (part.name !== undefined) call.name = part.name;
        call.arguments += part.argumentsDelta;
        return;
      }
      case 'finish':
        this.choice(part.choiceIndex).finishReason = part.finishReason;
        if (part.finishReason === 'error') this.failed = true;
        return;
      case 'usage':
        this.usage = part.usage;
        return;
      case 'error':
        this.failed = true;
        return;
    }
  }

  /** The whole answer, or undefined when the stream failed or some choice never finished. */
  answer(fallbackUsage?: Usage): ChatResponse | undefined {
    if (this.failed || this.choices.size === 0) return undefined;
    const choices: ChatChoice[] = [];
    for (const [index, draft] of [...this.choices].sort((a, b) => a[0] - b[0])) {
      if (draft.finishReason === undefined) return undefined;
      const message: ChatChoice['message'] = { role: 'assistant', content: draft.content === '' && draft.tools.length > 0 ? null : draft.content };
      if (draft.reasoning !== '') message.reasoning = draft.reasoning;
      if (draft.refusal !== '') message.refusal = draft.refusal;
      if (draft.tools.length > 0) {
        message.toolCalls = draft.tools.map((call): ToolCall => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
      }
      choices.push({ index, message, finishReason: draft.finishReason });
    }
    const usage = this.usage ?? fallbackUsage;
    if (usage === undefined) return undefined;
    return { id: this.id, created: this.created, model: this.model, choices, usage };
  }

  private choice(index: number): ChoiceDraft {
    let draft = this.choices.get(index);
    if (draft === undefined) {
      draft = { content: '', reasoning: '', refusal: '', tools: [] };
      this.choices.set(index, draft);
    }
    return draft;
  }
}
