#!/usr/bin/env node
// The `chaos` command (package.json "bin"): the TypeScript CLI run through tsx, as `npm run chaos` does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
