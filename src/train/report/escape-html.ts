const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Makes any text safe inside HTML element content and quoted attribute values. Every string the
 * report did not write itself (file names, labels, feature texts) goes through it.
 *
 * @example
 * escapeHtml('<script>"x" & y'); // '&lt;script&gt;&quot;x&quot; &amp; y'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
