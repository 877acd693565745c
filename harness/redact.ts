/**
 * Passwords never appear in output. Every message that may contain a
 * connection URL or a known secret goes through `redact` before it is shown
 * or written to disk.
 */

const knownSecrets = new Set<string>();

/** Remember a secret so that later messages mentioning it get it masked. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 3) knownSecrets.add(secret);
}

const MASK = '****';

/** Mask `user:password@` in URLs and every registered secret in free text. */
export function redact(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]*)@/gi, `$1:${MASK}@`);
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  return out;
}
