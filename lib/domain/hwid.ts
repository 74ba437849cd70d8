/** hw_id handling: MACs joined by `_`, normalised to upper case without separators (reference §3.1). */

const MAC = /^[0-9A-F]{12}$/;

/** Normalises one MAC: `52:54:00:ab:cd:ef` or `52-54-…` → `525400ABCDEF`; undefined when not a MAC. */
export function normaliseMac(text: string): string | undefined {
  const m = text
    .trim()
    .replace(/[:\-.]/g, '')
    .toUpperCase();
  return MAC.test(m) ? m : undefined;
}

/**
 * Splits an hw_id (`A_B_…`; iPXE leaves empty slots for missing NICs) into normalised MACs, dropping
 * empty slots and duplicates. Returns the MACs and the parts that were not MACs.
 */
export function parseHwId(hwId: string): { macs: string[]; bad: string[] } {
  const macs: string[] = [];
  const bad: string[] = [];
  for (const part of hwId.split('_')) {
    if (part.trim() === '') continue;
    const mac = normaliseMac(part);
    if (!mac) bad.push(part);
    else if (!macs.includes(mac)) macs.push(mac);
  }
  return { macs, bad };
}
