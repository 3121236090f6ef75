import type { Gateway } from '../engine/gateway.js';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { BatchProgressView } from '../telemetry/dashboard-snapshot.js';
import type { BudgetLevel } from '../telemetry/gateway-observer.js';
import { BreakerWatcher } from '../telemetry/breaker-watcher.js';
import { createServer, type ServerOptions, type SwitchyardServer } from './create-server.js';
import { observeGateway } from './observe-gateway.js';
import { telemetryRoutes, type TelemetryRoutesOptions } from './telemetry-routes.js';

export type ObservedServerOptions = ServerOptions &
  TelemetryRoutesOptions & {
    /** Budget levels for metrics and the dashboard, e.g. from cost control's `admin.getBudgets`. */
    budgets?: () => Promise<readonly BudgetLevel[]> | readonly BudgetLevel[];
    /** Batch jobs for the dashboard's batches panel, e.g. from the batch runner. */
    batches?: () => readonly BatchProgressView[];
  };

/**
 * The server with observability wired in: every gateway it serves (including ones swapped in by
 * a config reload) reports to telemetry, the metrics, admin and dashboard endpoints are mounted,
 * 5xx failures are logged, and metrics read breaker states from the gateway's live stats.
 */
export async function createObservedServer(gateway: Gateway, telemetry: Telemetry, options: ObservedServerOptions = {}): Promise<SwitchyardServer> {
  let served = gateway;
  const wrap = (next: Gateway): Gateway => {
    served = next;
    telemetry.attachLiveStats(() => next.stats());
    return observeGateway(next, telemetry.observer, { capturePrompts: telemetry.capturePrompts });
  };
  // Breaker transitions become log lines and dashboard timestamps, compared once a second off the request path.
  const breakers = new BreakerWatcher(() => served.stats(), telemetry.observer).start();
  if (options.budgets !== undefined) telemetry.attachBudgets(options.budgets);
  if (options.batches !== undefined) telemetry.attachBatches(options.batches);
  const routes = await telemetryRoutes(telemetry, options);
  const server = createServer(wrap(gateway), {
    ...options,
    routes: { ...routes, ...options.routes },
    onServerError:
      options.onServerError ??
      ((error, exchange) => telemetry.logger.error({ err: error, requestId: exchange.requestId, path: exchange.path }, 'request failed inside the gateway')),
  });
  return {
    http: server.http,
    setGateway: (next) => server.setGateway(wrap(next)),
    listen: (port, host) => server.listen(port, host),
    close: (graceMs) => {
      breakers.stop();
      return server.close(graceMs);
    },
  };
}
