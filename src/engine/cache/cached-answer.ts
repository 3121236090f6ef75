import type { ChatResponse } from '../../spec/chat-response.js';
import type { Decision } from '../../spec/decision.js';

/** What the cache stores for one answer: the answer and how it was produced. */
export interface CachedAnswer {
  response: ChatResponse;
  deploymentId: string;
  /** The decision of the request that produced the answer. */
  decision: Decision;
  /** Epoch ms when the answer was produced. */
  storedAt: number;
}
