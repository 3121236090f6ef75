import { GatewayError } from '../errors/gateway-error.js';
import type { AdminKeyView } from '../spec/admin-key-view.js';
import type { LedgerStore, SpendGroupBy } from '../state/ledger-store.js';
import {
  createKeyBodySchema, getBudgetsQuerySchema, listKeysQuerySchema, parseAdminInput, setBudgetBodySchema, spendQuerySchema,
} from './admin-schemas.js';
import type { BudgetService, BudgetStatus, SetBudgetInput } from './budget-service.js';
import { systemClock, type Clock } from './clock.js';
import type { CreateKeyInput, KeyInfo, KeyService } from './key-service.js';

/** A key on the admin wire; the shape is shared with the CLI through the spec. */
export type KeyView = AdminKeyView;

export interface BudgetView {
  id: string;
  scope: string;
  scope_id: string;
  period: string;
  limit_usd: number;
  alert_thresholds: number[] | null;
  period_start: string;
  resets_at: string | null;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
  remaining_share: number;
}

export interface SpendReportView {
  group_by: SpendGroupBy;
  from: string;
  to: string;
  total_usd: number;
  data: Array<{ group: string | null; cost_usd: number; count: number; input_tokens: number; output_tokens: number; cached_input_tokens: number }>;
}

export interface AdminServiceOptions {
  keys: KeyService;
  budgets: BudgetService;
  ledger: LedgerStore;
  clock?: Clock;
}

const DAY_MS = 86_400_000;
const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * The admin API's logic, transport-free: each method takes the parsed JSON body or query object
 * as `unknown`, validates it strictly, and returns a JSON-ready answer or throws a GatewayError
 * (`invalid_request` 400, `not_found` 404). The server maps routes to these one to one.
 */
export class AdminService {
  private readonly keys: KeyService;
  private readonly budgets: BudgetService;
  private readonly ledger: LedgerStore;
  private readonly clock: Clock;

  constructor(options: AdminServiceOptions) {
    this.keys = options.keys;
    this.budgets = options.budgets;
    this.ledger = options.ledger;
    this.clock = options.clock ?? systemClock;
  }

  /** POST /admin/keys */
  async createKey(body: unknown): Promise<KeyView & { key: string }> {
    const input = parseAdminInput(createKeyBodySchema, body);
    if (input.expires_at !== undefined && input.expires_at <= this.clock()) {
      throw new GatewayError('invalid_request', 'expires_at: must be in the future', { param: 'expires_at' });
    }
    const create: CreateKeyInput = { owner: input.owner };
    if (input.name !== undefined) create.name = input.name;
    if (input.team !== undefined) create.team = input.team;
    if (input.allowed_models !== undefined) create.allowedModels = input.allowed_models;
    if (input.rate_limits !== undefined) create.rateLimits = input.rate_limits;
    if (input.metadata !== undefined) create.metadata = input.metadata;
    if (input.expires_at !== undefined) create.expiresAt = input.expires_at;
    const created = await this.keys.createKey(create);
    return { key: created.key, ...keyView(created.info) };
  }

  /** GET /admin/keys */
  async listKeys(query: unknown): Promise<{ data: KeyView[] }> {
    const input = parseAdminInput(listKeysQuerySchema, query);
    const filter: { owner?: string; team?: string; includeRevoked?: boolean } = {};
    if (input.owner !== undefined) filter.owner = input.owner;
    if (input.team !== undefined) filter.team = input.team;
    if (input.include_revoked !== undefined) filter.includeRevoked = input.include_revoked;
    return { data: (await this.keys.listKeys(filter)).map(keyView) };
  }

  /** GET /admin/keys/:id */
  async getKey(id: string): Promise<KeyView> {
    const info = await this.keys.getKey(id);
    if (!info) throw new GatewayError('not_found', `No key with id ${id}.`);
    return keyView(info);
  }

  /** POST /admin/keys/:id/revoke (or DELETE /admin/keys/:id) */
  async revokeKey(id: string): Promise<KeyView> {
    const info = await this.keys.revokeKey(id);
    if (!info) throw new GatewayError('not_found', `No key with id ${id}.`);
    return keyView(info);
  }

  /** PUT /admin/budgets */
  async setBudget(body: unknown): Promise<BudgetView> {
    const input = parseAdminInput(setBudgetBodySchema, body);
    if (input.scope !== 'global' && input.scope_id === undefined) {
      throw new GatewayError('invalid_request', `scope_id: a ${input.scope} budget needs one`, { param: 'scope_id' });
    }
    if (input.scope === 'key' && input.scope_id !== undefined && !(await this.keys.getKey(input.scope_id))) {
      throw new GatewayError('not_found', `No key with id ${input.scope_id}.`);
    }
    const set: SetBudgetInput = { scope: input.scope, period: input.period, limitUsd: input.limit_usd };
    if (input.scope_id !== undefined) set.scopeId = input.scope_id;
    if (input.alert_thresholds !== undefined) set.alertThresholds = input.alert_thresholds;
    return budgetView(await this.budgets.setBudget(set));
  }

  /** GET /admin/budgets */
  async getBudgets(query: unknown): Promise<{ data: BudgetView[] }> {
    const input = parseAdminInput(getBudgetsQuerySchema, query);
    const filter: { scope?: SetBudgetInput['scope']; scopeId?: string } = {};
    if (input.scope !== undefined) filter.scope = input.scope;
    if (input.scope_id !== undefined) filter.scopeId = input.scope_id;
    return { data: (await this.budgets.getBudgets(filter)).map(budgetView) };
  }

  /** DELETE /admin/budgets/:id */
  async deleteBudget(id: string): Promise<{ id: string; deleted: true }> {
    if (!(await this.budgets.deleteBudget(id))) throw new GatewayError('not_found', `No budget with id ${id}.`);
    return { id, deleted: true };
  }

  /** GET /admin/spend?group_by=key|team|deployment|day|hour&from=&to=&key_id=&team= (default: the last 30 days). */
  async spendReport(query: unknown): Promise<SpendReportView> {
    const input = parseAdminInput(spendQuerySchema, query);
    const to = input.to ?? this.clock();
    const from = input.from ?? to - 30 * DAY_MS;
    if (from >= to) throw new GatewayError('invalid_request', 'from: must be before to', { param: 'from' });
    const rows = await this.ledger.spendReport({
      groupBy: input.group_by, from, to,
      ...(input.key_id === undefined ? {} : { keyId: input.key_id }),
      ...(input.team === undefined ? {} : { team: input.team }),
    });
    let totalNanos = 0;
    for (const row of rows) totalNanos += Math.round(row.costUsd * 1e9);
    return {
      group_by: input.group_by,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total_usd: totalNanos / 1e9,
      data: rows.map((r) => ({
        group: r.group, cost_usd: r.costUsd, count: r.count, input_tokens: r.inputTokens,
        output_tokens: r.outputTokens, cached_input_tokens: r.cachedInputTokens,
      })),
    };
  }
}

export function keyView(info: KeyInfo): KeyView {
  return {
    id: info.id, prefix: info.prefix, name: info.name ?? null, owner: info.owner, team: info.team ?? null,
    allowed_models: info.allowedModels ?? null, rate_limits: info.rateLimits ?? null, metadata: info.metadata ?? null,
    status: info.status, created_at: new Date(info.createdAt).toISOString(), expires_at: iso(info.expiresAt), revoked_at: iso(info.revokedAt),
  };
}

export function budgetView(status: BudgetStatus): BudgetView {
  const { budget } = status;
  return {
    id: budget.id, scope: budget.scope, scope_id: budget.scopeId, period: budget.period, limit_usd: budget.limitUsd,
    alert_thresholds: budget.alertThresholds ?? null, period_start: new Date(status.periodStart).toISOString(),
    resets_at: iso(status.resetsAt), spent_usd: status.spentUsd, reserved_usd: status.reservedUsd,
    remaining_usd: status.remainingUsd, remaining_share: status.remainingShare,
  };
}
