/**
 * Names that come from a config or a target (scenarios, variants, pass
 * labels) become parts of file paths. Only letters, digits, dots, dashes and
 * underscores are kept; a name can then neither leave its folder (`..`, `/`)
 * nor hide (a leading dot).
 */
export function safeFileName(name: string): string {
  const kept = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  return kept.length > 0 ? kept.slice(0, 120) : '_';
}
