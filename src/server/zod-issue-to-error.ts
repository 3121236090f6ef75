import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

/** `messages[0].content` style path, as OpenAI's `param`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The first validation issue as a 400 naming the bad field; one clear message beats a list. */
export function zodIssueToError(error: z.ZodError, prefix = ''): GatewayError {
  const issue = error.issues[0];
  if (issue === undefined) return new GatewayError('invalid_request', 'The request is invalid.');
  let path = [...issue.path];
  let message = issue.message;
  // Unions report their own message; a deeper issue from the closest branch is usually clearer.
  if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)) {
    const branches = issue.errors as z.core.$ZodIssue[][];
    const deepest = branches.flat().sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest !== undefined && deepest.path.length > 0 && deepest.code !== 'invalid_type') {
      path = [...path, ...deepest.path];
      message = deepest.message;
    }
  }
  if (issue.code === 'unrecognized_keys' && 'keys' in issue) {
    const keys = issue.keys as string[];
    message = `unknown field${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`;
    if (keys.length === 1 && keys[0] !== undefined) path = [...path, keys[0]];
  }
  const param = prefix + formatPath(path);
  return new GatewayError('invalid_request', param === '' ? message : `Invalid '${param}': ${message}`, param === '' ? {} : { param });
}
