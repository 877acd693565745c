#!/usr/bin/env node
// The `chaos` command (package.json "bin"). tsx is registered first, as `node --import tsx` does (its ESM
// and CommonJS hooks both), so that a user's chaos.config.ts and the targets it imports load as TypeScript,
// in an ES module project or a CommonJS one. Then the CLI runs: its source in a checkout of the repository
// (which runs from source, built or not), the compiled one in dist/ in an installed package (which ships no
// TypeScript source).
import 'tsx';
import { existsSync } from 'node:fs';

const source = new URL('../harness/cli/main.ts', import.meta.url);
const cli = existsSync(source) ? source : new URL('../dist/harness/cli/main.js', import.meta.url);
const { runCli } = await import(cli.href);
await runCli(process.argv.slice(2));
