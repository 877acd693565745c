#!/usr/bin/env node
// `npm run build` (run by `npm pack` through prepack): the package's JavaScript and type declarations in
// dist/, compiled by tsconfig.build.json, with the files the compiled modules read beside them. The
// repository itself runs from source (tsx); only the package needs dist/.
//
// It compiles into a folder of its own and then takes dist/'s place, so two builds at once (two test
// runs) never mix their files.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Files the compiled modules read at run time, not imported: copied to the same place under dist/. */
const ASSETS = ['reports/html/client', 'harness/cli/init-templates'];

const out = mkdtempSync(join(ROOT, '.dist-'));
try {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(
    process.execPath,
    [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out],
    {
      stdio: 'inherit',
    },
  );
  if (compiled.status !== 0) throw new Error(`tsc exited with ${compiled.status ?? compiled.signal}`);
  for (const asset of ASSETS) cpSync(join(ROOT, asset), join(out, asset), { recursive: true });
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  renameSync(out, join(ROOT, 'dist'));
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  console.error(`build failed: ${error.message}`);
  process.exit(1);
}
