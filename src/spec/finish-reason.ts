/**
 * Why a choice ended, in OpenAI's vocabulary. `error` is ours: a stream that failed after the
 * commit point ends with it so that a cut is never mistaken for a complete answer.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';
