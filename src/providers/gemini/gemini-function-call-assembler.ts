import type { GeminiFunctionCall, GeminiPartialArg } from './gemini-wire.js';

export interface AssembledFunctionCall {
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

interface PendingCall extends AssembledFunctionCall {
  /** The path whose string value is still arriving (its last piece had `willContinue`). */
  openPath?: string;
}

/**
 * Rebuilds function calls from a streamed candidate. A plain Gemini stream sends each call whole
 * (`{name, args}`), but with streamed function-call arguments a call arrives as a part with its
 * name and `willContinue: true`, then parts carrying `partialArgs` (a JSON path and a value;
 * strings come in pieces joined until a piece without `willContinue`), and ends with a part
 * whose `willContinue` is absent (often an empty `functionCall: {}`). Calls are handed out only
 * once complete, because OpenAI clients expect the arguments of a call to join into valid JSON.
 */
export class GeminiFunctionCallAssembler {
  private pending: PendingCall | undefined;

  /** Feeds one `functionCall` part; returns the call it completes, if any (and any call it cut short). */
  push(call: GeminiFunctionCall): AssembledFunctionCall[] {
    const done: AssembledFunctionCall[] = [];
    if (call.name !== undefined && call.name.length > 0) {
      // A named part always begins a new call; one still open was cut short and goes out as it is.
      const cut = this.flush();
      if (cut !== undefined) done.push(cut);
      this.pending = { name: call.name, args: { ...(call.args ?? {}) } };
      if (call.id !== undefined) this.pending.id = call.id;
    } else if (this.pending === undefined) {
      // A nameless part with nothing open carries no call.
      return done;
    } else if (call.args !== undefined && call.args !== null) {
      Object.assign(this.pending.args, call.args);
    }
    for (const partial of call.partialArgs ?? []) this.applyPartial(this.pending, partial);
    if (call.willContinue !== true) {
      const complete = this.flush();
      if (complete !== undefined) done.push(complete);
    }
    return done;
  }

  /** Hands out the call still open, e.g. when the candidate finishes. */
  flush(): AssembledFunctionCall | undefined {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return undefined;
    const call: AssembledFunctionCall = { name: pending.name, args: pending.args };
    if (pending.id !== undefined) call.id = pending.id;
    return call;
  }

  private applyPartial(call: PendingCall, partial: GeminiPartialArg): void {
    const path = partial.jsonPath;
    if (path === undefined) return;
    const segments = parseJsonPath(path);
    if (segments === undefined || segments.length === 0) return;
    let value: unknown;
    if (partial.stringValue !== undefined) {
      const previous = call.openPath === path ? readPath(call.args, segments) : undefined;
      value = typeof previous === 'string' ? previous + partial.stringValue : partial.stringValue;
    } else if (partial.numberValue !== undefined) value = partial.numberValue;
    else if (partial.boolValue !== undefined) value = partial.boolValue;
    else if (partial.nullValue !== undefined) value = null;
    else return;
    writePath(call.args, segments, value);
    if (partial.willContinue === true) call.openPath = path;
    else delete call.openPath;
  }
}

type Segment = string | number;

/** Parses the RFC 9535 paths Gemini sends: `$.a.b`, `$.a[0].b`, `$['a b']`. */
function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const segments: Segment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let index = 1;
  while (index < path.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (match === null) return undefined;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'));
    index = pattern.lastIndex;
  }
  // Paths come from the network: never let one reach an object's prototype.
  if (segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) return undefined;
  return segments;
}

function readPath(root: Record<string, unknown>, segments: Segment[]): unknown {
  let node: unknown = root;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function writePath(root: Record<string, unknown>, segments: Segment[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  segments.forEach((segment, i) => {
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = segments[i + 1];
    let child = node[segment];
    if (typeof child !== 'object' || child === null) {
      child = typeof next === 'number' ? [] : {};
      node[segment] = child;
    }
    node = child as Record<string | number, unknown>;
  });
}
