const MARKER = /(?:final answer|answer)\s*(?:is)?\s*[:=]\s*/gi;

/**
 * The part of an answer that states the result: what follows the last "Answer:" (or "Final
 * answer:") marker, up to the end of that line; the whole answer when there is no marker.
 * Prompts in the suite ask for that marker; models that ignore it are still scored on the whole text.
 */
export function finalAnswerText(answer: string): string {
  let last: RegExpExecArray | null = null;
  for (let match = MARKER.exec(answer); match !== null; match = MARKER.exec(answer)) last = match;
  MARKER.lastIndex = 0;
  if (last === null) return answer.trim();
  const rest = answer.slice(last.index + last[0].length);
  const line = rest.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim();
}
