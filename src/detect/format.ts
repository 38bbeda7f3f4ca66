/** Formatting for reason messages: people read them, so numbers and places are spelled out. */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const regions = new Intl.DisplayNames(['en'], { type: 'region' });

export function formatInt(n: number): string {
  return integer.format(n);
}

export function countryName(code: string | undefined): string {
  if (!code) return 'an unknown country';
  try {
    return regions.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

export function formatDuration(ms: number): string {
  const min = ms / 60_000;
  if (min < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (min < 120) return `${Math.round(min)} min`;
  const hours = min / 60;
  return hours < 48 ? `${Math.round(hours * 10) / 10} h` : `${Math.round(hours / 24)} days`;
}

export function pct(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function networkLabel(asn: number | undefined, org: string | undefined): string {
  if (asn === undefined) return 'an unknown network';
  return org ? `AS${asn} ${org}` : `AS${asn}`;
}
