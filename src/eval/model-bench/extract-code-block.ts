const FENCE = /```([\w+-]*)[^\n]*\n([\s\S]*?)```/g;

/**
 * The code of an answer: the first fenced block tagged with the language (or an alias), else
 * the first fenced block, else the whole answer (a model that answers with bare code).
 */
export function extractCodeBlock(answer: string, language: 'python' | 'javascript'): string {
  const aliases = language === 'python' ? ['python', 'py', 'python3'] : ['javascript', 'js', 'node', 'mjs'];
  let first: string | undefined;
  for (const match of answer.matchAll(FENCE)) {
    const tag = (match[1] ?? '').toLowerCase();
    const body = match[2] ?? '';
    if (aliases.includes(tag)) return body;
    first ??= body;
  }
  return first ?? answer;
}
