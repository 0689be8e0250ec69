// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The page: starts the wasm core, keeps the scenario in the URL, and recomputes on every
// change. All numbers come from the core (estimator.js); this file only wires things up.

import createGpumem from "../gpumem.mjs";
import { byTestId } from "./dom.js";
import { Estimator } from "./estimator.js";
import { toCsv, toJson, toMarkdown } from "./export.js";
import { formatParams } from "./format.js";
import { fillChoices, fillModelList, readForm, showRelevantInputs, sliderValue, writeForm } from "./form.js";
import { readConfigText, readModelFile } from "./model-file.js";
import {
  DEFAULT_SCENARIO, PRECISIONS, offers, scenarioFromLinkValues, scenarioTitle, scenarioToLinkValues,
} from "./scenario.js";
import { renderBreakdown, renderCompare, renderFits, renderGpuTable, renderHeadline } from "./view.js";
import { setUpEmbed } from "./embed.js";

const MAX_COMPARE = 4;
const locale = navigator.language || "en-US";
const state = { scenario: { ...DEFAULT_SCENARIO }, fileModel: null, compare: [], lastResult: null, firstPainted: false, editOpen: false };
let estimator;
let wasm;
let slowWork = 0;

/**
 * Starts the page with the wasm module `compiled` (a promise, compiling since main.js
 * began). Shows a message instead of a blank page when anything fails.
 */
export function start(compiled) {
  run(compiled).catch((error) => showMessage(`gpumem could not start: ${error.message}`));
}

async function run(compiled) {
  wasm = await createGpumem({
    locateFile: (name) => name,
    instantiateWasm(imports, receiveInstance) {
      compiled
        .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receiveInstance(instance, module)))
        .catch((error) => showMessage(`gpumem could not start its WebAssembly core: ${error.message}`));
      return {};
    },
  });
  estimator = new Estimator(wasm);
  fillChoices(estimator);
  byTestId("version").textContent = wasm.version();
  const embed = isEmbed();
  state.scenario = scenarioFromLocation();
  writeForm(state.scenario, modelName(state.scenario.model));
  wireInputs();
  if (embed) setUpEmbed(() => linkFor(state.scenario));
  update({ committed: false });
  setTimeout(() => fillModelList(estimator), 0);
  registerServiceWorker();
}

/** Whether the page is the compact widget (?embed=1 or embed=1 in the hash). */
function isEmbed() {
  const query = new URLSearchParams(location.search);
  return query.get("embed") === "1" || /(^|[#&])embed=1(&|$)/.test(location.hash);
}

/** The scenario of the link, validated by the core; defaults (and a message) when invalid. */
function scenarioFromLocation() {
  const fragment = location.hash.length > 1 ? location.hash : location.search;
  if (fragment.length <= 1) return { ...DEFAULT_SCENARIO };
  const decoded = wasm.decodeLink(fragment);
  if (!decoded.ok) {
    showMessage(`This link could not be used (${decoded.error.field}: ${decoded.error.message}) — showing the defaults instead.`, "link");
    return { ...DEFAULT_SCENARIO };
  }
  const scenario = scenarioFromLinkValues(decoded.values);
  const problem = unsupportedChoice(scenario);
  if (problem) {
    showMessage(`This link could not be used (${problem}) — showing the defaults instead.`, "link");
    return { ...DEFAULT_SCENARIO };
  }
  if (decoded.values.cmp) state.compare = compareFromLink(decoded.values.cmp);
  return scenario;
}

/** A message naming the first choice of a link the page does not offer, or "". */
function unsupportedChoice(s) {
  if (s.model && !estimator.modelById(s.model)) return `model: no catalog model “${s.model}”`;
  if (!estimator.gpuById(s.gpu)) return `gpu: no GPU “${s.gpu}” in the catalog`;
  if (!PRECISIONS.some((p) => p.id === s.prec)) return `precision: “${s.prec}” is not offered`;
  const selects = { task: "mode", kv: "kv-dtype", engine: "engine", attn: "attn", recipe: "recipe", optim: "optimizer", ckpt: "ckpt", zero: "sharding" };
  for (const [key, id] of Object.entries(selects)) {
    const options = [...byTestId(id).options].map((o) => [o.value]);
    if (!offers(options, s[key])) return `${id}: “${s[key]}” is not offered`;
  }
  if (!["gb", "gib"].includes(s.unit)) return "units: use gb or gib";
  return "";
}

function compareFromLink(text) {
  const entries = [];
  for (const piece of text.split("|").slice(0, MAX_COMPARE)) {
    const decoded = wasm.decodeLink(piece);
    if (!decoded.ok) continue;
    const scenario = scenarioFromLinkValues(decoded.values);
    if (!unsupportedChoice(scenario)) entries.push({ scenario });
  }
  return entries;
}

function modelName(id) {
  return id ? estimator.modelById(id)?.name ?? id : "";
}

/** The link fragment of a scenario, with the comparison when there is one. */
function linkFor(scenario, withCompare = true) {
  const values = scenarioToLinkValues(scenario);
  if (withCompare && state.compare.length) {
    values.cmp = state.compare.map((e) => wasm.encodeLink(scenarioToLinkValues(e.scenario))).join("|");
  }
  return wasm.encodeLink(values);
}

function wireInputs() {
  const form = byTestId("inputs");
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", (event) => onInput(event.target, false));
  form.addEventListener("change", (event) => onInput(event.target, true));
  for (const radio of document.querySelectorAll('input[name="unit"]')) radio.addEventListener("change", () => onInput(radio, true));
  byTestId("model-file").addEventListener("change", onFileChosen);
  byTestId("clear-file").addEventListener("click", forgetFile);
  const dropzone = byTestId("dropzone");
  dropzone.addEventListener("dragover", (event) => { event.preventDefault(); dropzone.classList.add("over"); });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("over");
    const file = event.dataTransfer?.files?.[0];
    if (file) loadFile(file);
  });
  byTestId("share").addEventListener("click", () => copyText(location.href, "Link copied"));
  byTestId("add-compare").addEventListener("click", addToCompare);
  byTestId("export-markdown").addEventListener("click", () => state.lastResult && copyText(toMarkdown(state.lastResult), "Markdown copied"));
  byTestId("export-csv").addEventListener("click", () => state.lastResult && copyText(toCsv(state.lastResult), "CSV copied"));
  byTestId("export-json").addEventListener("click", () => state.lastResult && copyText(toJson(state.lastResult), "JSON copied"));
  byTestId("copy-embed").addEventListener("click", () => copyText(byTestId("embed-snippet").value, "Snippet copied"));
  window.addEventListener("popstate", () => {
    clearMessage();
    state.scenario = scenarioFromLocation();
    writeForm(state.scenario, modelName(state.scenario.model));
    update({ committed: false, replace: false });
  });
}

/** Any input changed: sliders drive their number box; params and model exclude each other. */
function onInput(target, committed) {
  clearMessage();
  if (target.id === "context-range" || target.id === "batch-range") {
    byTestId(target.id === "context-range" ? "context" : "batch").value = String(sliderValue(target.id, target.value));
  }
  if (target.id === "params" && target.value.trim()) byTestId("model").value = "";
  if (target.id === "model" && target.value.trim()) byTestId("params").value = "";
  if (target.id === "config") return onConfigText(target.value, committed);
  if (target.id === "model-file") return;
  const read = readForm(state.scenario, estimator);
  // While a model name is being typed, wait for a match instead of complaining.
  if (read.error?.field === "model" && target.id === "model" && !committed) return;
  if (read.error) return showFieldError(read.error);
  state.scenario = read.scenario;
  if (target.id === "model" && committed) byTestId("model").value = modelName(state.scenario.model);
  if (target.id === "model" || target.id === "params") forgetFileModel();
  if (target.id === "context") byTestId("context-range").value = String(Math.log2(state.scenario.ctx));
  if (target.id === "batch") byTestId("batch-range").value = String(Math.log2(state.scenario.batch));
  update({ committed: committed });
}

function onConfigText(text, committed) {
  if (!text.trim()) {
    forgetFile();
    return;
  }
  const read = readConfigText(wasm, text);
  if (!read.ok) return showFieldError(read.error);
  setFileModel(read.model);
  update({ committed: committed });
}

async function onFileChosen(event) {
  const file = event.target.files?.[0];
  if (file) await loadFile(file);
}

async function loadFile(file) {
  showMessage(`Reading the header of ${file.name}…`, "info");
  const read = await readModelFile(wasm, file);
  if (!read.ok) return showFieldError(read.error);
  clearMessage();
  setFileModel(read.model);
  update({ committed: true });
}

/** Uses a model read from a file or a pasted config instead of the catalog. */
function setFileModel(model) {
  state.fileModel = model;
  byTestId("model").value = "";
  state.scenario.model = "";
  if (!model.configJson) state.scenario.params = String(model.params);
  byTestId("params").value = model.configJson ? "" : String(model.params);
  if (model.dominantDtype && offers(PRECISIONS, model.dominantDtype)) {
    state.scenario.prec = model.dominantDtype;
    byTestId("precision").value = model.dominantDtype;
  }
  byTestId("clear-file").hidden = false;
}

function forgetFileModel() {
  state.fileModel = null;
  byTestId("clear-file").hidden = true;
}

function forgetFile() {
  forgetFileModel();
  byTestId("model-file").value = "";
  byTestId("config").value = "";
  if (!state.scenario.model && !state.scenario.params) {
    state.scenario.model = DEFAULT_SCENARIO.model;
    byTestId("model").value = modelName(state.scenario.model);
  }
  update({ committed: true });
}

/** Recomputes and redraws; the headline at once, the sweeps and tables just after. */
function update({ committed, replace = true }) {
  document.body.dataset.ready = "false"; // until the tables and charts are redrawn too
  const s = state.scenario;
  const usesArchitecture = estimator.usesArchitecture(s, state.fileModel);
  showRelevantInputs(s, usesArchitecture);
  if (!usesArchitecture && !s.params) {
    return showFieldError({ field: "model", message: "Choose a model, or give a parameter count such as 70B." });
  }
  const result = estimator.estimate(s, state.fileModel);
  if (!result.ok) return showFieldError(result.error);
  clearMessage({ keepLinkMessage: true });
  state.lastResult = result;
  const gpu = estimator.gpuById(s.gpu);
  renderHeadline(result, s, gpu, locale);
  renderBreakdown(result, s, locale);
  renderModelFacts(result);
  if (replace) saveToUrl(committed);
  if (!state.firstPainted) {
    state.firstPainted = true;
    performance.mark("gpumem:first-result");
  }
  byTestId("embed-snippet").value = embedSnippet();
  scheduleSlowWork(gpu);
}

function renderModelFacts() {
  const facts = byTestId("model-facts");
  const file = state.fileModel;
  if (file) {
    facts.textContent = `${file.label}: ${formatCount(file.params)} parameters${file.modelType ? ` (${file.modelType})` : ""}${file.weightBytes ? `, ${file.tensorCount} tensors` : ""}`;
    return;
  }
  const model = estimator.modelById(state.scenario.model);
  facts.textContent = model ? `${formatCount(model.params)} parameters · ${model.family}${model.hfRepo ? ` · ${model.hfRepo}` : ""}` : "";
}

function formatCount(count) {
  return formatParams(count, locale);
}

/** The limits, charts, GPU table and comparison, after the headline has painted. */
function scheduleSlowWork(gpu) {
  const ticket = ++slowWork;
  setTimeout(() => {
    if (ticket !== slowWork) return;
    const s = state.scenario;
    if (!document.body.classList.contains("embed")) {
      renderFits(estimator, s, state.fileModel, gpu, locale);
      renderGpuTable(estimator, s, state.fileModel, locale);
      renderCompareTable();
    }
    document.body.dataset.ready = "true";
  }, 30);
}

function renderCompareTable() {
  const entries = state.compare.map((e) => ({
    title: scenarioTitle(e.scenario, modelName(e.scenario.model)),
    result: estimator.estimate(e.scenario, null),
  })).filter((e) => e.result.ok);
  renderCompare(entries, state.scenario.unit, locale, (index) => {
    state.compare.splice(index, 1);
    update({ committed: true });
  });
}

function addToCompare() {
  if (state.fileModel) return showMessage("A scenario from a local file cannot be kept in a comparison link; pick a catalog model.");
  if (state.compare.length >= MAX_COMPARE) state.compare.shift();
  state.compare.push({ scenario: { ...state.scenario } });
  update({ committed: true });
}

/**
 * Keeps the URL in step with the scenario. The first edit after a committed change opens a
 * new history entry, later keystrokes update it, and a change event closes it: so Back
 * steps through edits, not through keystrokes. The page's first paint replaces.
 */
function saveToUrl(committed) {
  const hash = `#${linkFor(state.scenario)}`;
  const url = `${location.pathname}${location.search}${hash}`;
  if (hash !== location.hash) {
    if (state.firstPainted && !state.editOpen) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    state.editOpen = state.firstPainted;
  }
  if (committed) state.editOpen = false;
}

function embedSnippet() {
  const base = `${location.origin === "null" ? "" : location.origin}${location.pathname}`;
  const src = `${base}?embed=1#${linkFor(state.scenario, false)}`;
  return `<iframe src="${src}" title="GPU memory calculator (gpumem)" width="100%" height="380" style="border:0;max-width:720px" loading="lazy"></iframe>\n`
    + `<script>addEventListener("message",e=>{if(e.data&&e.data.type==="gpumem:height")for(const f of document.querySelectorAll("iframe"))if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})</script>`;
}

async function copyText(text, done) {
  const status = byTestId("copy-status");
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = done;
  } catch {
    status.textContent = "Copying was not allowed; select the text and copy it yourself.";
  }
}

function showFieldError({ field, message }) {
  showMessage(`${field}: ${message}`, "field");
  document.body.classList.add("stale");
  slowWork += 1; // drop pending redraws of the previous scenario
  document.body.dataset.ready = "true";
}

function showMessage(text, kind = "error") {
  const banner = byTestId("message");
  banner.textContent = text;
  banner.dataset.kind = kind;
  banner.hidden = false;
}

/** Hides the banner; a message about the link stays until the reader edits something. */
function clearMessage({ keepLinkMessage = false } = {}) {
  const banner = byTestId("message");
  document.body.classList.remove("stale");
  if (keepLinkMessage && banner.dataset.kind === "link") return;
  banner.hidden = true;
  banner.textContent = "";
  document.body.classList.remove("stale");
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
