import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { BUDGET_PERIODS, BUDGET_SCOPES } from '../state/budget-record.js';
import { SPEND_GROUP_BYS } from '../state/ledger-store.js';

/** A point in time on the admin wire: ISO 8601 (a date means its UTC midnight) or Unix seconds. */
const instant = z.union([
  z.number().int().nonnegative().transform((seconds) => seconds * 1000),
  z.string().regex(/^\d+$/).transform((s) => Number(s) * 1000),
  z.iso.date().transform((s) => Date.parse(`${s}T00:00:00Z`)),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

const label = z.string().trim().min(1).max(200);

export const createKeyBodySchema = z.strictObject({
  owner: label,
  name: label.optional(),
  team: label.optional(),
  allowed_models: z.array(label).max(1000).optional(),
  rate_limits: z.strictObject({ rpm: z.number().int().positive().optional(), tpm: z.number().int().positive().optional() }).optional(),
  metadata: z.record(z.string().max(200), z.string().max(2000)).optional(),
  expires_at: instant.optional(),
});

const booleanQuery = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1')]);

export const listKeysQuerySchema = z.strictObject({
  owner: label.optional(),
  team: label.optional(),
  include_revoked: booleanQuery.optional(),
});

export const setBudgetBodySchema = z.strictObject({
  scope: z.enum(BUDGET_SCOPES),
  scope_id: label.optional(),
  period: z.enum(BUDGET_PERIODS),
  limit_usd: z.number().finite().nonnegative().max(1e9),
  alert_thresholds: z.array(z.number().gt(0).lte(1)).max(20).optional(),
});

export const getBudgetsQuerySchema = z.strictObject({
  scope: z.enum(BUDGET_SCOPES).optional(),
  scope_id: label.optional(),
});

export const spendQuerySchema = z.strictObject({
  group_by: z.enum(SPEND_GROUP_BYS),
  from: instant.optional(),
  to: instant.optional(),
  key_id: label.optional(),
  team: label.optional(),
});

/** Parses admin input strictly; the first problem becomes an `invalid_request` naming the field. */
export function parseAdminInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${param === undefined ? '' : `${param}: `}${issue.message}` : 'invalid input';
  throw new GatewayError('invalid_request', message, param === undefined ? {} : { param });
}
