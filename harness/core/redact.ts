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

/**
 * Mask every registered secret, then `user:password@` in URLs (up to the
 * last `@`: a password may hold an unescaped one) and `password=` parameters
 * (`?password=`, libpq's `password=`, `sslpassword=`). Secrets go first, so
 * masking a URL's userinfo cannot cut a known password in two and leave its
 * tail readable.
 */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  return (
    out
      .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):(\S*)@/gi, `$1:${MASK}@`)
      // A libpq value may be quoted, with spaces and escaped quotes inside.
      .replace(/\b((?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^&\s]*)/gi, `$1${MASK}`)
  );
}
