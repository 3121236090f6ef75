/**
 * A conversation turn in the gateway's neutral form. The shape follows OpenAI's chat format
 * because that is what clients send us, but field names are camelCase and every provider
 * adapter maps from this form, never from the raw wire body.
 */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface SystemMessage {
  /** `developer` is OpenAI's newer name for system instructions; adapters treat both alike. */
  role: 'system' | 'developer';
  content: string | TextPart[];
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | ContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | TextPart[] | null;
  toolCalls?: ToolCall[];
  refusal?: string | null;
  name?: string;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  content: string | TextPart[];
}

export type ContentPart = TextPart | ImagePart;

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** An https URL or a `data:<mime>;base64,...` URL, as OpenAI accepts them. */
  url: string;
  detail?: 'auto' | 'low' | 'high';
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
