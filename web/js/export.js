// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The breakdown as text people paste elsewhere: a Markdown table or CSV. ("Copy JSON"
// copies the core's answer as it is: the CLI's --json.)

/** @typedef {import("./core.js").Answer} Answer */

/** A Markdown table: component, GB, GiB, formula. @param {Answer} a */
export function toMarkdown(a) {
  const rows = a.components.map((/** @type {any} */ c) =>
    `| ${escapeCell(c.label)} | ${(c.bytes / 1e9).toFixed(2)} | ${(c.bytes / 2 ** 30).toFixed(2)} | ${escapeCell(c.formula ?? "")} |`);
  return [
    "| Component | GB | GiB | Formula |",
    "| --- | ---: | ---: | --- |",
    ...rows,
    `| **Total per GPU** | **${(a.totalBytes / 1e9).toFixed(2)}** | **${(a.totalBytes / 2 ** 30).toFixed(2)}** | |`,
  ].join("\n");
}

/** CSV with a header row; bytes exact. @param {Answer} a */
export function toCsv(a) {
  const rows = a.components.map((/** @type {any} */ c) => [c.name, c.label, c.bytes, c.formula ?? ""]);
  rows.push(["total", "Total per GPU", a.totalBytes, ""]);
  return [["name", "label", "bytes", "formula"], ...rows].map((r) => r.map(csvField).join(",")).join("\n");
}

/** @param {string} text */
function escapeCell(text) {
  return String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** @param {unknown} value */
function csvField(value) {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
