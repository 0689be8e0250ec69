// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The breakdown as text people paste elsewhere: a Markdown table, CSV, or the CLI's JSON.

/** A Markdown table: component, GB, GiB, formula. */
export function toMarkdown(result) {
  const rows = result.components.map((c) =>
    `| ${escapeCell(c.label)} | ${(c.bytes / 1e9).toFixed(2)} | ${(c.bytes / 2 ** 30).toFixed(2)} | ${escapeCell(c.formula ?? "")} |`);
  return [
    "| Component | GB | GiB | Formula |",
    "| --- | ---: | ---: | --- |",
    ...rows,
    `| **Total** | **${(result.totalBytes / 1e9).toFixed(2)}** | **${(result.totalBytes / 2 ** 30).toFixed(2)}** | |`,
  ].join("\n");
}

/** CSV with a header row; bytes exact. */
export function toCsv(result) {
  const rows = result.components.map((c) => [c.name, c.label, Math.round(c.bytes), c.formula ?? ""]);
  rows.push(["total", "Total", Math.round(result.totalBytes), ""]);
  return [["name", "label", "bytes", "formula"], ...rows].map((r) => r.map(csvField).join(",")).join("\n");
}

/** The CLI's --json shape: totalBytes, components [{name, bytes}], gpu, gpusNeeded, fits. */
export function toJson(result) {
  const out = {
    totalBytes: result.totalBytes,
    components: result.components.map((c) => ({ name: c.name, bytes: c.bytes })),
  };
  if (result.fit) {
    out.gpu = result.fit.gpuId;
    out.gpusNeeded = result.fit.gpusNeeded;
    out.fits = result.fit.fits;
  }
  return JSON.stringify(out, null, 2);
}

function escapeCell(text) {
  return String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
}

function csvField(value) {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
