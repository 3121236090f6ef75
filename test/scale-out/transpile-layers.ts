import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export const REPO = resolve(import.meta.dirname, '../..');

/**
 * Transpiles the named `src/` layers into `outDir` (inside the checkout, so that children resolve
 * packages from its node_modules) for child processes to import as plain JavaScript. Types are
 * checked by the project's own type check; this only strips them.
 */
export function transpileLayers(outDir: string, layers: readonly string[]): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  for (const layer of layers) {
    for (const file of readdirSync(join(REPO, 'src', layer), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const source = readFileSync(join(REPO, 'src', layer, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, esModuleInterop: true },
      });
      const out = join(outDir, 'src', layer, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
}
