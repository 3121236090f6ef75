import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** The checkout: compiled output goes inside it, so that children resolve packages from its node_modules. */
export const REPO = resolve(import.meta.dirname, '../..');

type Strip = (file: string, source: string) => string;

/**
 * Type stripping, file by file: oxc's transform (through rolldown, which the test runner brings)
 * when it loads, in well under a second for all of src; else TypeScript's transpileModule, which
 * takes tens of seconds on a small machine.
 */
async function typeStripper(): Promise<Strip> {
  try {
    const { transformSync } = await import('rolldown/experimental');
    return (file, source) => {
      const result = transformSync(file, source, { lang: 'ts' });
      if (result.errors.length > 0) throw new Error(`${file}: ${result.errors[0]?.message}`);
      return result.code;
    };
  } catch {
    return (_file, source) =>
      ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, esModuleInterop: true },
      }).outputText;
  }
}

/**
 * The whole of src into `outDir/src`, types stripped file by file (checking them is the type
 * check's business), JSON copied: child processes run the gateway as it is in the checkout
 * without a build.
 */
export async function transpileSources(outDir: string): Promise<void> {
  const strip = await typeStripper();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  for (const file of readdirSync(join(REPO, 'src'), { recursive: true, encoding: 'utf8' })) {
    const from = join(REPO, 'src', file);
    if (file.endsWith('.json')) {
      mkdirSync(dirname(join(outDir, 'src', file)), { recursive: true });
      copyFileSync(from, join(outDir, 'src', file));
      continue;
    }
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.d.ts')) continue;
    const out = join(outDir, 'src', file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, strip(file, readFileSync(from, 'utf8')));
  }
}
