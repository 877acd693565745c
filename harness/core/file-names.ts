/**
 * Names that come from a config or a target (scenarios, variants, pass
 * labels) become parts of file paths. Only letters, digits, dots, dashes and
 * underscores are kept; a name can then neither leave its folder (`..`, `/`)
 * nor hide (a leading dot). A name that had to change gets a short hash of
 * itself, so two names never share a file (`a/b` and `a_b` stay apart).
 */
import { createHash } from 'node:crypto';

const MAX_LENGTH = 120;

export function safeFileName(name: string): string {
  const kept = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  const safe = kept.length > 0 ? kept.slice(0, MAX_LENGTH) : '_';
  if (safe === name) return safe;
  return `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}
