// Lint rules, including the layer boundaries of the design: each folder under src/ may import
// only the layers listed for it. Import cycles are checked by scripts/check-import-cycles.mjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layers = [
  'spec', 'errors', 'http', 'providers', 'catalog', 'routing', 'resilience', 'accounting',
  'state', 'telemetry', 'engine', 'server', 'config', 'cli', 'eval',
];

/** Which layers each layer may import (besides itself). */
const allowed = {
  spec: [],
  errors: ['spec'],
  http: ['spec', 'errors'],
  providers: ['spec', 'errors', 'http'],
  catalog: ['spec', 'errors'],
  routing: ['spec', 'errors', 'catalog'],
  resilience: ['spec', 'errors', 'state'],
  accounting: ['spec', 'errors', 'catalog', 'state'],
  state: ['spec', 'errors'],
  telemetry: ['spec'],
  config: ['spec', 'errors', 'catalog'],
  engine: ['spec', 'errors', 'http', 'providers', 'catalog', 'routing', 'resilience', 'accounting', 'state', 'telemetry', 'config'],
  server: ['engine', 'spec', 'errors', 'config', 'telemetry'],
  eval: ['spec', 'errors', 'routing', 'catalog', 'engine'],
  cli: ['spec', 'errors', 'config', 'server', 'engine', 'eval', 'telemetry'],
};

const layerRules = layers.map((layer) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: layers
          .filter((other) => other !== layer && !allowed[layer].includes(other))
          .map((other) => `**/${other}/**`),
        message: `src/${layer} may import only: ${allowed[layer].join(', ') || 'nothing'} (see DESIGN.md).`,
      }],
    }],
  },
}));

const providerNames = ['openai', 'openai-compatible', 'anthropic', 'gemini', 'simulated'];
// An adapter knows its own wire format; only the shared OpenAI-compatible base may be reused.
const providerRules = providerNames.map((name) => ({
  files: [`src/providers/${name}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{
        group: [
          ...layers.filter((other) => other !== 'providers' && !allowed.providers.includes(other)).map((o) => `**/${o}/**`),
          ...providerNames.filter((o) => o !== name && o !== 'openai-compatible').map((o) => `../${o}/**`),
        ],
        message: 'An adapter may import spec, errors, http and providers/openai-compatible only.',
      }],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'web/**/*.min.js', 'test-artifacts/**', '.switchyard/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  ...layerRules,
  ...providerRules,
);
