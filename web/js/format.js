// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// Numbers for people: bytes in GB (10^9) or GiB (2^30), counts and token lengths, in the
// reader's locale.

const GB = 1e9;
const GIB = 2 ** 30;

/** The byte unit a reader chose: "gb" (10^9) or "gib" (2^30). */
export function unitInfo(unit) {
  return unit === "gib" ? { divisor: GIB, label: "GiB" } : { divisor: GB, label: "GB" };
}

const formatters = new Map();

/** A cached Intl.NumberFormat with a fixed number of decimals (creating one is slow). */
function fixedDigits(locale, digits) {
  const key = `${locale}|${digits}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }));
  }
  return formatters.get(key);
}

/**
 * Bytes in the chosen unit with 2 decimals below 100 and 1 above, e.g. "16.06 GB"; an amount
 * that would read "0.00 GB" is written in MB (10^6) or MiB (2^20) instead, e.g. "0.77 MB".
 */
export function formatBytes(bytes, unit, locale) {
  if (!Number.isFinite(bytes)) return "—";
  const { divisor, label } = unitInfo(unit);
  if (bytes !== 0 && Math.abs(bytes / divisor) < 0.005) {
    const small = unit === "gib" ? { divisor: 2 ** 20, label: "MiB" } : { divisor: 1e6, label: "MB" };
    return `${fixedDigits(locale, 2).format(bytes / small.divisor)} ${small.label}`;
  }
  const value = bytes / divisor;
  const digits = Math.abs(value) >= 100 ? 1 : 2;
  return `${fixedDigits(locale, digits).format(value)} ${label}`;
}

/** Bytes in both units, e.g. "16.06 GB (14.96 GiB)". */
export function formatBothUnits(bytes, locale) {
  return `${formatBytes(bytes, "gb", locale)} (${formatBytes(bytes, "gib", locale)})`;
}

/** A whole number with the locale's digit grouping, e.g. "131,072". */
export function formatInteger(value, locale) {
  if (!Number.isFinite(value)) return "—";
  return fixedDigits(locale, 0).format(Math.round(value));
}

/** A parameter count as people write it: 8.03B, 494M, 1.5T. */
export function formatParams(count, locale) {
  if (!Number.isFinite(count) || count <= 0) return "—";
  /** @type {[number, string][]} */
  const units = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, suffix] of units) {
    if (count >= size) {
      const value = count / size;
      return `${value.toLocaleString(locale, { maximumFractionDigits: value >= 100 ? 0 : 2 })}${suffix}`;
    }
  }
  return formatInteger(count, locale);
}

/** A token count in short form for chart axes: 512, 8k, 128k, 1M. */
export function formatTokens(tokens) {
  if (tokens >= 1 << 20 && tokens % (1 << 20) === 0) return `${tokens / (1 << 20)}M`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}k`;
  if (tokens >= 1e6) return `${(tokens / 1e6).toFixed(1)}M`;
  if (tokens >= 1e3) return `${(tokens / 1e3).toFixed(1)}k`;
  return String(Math.round(tokens));
}

/** A percentage with at most one decimal, e.g. "83%" or "5.5%"; a share too small to show is "<0.1%". */
export function formatShare(percent, locale) {
  if (percent > 0 && percent < 0.05) return `<${fixedDigits(locale, 1).format(0.1)}%`;
  const rounded = Math.round(percent * 10) / 10;
  return `${fixedDigits(locale, Number.isInteger(rounded) ? 0 : 1).format(rounded)}%`;
}
