import { GatewayError } from '../errors/gateway-error.js';
import type { ModelListing } from '../engine/gateway.js';
import type { Exchange } from './exchange.js';
import { sendJson } from './send-response.js';

/** Start-up time in Unix seconds: OpenAI's `created` for entries that have no date of their own. */
const CREATED = Math.floor(Date.now() / 1000);

function toEntry(listing: ModelListing): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: listing.id, object: 'model', created: CREATED, owned_by: listing.ownedBy, kind: listing.kind };
  if (listing.description !== undefined) entry.description = listing.description;
  if (listing.deployments !== undefined) entry.deployments = listing.deployments;
  const profile = listing.profile;
  if (profile !== undefined) {
    entry.provider = profile.provider;
    entry.upstream_model = profile.model;
    entry.simulated = profile.simulated;
    entry.context_window = profile.contextWindow;
    entry.max_output_tokens = profile.maxOutputTokens;
    entry.pricing = {
      input_per_mtok: profile.pricing.inputPerMTok,
      output_per_mtok: profile.pricing.outputPerMTok,
      cached_input_per_mtok: profile.pricing.cachedInputPerMTok,
    };
    entry.capabilities = profile.capabilities;
  }
  return entry;
}

/** `GET /v1/models`: every deployment, alias and policy, in OpenAI's list shape plus our fields. */
export function handleModels(exchange: Exchange): Promise<void> {
  sendJson(exchange, 200, { object: 'list', data: exchange.gateway.listModels().map(toEntry) });
  return Promise.resolve();
}

/** `GET /v1/models/{id}`. */
export function handleModel(exchange: Exchange, id: string): Promise<void> {
  const listing = exchange.gateway.listModels().find((m) => m.id === id);
  if (listing === undefined) return Promise.reject(new GatewayError('model_not_found', `The model '${id}' does not exist.`, { param: 'model' }));
  sendJson(exchange, 200, toEntry(listing));
  return Promise.resolve();
}
