// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// Shows an answer of the core: the headline total, the verdict, the breakdown, what fits,
// the charts, the GPU table and the comparison. Every number is the core's; this file only
// formats and draws.

import { renderBar, renderTable } from "./breakdown.js";
import { logPoints, renderChart } from "./chart.js";
import { byTestId, h, replaceChildren } from "./dom.js";
import { formatBytes, formatInteger, formatParams, formatTokens } from "./format.js";

/** @typedef {import("./core.js").Answer} Answer */

/** @param {string} id */
function el(id) {
  return /** @type {HTMLElement} */ (byTestId(id));
}

/** The headline: total per GPU, the verdict, the GPUs in use and needed. @param {Answer} a @param {string} unit @param {string} locale */
export function renderHeadline(a, unit, locale) {
  const other = unit === "gb" ? "gib" : "gb";
  const gpuName = a.gpu.name;
  el("total").textContent = formatBytes(a.totalBytes, unit, locale);
  const job = a.jobBytes !== null && a.gpusInUse > 1 ? ` · ${formatBytes(a.jobBytes, unit, locale)} over ${a.gpusInUse} GPUs` : "";
  el("total-other").textContent = `= ${formatBytes(a.totalBytes, other, locale)}${job}`;
  const verdict = el("verdict");
  verdict.classList.toggle("fits", a.fits);
  verdict.classList.toggle("no-fit", !a.fits);
  verdict.dataset.fits = String(a.fits);
  const where = `${a.gpusInUse} × ${gpuName}`;
  const amount = formatBytes(Math.abs(a.headroomBytes), unit, locale);
  const detail = a.fits ? `on ${where}: ${amount} headroom per GPU` : `on ${where}: short by ${amount} per GPU`;
  verdict.dataset.borderline = String(Boolean(a.borderline));
  replaceChildren(verdict, h("strong", {}, a.fits ? "Fits" : "Does not fit"), " ", h("span", {}, detail),
    h("span", { class: "capacity" }, ` (each may use ${formatBytes(a.capacityBytes, unit, locale)}: ${a.capacityFormula})`),
    a.borderline ? h("span", { class: "borderline", "data-testid": "borderline" }, ` ${a.borderlineNote}.`) : "");
  renderGpus(a, unit, locale);
  // What the engine preallocates for the KV cache, in its own words (the core's sentence).
  const pool = el("kv-pool");
  pool.hidden = !a.kvCacheSummary;
  pool.textContent = a.kvCacheSummary ? `${a.kvCacheSummary}.` : "";
  pool.dataset.tokens = String(a.kvCacheTokens ?? "");
  renderAllocatorView(a, unit, locale);
  el("mobile-summary").textContent = `${formatBytes(a.totalBytes, unit, locale)} per GPU · ${a.fits ? "fits" : "does not fit"} on ${where}`;
}

/**
 * What nvidia-smi will show (PyTorch's reserve plus the CUDA context) and, for a run
 * replayed through the caching-allocator model, the least memory it runs in: the core's
 * nvidiaSmiBytes and minimumCapacityBytes, where the answer has them.
 * @param {Answer} a @param {string} unit @param {string} locale
 */
function renderAllocatorView(a, unit, locale) {
  const line = el("allocator-view");
  const smi = a.nvidiaSmiBytes ?? null;
  const least = a.minimumCapacityBytes ?? null;
  line.hidden = smi === null;
  line.dataset.nvidiaSmi = String(smi ?? "");
  line.dataset.minimumCapacity = String(least ?? "");
  line.dataset.expandableNvidiaSmi = String(a.expandableNvidiaSmiBytes ?? "");
  if (smi === null) {
    replaceChildren(line);
    return;
  }
  const expandable = a.expandableNvidiaSmiBytes ?? null;
  replaceChildren(line, "nvidia-smi will show ", h("strong", { "data-testid": "nvidia-smi" }, formatBytes(smi, unit, locale)),
    least === null ? "." : " · needs at least ", least === null ? "" : h("strong", { "data-testid": "minimum-capacity" }, formatBytes(least, unit, locale)),
    least === null ? "" : " of GPU memory.",
    expandable === null ? "" : h("span", { class: "expandable", "data-testid": "expandable-segments" },
      " With PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True: ",
      h("strong", { "data-testid": "expandable-nvidia-smi" }, formatBytes(expandable, unit, locale)),
      a.expandableSavingBytes > 0 ? ` (${formatBytes(a.expandableSavingBytes, unit, locale)} less).` : " (no less: what the allocator holds at the peak is not freed by growing segments)."));
}

/** @param {Answer} a @param {string} unit @param {string} locale */
function renderGpus(a, unit, locale) {
  const gpus = el("gpus-needed");
  let text = `GPUs in use: ${a.gpusInUse} of ${a.gpuCount} (${a.layout}).`;
  if (a.gpusNeeded > 0) text += ` GPUs needed: ${a.gpusNeeded} × ${a.gpu.name}.`;
  else if (a.gpusNeeded === 0) text += ` No number of ${a.gpu.name} runs it this way.`;
  if (a.cpuBytes > 0) text += ` CPU RAM: ${formatBytes(a.cpuBytes, unit, locale)} per node.`;
  if (a.nvmeBytes > 0) text += ` NVMe: ${formatBytes(a.nvmeBytes, unit, locale)} per node.`;
  gpus.textContent = text;
  gpus.dataset.count = String(a.gpusNeeded ?? "");
}

/**
 * When it does not fit: how many GPUs would run it, and the core's suggestions as buttons,
 * each with what it saves (every one estimated again by the core).
 * @param {Answer} a @param {string} unit @param {string} locale @param {(changes: Record<string, string>) => void} onApply
 */
export function renderSuggestions(a, unit, locale, onApply) {
  const suggestion = el("suggestion");
  replaceChildren(suggestion);
  if (a.fits || a.gpusNeeded < 0) return;
  const lead = a.gpusNeeded > 0
    ? `It would fit on ${a.gpusNeeded} × ${a.gpu.name} (${howItSplits(a)}).`
    : `No number of ${a.gpu.name} holds it ${howItSplits(a)}.`;
  const buttons = (a.suggestions ?? []).map((/** @type {any} */ s) => {
    const button = h("button", { type: "button", class: "advice", "data-fits": String(s.fits) },
      h("span", {}, s.label), " ",
      h("small", {}, `${formatBytes(s.totalBytes, unit, locale)} per GPU${s.fits ? " — fits" : ""}`));
    button.addEventListener("click", () => onApply(s.changes));
    return h("li", {}, button);
  });
  replaceChildren(suggestion, h("span", {}, lead), buttons.length ? h("ul", { class: "advice-list", "data-testid": "advice" }, ...buttons) : "");
}

/** How the fewest-GPUs search splits the model, in words. @param {Answer} a */
function howItSplits(a) {
  if (a.method === "parameter-count") return "split evenly";
  if (a.peakPhase) return "with this sharding";
  return a.layout.startsWith("layers") || a.gpusPerReplica === 1 ? "layers split over the GPUs, or tensor parallel" : "tensor parallel";
}

/**
 * What the total stands for, from the rows the core put in it: "what nvidia-smi shows" only
 * where the breakdown holds a CUDA context (an engine on a Mac, or one that preallocates,
 * has none). @param {Answer} a
 */
function runtimeNote(a) {
  const has = (/** @type {string} */ name) => a.components.some((c) => c.name === name);
  if (!has("cuda_context")) return "";
  return has("allocator_reserve")
    ? " of what nvidia-smi shows (CUDA context and allocator reserve included)"
    : " of what nvidia-smi shows (CUDA context included)";
}

/** The bar, the table and the notes. @param {Answer} a @param {string} unit @param {string} locale */
export function renderBreakdown(a, unit, locale) {
  renderBar(el("bar"), a.components, unit, locale);
  renderTable(/** @type {HTMLTableElement} */ (el("breakdown")).tBodies[0], a.components, unit, locale);
  el("table-total").textContent = formatBytes(a.totalBytes, unit, locale);
  const method = a.method === "parameter-count"
    ? "Parameter-count method: weights × (1 + overhead). Pick a catalog model or paste a config.json for an architecture-aware estimate with the KV cache and activations."
    : `Architecture-aware estimate${runtimeNote(a)}${a.peakPhase ? `; the peak is at the ${a.peakPhase}` : ""}.`;
  el("method-note").textContent = [method, ...a.notes.map((n) => `${n[0].toUpperCase()}${n.slice(1)}.`)].join(" ");
}

/** The model line under the model box. @param {Answer} a @param {string} locale */
export function renderModelFacts(a, locale) {
  const parts = [`${a.model.label}: ${formatParams(a.model.parameters, locale)} parameters`];
  if (a.model.modelType) parts.push(a.model.modelType);
  if (a.model.maxPositions > 0) parts.push(`trained for ${formatInteger(a.model.maxPositions, locale)} tokens`);
  el("model-facts").textContent = parts.join(" · ");
}

/**
 * Longest context, largest batch and the charts. @param {import("./core.js").Core} core
 * @param {Record<string, string>} values @param {Answer} a @param {string} unit @param {string} locale
 */
export function renderFits(core, values, a, unit, locale) {
  const maxContext = el("max-context");
  const maxBatch = el("max-batch");
  maxContext.textContent = a.maxContext === null ? "does not depend on context (parameter-count method)"
    : a.maxContext > 0 ? `${formatInteger(a.maxContext, locale)} tokens` : "none: even the shortest context does not fit";
  if (a.maxContext > a.model.maxPositions && a.model.maxPositions > 0) {
    maxContext.textContent += ` (the model is trained for ${formatInteger(a.model.maxPositions, locale)})`;
  }
  maxBatch.textContent = a.maxBatch === null ? "does not depend on the batch (parameter-count method)"
    : a.maxBatch > 0 ? `${formatInteger(a.maxBatch, locale)} × ${formatInteger(Number(values.contextLength), locale)} tokens` : "none: one sequence does not fit";
  maxContext.dataset.value = String(a.maxContext ?? "");
  maxBatch.dataset.value = String(a.maxBatch ?? "");
  const context = Number(values.contextLength);
  const ctxHigh = Math.max(context, Math.min(1 << 20, Math.max(32768, (a.maxContext ?? 0) * 2)));
  const ctxPoints = logPoints(512, 2 ** Math.ceil(Math.log2(ctxHigh)));
  renderChart(el("context-chart"), {
    series: a.maxContext === null ? [] : core.sweep(values, "contextLength", ctxPoints),
    capacityBytes: a.capacityBytes, currentX: context, unit, formatX: formatTokens, xLabel: "context length (tokens)",
  });
  const batch = Number(values.batch);
  const batchHigh = 2 ** Math.ceil(Math.log2(Math.max(64, batch, Math.min(4096, (a.maxBatch ?? 0) * 2))));
  renderChart(el("batch-chart"), {
    series: a.maxBatch === null ? [] : core.sweep(values, "batch", logPoints(1, batchHigh)),
    capacityBytes: a.capacityBytes, currentX: batch, unit, formatX: (/** @type {number} */ x) => String(x), xLabel: "batch (sequences)",
  });
}

/** "Which GPUs can run this", fitting GPUs first. @param {any[]} rows @param {string} current @param {string} unit @param {string} locale */
export function renderGpuTable(rows, current, unit, locale) {
  const body = rows.map((row) => h("tr", { "data-gpu": row.gpuId, "data-fits": String(row.gpusNeeded > 0), class: row.gpuId === current ? "current" : undefined },
    h("th", { scope: "row" }, row.gpuName),
    h("td", { class: "num" }, formatBytes(row.memoryBytes, unit, locale)),
    h("td", { class: "num", "data-count": String(row.gpusNeeded) }, row.gpusNeeded > 0 ? `✓ ${formatInteger(row.gpusNeeded, locale)}` : "✗ none"),
    h("td", { class: "num" }, row.gpusNeeded > 0 ? formatBytes(row.perGpuBytes, unit, locale) : "—")));
  replaceChildren(/** @type {HTMLTableElement} */ (el("gpu-table")).tBodies[0], ...body);
}

/**
 * "Each fine-tuning stack on this GPU": the core's rows, or its reason when no stack applies.
 * @param {any} result @param {string} current @param {string} unit @param {string} locale
 * @param {(stack: string) => void} onUse
 */
export function renderStackTable(result, current, unit, locale, onUse) {
  const table = /** @type {HTMLTableElement} */ (el("stack-table"));
  const reason = el("stacks-reason");
  const rows = Array.isArray(result) ? result : [];
  reason.hidden = rows.length > 0;
  reason.textContent = result.error ? result.error.message : "";
  table.hidden = rows.length === 0;
  const body = rows.map((row) => {
    const name = h("th", { scope: "row" }, row.label);
    if (row.stack !== current) {
      const use = h("button", { type: "button", class: "link-button", "aria-label": `Use ${row.label}` }, "use");
      use.addEventListener("click", () => onUse(row.stack));
      name.append(" ", use);
    }
    const limit = (/** @type {number} */ n) => (n > 0 ? formatInteger(n, locale) : "✗ none");
    return h("tr", { "data-stack": row.stack, "data-fits": String(row.fits), class: row.stack === current ? "current" : undefined },
      name,
      h("td", {}, row.checkpointing),
      h("td", { class: "num" }, `${row.fits ? "✓" : "✗"} ${formatBytes(row.perGpuBytes, unit, locale)}`),
      h("td", { class: "num", "data-limit": String(row.maxContext) }, limit(row.maxContext)),
      h("td", { class: "num", "data-limit": String(row.maxBatch) }, limit(row.maxBatch)),
      h("td", { class: "num" }, row.cpuBytes > 0 ? formatBytes(row.cpuBytes, unit, locale) : "—"));
  });
  replaceChildren(table.tBodies[0], ...body);
}

/**
 * Up to four scenarios side by side. @param {{title: string, answer: Answer}[]} entries
 * @param {string} unit @param {string} locale @param {(index: number) => void} onRemove
 */
export function renderCompare(entries, unit, locale, onRemove) {
  const table = /** @type {HTMLTableElement} */ (el("compare"));
  el("compare-empty").hidden = entries.length > 0;
  table.hidden = entries.length === 0;
  /** @type {import("./core.js").Component[]} */
  const names = [];
  for (const e of entries) for (const c of e.answer.components) if (!names.some((n) => n.name === c.name)) names.push(c);
  const head = h("tr", {}, h("th", { scope: "col" }, "Component"), ...entries.map((e, i) => {
    const remove = h("button", { type: "button", class: "link-button", "aria-label": `Remove ${e.title}` }, "remove");
    remove.addEventListener("click", () => onRemove(i));
    return h("th", { scope: "col" }, h("span", {}, e.title), " ", remove);
  }));
  const rows = names.map((c) => h("tr", {}, h("th", { scope: "row" }, c.label), ...entries.map((e) => {
    const match = e.answer.components.find((/** @type {any} */ x) => x.name === c.name);
    return h("td", { class: "num" }, match ? formatBytes(match.bytes, unit, locale) : "—");
  })));
  rows.push(h("tr", { class: "total-row" }, h("th", { scope: "row" }, "Total per GPU"),
    ...entries.map((e) => h("td", { class: "num" }, formatBytes(e.answer.totalBytes, unit, locale)))));
  replaceChildren(/** @type {HTMLElement} */ (table.tHead), head);
  replaceChildren(table.tBodies[0], ...rows);
}

/** Blanks every number while the inputs hold an error, so none belongs to another scenario. */
export function renderNoAnswer() {
  el("total").textContent = "—";
  el("total-other").textContent = "";
  const verdict = el("verdict");
  verdict.classList.remove("fits", "no-fit");
  verdict.dataset.fits = "";
  replaceChildren(verdict, h("strong", {}, "No answer"), " ", h("span", {}, "until the highlighted input is fixed"));
  el("allocator-view").hidden = true;
  for (const id of ["gpus-needed", "suggestion", "method-note", "mobile-summary", "table-total"]) el(id).textContent = "";
  replaceChildren(el("bar"));
  replaceChildren(/** @type {HTMLTableElement} */ (el("breakdown")).tBodies[0]);
}
