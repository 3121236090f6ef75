import { randomUUID } from 'node:crypto';
import type { Accounting } from '../../src/accounting/accounting.js';
import type { ChatResult, ChatStream, Gateway, RequestContext } from '../../src/engine/gateway.js';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';

/**
 * Per-request accounting as the accounting README lays it out (reserve, call, settle, one durable
 * request row), wrapped around a gateway for the overhead benchmark so that its cost is measured
 * even where the engine does not call accounting itself.
 */
export function ledgeredGateway(inner: Gateway, accounting: Accounting, reserveUsd: number): Gateway {
  const target = (context: RequestContext): { keyId?: string; team?: string } => {
    const principal = context.principal;
    if (principal === undefined) return {};
    return principal.team === undefined ? { keyId: principal.keyId } : { keyId: principal.keyId, team: principal.team };
  };
  const entry = (context: RequestContext, fields: Partial<LedgerEntry> & Pick<LedgerEntry, 'outcome' | 'startedAt' | 'streamed'>): LedgerEntry => {
    const row: LedgerEntry = {
      id: randomUUID(),
      kind: 'request',
      requestId: context.requestId,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      costUsd: 0,
      latencyMs: Date.now() - fields.startedAt,
      cacheHit: false,
      endedAt: Date.now(),
      ...fields,
    };
    const principal = context.principal;
    if (principal !== undefined) {
      row.keyId = principal.keyId;
      if (principal.team !== undefined) row.team = principal.team;
    }
    return row;
  };

  const wrapped: Gateway = Object.create(inner) as Gateway;
  wrapped.chat = async (request: ChatRequest, context: RequestContext): Promise<ChatResult> => {
    const startedAt = Date.now();
    const reservation = await accounting.budgets.reserve({ principal: target(context), amountUsd: reserveUsd, requestId: context.requestId });
    let result: ChatResult;
    try {
      result = await inner.chat(request, context);
    } catch (error) {
      await accounting.budgets.release(reservation);
      throw error;
    }
    await accounting.budgets.settle(reservation, result.costUsd);
    await accounting.ledger.recordDurably(
      entry(context, {
        outcome: 'ok',
        startedAt,
        streamed: false,
        deploymentId: result.deploymentId,
        decisionId: result.decision.id,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        costUsd: result.costUsd,
      }),
    );
    return result;
  };
  wrapped.chatStream = async (request: ChatRequest, context: RequestContext): Promise<ChatStream> => {
    const startedAt = Date.now();
    const reservation = await accounting.budgets.reserve({ principal: target(context), amountUsd: reserveUsd, requestId: context.requestId });
    let stream: ChatStream;
    try {
      stream = await inner.chatStream(request, context);
    } catch (error) {
      await accounting.budgets.release(reservation);
      throw error;
    }
    const settled = stream.settlement.then(async (end) => {
      await accounting.budgets.settle(reservation, end.costUsd);
      accounting.ledger.record(
        entry(context, {
          outcome: end.outcome,
          startedAt,
          streamed: true,
          deploymentId: end.deploymentId,
          decisionId: stream.decision.id,
          inputTokens: end.usage.inputTokens,
          outputTokens: end.usage.outputTokens,
          costUsd: end.costUsd,
        }),
      );
      return end;
    });
    return { ...stream, settlement: settled };
  };
  return wrapped;
}
