// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Shows an estimate: the headline total, the verdict against the chosen GPUs, the
// breakdown, what fits, the charts, the GPU table and the comparison.

import { renderBar, renderTable } from "./breakdown.js";
import { logPoints, renderChart } from "./chart.js";
import { byTestId, h, replaceChildren } from "./dom.js";
import { perGpuBytes } from "./estimator.js";
import { formatBytes, formatInteger, formatTokens } from "./format.js";

/**
 * The core's verdict on the chosen GPUs (fit of the simple and inference estimates, fits
 * of training), with the per-GPU bytes and headroom the page shows next to it.
 */
export function verdictOf(result, scenario, gpu) {
  const perGpu = perGpuBytes(result);
  const replica = result.gpusPerReplica ?? 1;
  const capacity = gpu.memoryBytes;
  const fits = Boolean(result.fit ? result.fit.fits : result.fits);
  return { perGpu, capacity, headroom: capacity - perGpu, fits, replica, enoughGpus: scenario.gpus >= replica };
}

/** The headline: per-GPU total in the chosen unit and the other, and the overall total. */
export function renderHeadline(result, scenario, gpu, locale) {
  const v = verdictOf(result, scenario, gpu);
  const other = scenario.unit === "gb" ? "gib" : "gb";
  byTestId("total").textContent = formatBytes(v.perGpu, scenario.unit, locale);
  const gpusUsed = result.method === "simple" ? scenario.gpus : v.replica;
  const overall = gpusUsed > 1 ? ` · ${formatBytes(v.perGpu * gpusUsed, scenario.unit, locale)} over ${gpusUsed} GPUs` : "";
  byTestId("total-other").textContent = `= ${formatBytes(v.perGpu, other, locale)}${overall}`;
  renderVerdict(v, scenario, gpu, locale);
  renderGpusNeeded(result, scenario, gpu, v);
  byTestId("mobile-summary").textContent = `${formatBytes(v.perGpu, scenario.unit, locale)} per GPU · ${v.fits ? "fits" : "does not fit"} on ${scenario.gpus} × ${gpu.name}`;
}

function renderVerdict(v, scenario, gpu, locale) {
  const el = byTestId("verdict");
  el.classList.toggle("fits", v.fits);
  el.classList.toggle("no-fit", !v.fits);
  const where = `${scenario.gpus} × ${gpu.name}`;
  if (!v.enoughGpus) {
    replaceChildren(el, h("strong", {}, "Does not fit"), " ", h("span", {}, `the parallel layout needs ${v.replica} GPUs; ${where} chosen`));
    el.dataset.fits = "false";
    return;
  }
  const amount = formatBytes(Math.abs(v.headroom), scenario.unit, locale);
  const detail = v.fits ? `on ${where}, ${amount} headroom per GPU` : `on ${where}: ${amount} more per GPU needed`;
  replaceChildren(el, h("strong", {}, v.fits ? "Fits" : "Does not fit"), " ", h("span", {}, detail));
  el.dataset.fits = String(v.fits);
}

function renderGpusNeeded(result, scenario, gpu, v) {
  const el = byTestId("gpus-needed");
  if (result.method === "simple") {
    const needed = result.fit?.gpusNeeded ?? 0;
    el.textContent = needed > 0 ? `GPUs needed: ${needed} × ${gpu.name} (the model split evenly)` : `More than 100,000 × ${gpu.name} would be needed.`;
  } else if (result.gpusNeeded !== undefined) {
    el.textContent = result.gpusNeeded > 0 ? `GPUs needed: ${result.gpusNeeded} × ${gpu.name}` : `Does not fit on any number of ${gpu.name} with this setup.`;
  } else {
    el.textContent = `GPUs in use: ${v.replica} × ${gpu.name}` + (v.replica > 1 ? " (the parallel layout)" : "") + " — see “Which GPUs can run this” for other counts.";
  }
  if (result.cpuBytes > 0) el.textContent += ` · CPU RAM for the offloaded states: ${formatBytes(result.cpuBytes, scenario.unit, navigator.language)} per node`;
  el.dataset.count = String(result.method === "simple" ? result.fit?.gpusNeeded ?? 0 : result.gpusNeeded ?? v.replica);
}

/** The bar and the table. */
export function renderBreakdown(result, scenario, locale) {
  const total = result.components.reduce((sum, c) => sum + c.bytes, 0);
  renderBar(byTestId("bar"), result.components, total, scenario.unit, locale);
  renderTable(byTestId("breakdown").tBodies[0], result.components, total, scenario.unit, locale);
  byTestId("table-total").textContent = formatBytes(total, scenario.unit, locale);
  byTestId("method-note").textContent = result.method === "simple"
    ? "Parameter-count method: weights × (1 + overhead). Pick a catalog model or paste a config.json for an architecture-aware estimate with the KV cache and activations."
    : scenario.task === "inference" && scenario.engine !== "transformers"
      ? "Architecture-aware estimate with this engine's documented defaults (see each formula); the PyTorch/Transformers profile is the one calibrated on measured H100 runs."
      : `Architecture-aware estimate, calibrated on measured H100 runs; the CUDA context and the allocator's reserve are included, so it compares with nvidia-smi.${result.peakPhase ? ` The peak is ${result.peakPhase}.` : ""}`;
}

/** Longest context, largest batch, and the charts against context and batch. */
export function renderFits(estimator, scenario, fileModel, gpu, locale) {
  const limits = estimator.limits(scenario, fileModel);
  const maxContext = byTestId("max-context");
  const maxBatch = byTestId("max-batch");
  if (!limits || !limits.ok) {
    maxContext.textContent = maxBatch.textContent = "—";
  } else {
    maxContext.textContent = limits.maxContext === null ? "does not depend on context (parameter-count method)"
      : limits.maxContext > 0 ? `${formatInteger(limits.maxContext, locale)} tokens` : "none: even one token does not fit";
    if (limits.modelMaxPositions && limits.maxContext > limits.modelMaxPositions) {
      maxContext.textContent += ` (the model is trained for ${formatInteger(limits.modelMaxPositions, locale)})`;
    }
    maxBatch.textContent = limits.maxBatch > 0 ? `${formatInteger(limits.maxBatch, locale)} × ${formatInteger(scenario.ctx, locale)} tokens` : "none: one sequence does not fit";
    maxContext.dataset.value = String(limits.maxContext ?? "");
    maxBatch.dataset.value = String(limits.maxBatch);
  }
  const ctxHigh = Math.max(scenario.ctx, Math.min(1 << 20, Math.max(32768, (limits?.maxContext ?? 0) * 2)));
  const ctxPoints = logPoints(512, 2 ** Math.ceil(Math.log2(ctxHigh))).filter((x) => x > scenario.gen);
  renderChart(byTestId("context-chart"), {
    series: estimator.sweep(scenario, fileModel, "ctx", ctxPoints),
    capacityBytes: gpu.memoryBytes, currentX: scenario.ctx, unit: scenario.unit, formatX: formatTokens, xLabel: "context length (tokens)",
  });
  const batchHigh = 2 ** Math.ceil(Math.log2(Math.max(64, scenario.batch, Math.min(4096, (limits?.maxBatch ?? 0) * 2))));
  renderChart(byTestId("batch-chart"), {
    series: estimator.sweep(scenario, fileModel, "batch", logPoints(1, batchHigh)),
    capacityBytes: gpu.memoryBytes, currentX: scenario.batch, unit: scenario.unit, formatX: (x) => String(x), xLabel: "batch (sequences)",
  });
}

/** The "which GPUs can run this" table. */
export function renderGpuTable(estimator, scenario, fileModel, locale) {
  const table = estimator.gpuTable(scenario, fileModel);
  suggestSplit(table.find((row) => row.gpu.id === scenario.gpu), scenario);
  const rows = table.map(({ gpu, count, perGpuBytes: perGpu }) =>
    h("tr", { "data-gpu": gpu.id, class: gpu.id === scenario.gpu ? "current" : undefined },
      h("th", { scope: "row" }, gpu.name),
      h("td", { class: "num" }, formatBytes(gpu.memoryBytes, scenario.unit, locale)),
      h("td", { class: "num", "data-count": String(count) }, count > 0 ? formatInteger(count, locale) : "> 64"),
      h("td", { class: "num" }, count > 0 ? formatBytes(perGpu, scenario.unit, locale) : "—")));
  replaceChildren(byTestId("gpu-table").tBodies[0], ...rows);
}

/** When the scenario does not fit, says how many of the chosen GPU would run it. */
function suggestSplit(row, scenario) {
  const verdict = byTestId("verdict");
  const el = byTestId("suggestion");
  el.textContent = "";
  if (!row || verdict.dataset.fits !== "false") return;
  const how = scenario.task === "inference" ? "with tensor parallel" : "with this sharding";
  el.textContent = row.count > 0
    ? `It would fit on ${row.count} × ${row.gpu.name} ${how}.`
    : `Not even 64 × ${row.gpu.name} ${how} hold it; try a smaller precision, context or batch.`;
}

/** Up to four scenarios side by side: one column each, rows by component. */
export function renderCompare(entries, unit, locale, onRemove) {
  const table = byTestId("compare");
  byTestId("compare-empty").hidden = entries.length > 0;
  table.hidden = entries.length === 0;
  const names = [];
  for (const e of entries) for (const c of e.result.components) if (!names.some((n) => n.name === c.name)) names.push(c);
  const head = h("tr", {}, h("th", { scope: "col" }, "Component"), ...entries.map((e, i) => {
    const remove = h("button", { type: "button", class: "link-button", "aria-label": `Remove ${e.title}` }, "remove");
    remove.addEventListener("click", () => onRemove(i));
    return h("th", { scope: "col" }, h("span", {}, e.title), " ", remove);
  }));
  const rows = names.map((c) => h("tr", {}, h("th", { scope: "row" }, c.label), ...entries.map((e) => {
    const match = e.result.components.find((x) => x.name === c.name);
    return h("td", { class: "num" }, match ? formatBytes(match.bytes, unit, locale) : "—");
  })));
  rows.push(h("tr", { class: "total-row" }, h("th", { scope: "row" }, "Total per GPU"),
    ...entries.map((e) => h("td", { class: "num" }, formatBytes(perGpuBytes(e.result), unit, locale)))));
  replaceChildren(table.tHead, head);
  replaceChildren(table.tBodies[0], ...rows);
}
