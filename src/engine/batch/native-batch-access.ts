import type { BatchCapability } from '../../spec/batch-capability.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { Decision } from '../../spec/decision.js';
import type { Usage } from '../../spec/usage.js';
import { computeCostUsd, roundUsd } from '../../catalog/compute-cost-usd.js';
import { maxRequestCostUsd } from '../../catalog/estimate-request-cost.js';
import type { GatewayAccounting } from '../gateway-accounting.js';
import type { RequestContext } from '../gateway.js';
import type { RequestCharge } from '../request-charge.js';
import type { SwitchyardGateway } from '../switchyard-gateway.js';

/** Where one batch line would run through a provider's batch API. */
export interface NativeBatchLinePlan {
  deploymentId: string;
  decision: Decision;
  /** The line's request with routing wishes merged, as it goes upstream. */
  request: ChatRequest;
  /** Worst-case cost at the batch price, for the line's reservation. */
  maxCostUsd: number;
}

/**
 * What offline batch jobs need of the engine to send lines through providers' own batch APIs:
 * routing, the adapter's batch capability, prices at the batch discount and the money side of
 * each line. The discount is the deployment's `pricing.batchDiscount` where config sets one,
 * else the adapter's documented factor.
 */
export interface NativeBatchAccess {
  /** Routes a line; a plan when the deployment it would run on offers a batch API, else undefined. Throws what routing throws. */
  plan(request: ChatRequest, context: RequestContext): NativeBatchLinePlan | undefined;
  capability(deploymentId: string): BatchCapability | undefined;
  /** Cost of `usage` on a deployment at its batch price. */
  cost(deploymentId: string, usage: Usage): number;
  /** Reservations and ledger rows for one line, as for any request; undefined without cost control. */
  charge(context: RequestContext): Promise<RequestCharge | undefined>;
}

/** `NativeBatchAccess` over the engine's tables and cost control. */
export class GatewayNativeBatch implements NativeBatchAccess {
  constructor(
    private readonly host: SwitchyardGateway,
    private readonly accounting: GatewayAccounting | undefined,
  ) {}

  plan(request: ChatRequest, context: RequestContext): NativeBatchLinePlan | undefined {
    const prepared = this.host.prepare(request, context);
    const deploymentId = prepared.loop.candidates[0];
    if (deploymentId === undefined) return undefined;
    const factor = this.factor(deploymentId);
    if (factor === undefined) return undefined;
    const profile = this.host.deployment(deploymentId).profile;
    const maxCostUsd = roundUsd(maxRequestCostUsd(profile, prepared.decision.profile.inputTokens, prepared.decision.profile.maxOutputTokens) * factor);
    return { deploymentId, decision: prepared.decision, request: prepared.request, maxCostUsd };
  }

  capability(deploymentId: string): BatchCapability | undefined {
    return this.host.tables.deployments.get(deploymentId)?.model.batch;
  }

  cost(deploymentId: string, usage: Usage): number {
    const profile = this.host.tables.deployments.get(deploymentId)?.profile;
    if (profile === undefined) return 0;
    return roundUsd(computeCostUsd(usage, profile.pricing) * (this.factor(deploymentId) ?? 1));
  }

  async charge(context: RequestContext): Promise<RequestCharge | undefined> {
    return this.accounting?.begin(context, { streamed: false, estimatedTokens: 0 });
  }

  private factor(deploymentId: string): number | undefined {
    const deployment = this.host.tables.deployments.get(deploymentId);
    const capability = deployment?.model.batch;
    if (capability === undefined) return undefined;
    return deployment?.profile.pricing.batchDiscount ?? capability.priceFactor;
  }
}
