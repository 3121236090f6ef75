import type { ChatMessage, ChatRequest } from '../spec/index.js';

/** The parts of a conversation that request analysis looks at, gathered in one pass. */
export interface ConversationView {
  /** Text of the last user turn: what the caller is asking for now. */
  lastUserText: string;
  /** System and developer instructions, joined. */
  systemText: string;
  /** Characters of text over every message (tool results included). */
  totalTextChars: number;
  userTurns: number;
  assistantTurns: number;
  imageParts: number;
}

export function readConversation(request: ChatRequest): ConversationView {
  let lastUserText = '';
  // Joined as it goes (the same text as joining a list with '\n'): one system message is the
  // usual case, and it needs no list.
  let systemText: string | undefined;
  let totalTextChars = 0;
  let userTurns = 0;
  let assistantTurns = 0;
  let imageParts = 0;
  for (const message of request.messages) {
    const text = messageText(message);
    totalTextChars += text.length;
    switch (message.role) {
      case 'system':
      case 'developer':
        systemText = systemText === undefined ? text : `${systemText}\n${text}`;
        break;
      case 'user':
        userTurns += 1;
        lastUserText = text;
        if (typeof message.content !== 'string') {
          for (const part of message.content) if (part.type === 'image') imageParts += 1;
        }
        break;
      case 'assistant':
        assistantTurns += 1;
        break;
      case 'tool':
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message role in ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return { lastUserText, systemText: systemText ?? '', totalTextChars, userTurns, assistantTurns, imageParts };
}

function messageText(message: ChatMessage): string {
  const content = message.content;
  if (content === null) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) if (part.type === 'text') text += (text ? '\n' : '') + part.text;
  return text;
}
