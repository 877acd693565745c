/**
 * The command the user typed to start the harness, as the usage text and the
 * replay lines show it: `npm run chaos --` under an npm script named `chaos`
 * (this repository's, or a user's script of that name), `npx chaos` through
 * the package's `chaos` bin from anywhere else, and this repository's
 * `npm run chaos --` when its CLI module is started directly.
 */
export function chaosCommand(env: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): string {
  if (env.npm_lifecycle_event === 'chaos') return 'npm run chaos --';
  // The bin as npm links it (node_modules/.bin/chaos) or as its file (bin/chaos.mjs, Windows' shims).
  if (/(^|[\\/])chaos(\.mjs)?$/.test(script)) return 'npx chaos';
  return 'npm run chaos --';
}
