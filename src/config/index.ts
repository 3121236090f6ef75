export { configSchema, type DeploymentConfig, type GatewayConfig, type PolicyConfig, type ProviderConfig } from './config-schema.js';
export { findConfigPath, loadConfig, parseConfig, parseConfigText, type LoadConfigOptions, type LoadedConfig } from './load-config.js';
export { interpolateEnv } from './interpolate-env.js';
export { validateReferences } from './validate-references.js';
export { watchConfig, type ConfigWatcherOptions } from './config-watcher.js';
