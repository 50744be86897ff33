// Feature names and category levels come from client data, so every string from a report goes
// through here before it reaches the HTML. The same escaping is safe in text and in quoted attributes.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** Shortens a label to `max` characters (ellipsis included); the caller shows the full text as a tooltip. */
export function truncateLabel(text: string, max: number): string {
  const chars = Array.from(text); // by code point, so an emoji or accented level is never cut in half
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** How a level reads on screen: the empty string is the missing value, not an invisible label. */
export function displayLabel(label: string): string {
  return label === '' ? '(missing)' : label;
}
