// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The page: starts the wasm core, keeps the scenario in the URL, and asks the core again on
// every change. The core owns every number, verdict and rule; this file wires DOM and state.

import createGpumem from "../gpumem.mjs";
import { Core, NotRecorded, recordedModule } from "./core.js";
import { byTestId } from "./dom.js";
import { setUpEmbed } from "./embed.js";
import { toCsv, toMarkdown } from "./export.js";
import { fillFromSchema, fillModelList, markInvalid, readForm, setSlider, showApplicability, showAutoValues, sliderValue, writeForm } from "./form.js";
import { loadFromHub } from "./hub.js";
import { readModelFile } from "./model-file.js";
import { renderTimeline } from "./timeline-chart.js";
import { renderBreakdown, renderCompare, renderFits, renderGpuTable, renderHeadline, renderModelFacts, renderNoAnswer, renderStackTable, renderSuggestions } from "./view.js";

const MAX_COMPARE = 4;
const locale = navigator.language || "en-US";

/**
 * @typedef {Record<string, string>} Values
 * @type {{values: Values, modelId: string, config: string, file: string, fileLabel: string,
 *   compare: string[], answer: any, deepText: string, firstPainted: boolean, editOpen: boolean, embed: boolean}}
 */
const state = {
  values: {}, modelId: "", config: "", file: "", fileLabel: "", compare: [], answer: null, deepText: "",
  firstPainted: false, editOpen: false, embed: false,
};
/** @type {Core} */
let core;
let slowWork = 0;
/** Whether `core` is the module itself, not the first visit's recording of it. */
let moduleReady = false;

/**
 * Starts the page with the wasm module that `compile` compiles (once; a link's visit began
 * it already). With `recorded`, the module's own answers for the default scenario, the first
 * result is drawn from them at once and the module is fetched after it; the page's controls
 * stay inert until the module has taken over. Shows a message instead of a blank page when
 * anything fails.
 * @param {() => Promise<WebAssembly.Module>} compile
 * @param {Record<string, string> | null} recorded
 */
export function start(compile, recorded) {
  run(compile, recorded).catch((error) => showMessage(`gpumem could not start: ${error.message}`));
}

/** @param {() => Promise<WebAssembly.Module>} compile @param {Record<string, string> | null} recorded */
async function run(compile, recorded) {
  let answered = false;
  if (recorded) {
    setWaitingForModule(true);
    core = new Core(recordedModule(recorded));
    setUpPage();
    answered = answerFromRecording();
    await new Promise((painted) => requestAnimationFrame(() => setTimeout(painted, 0)));
  }
  core = new Core(await instantiate(compile()));
  moduleReady = true;
  if (!recorded) setUpPage();
  if (answered) scheduleSlowWork(scenarioValues());
  else update({ committed: false });
  setWaitingForModule(false);
  registerServiceWorker();
}

/**
 * While the first result is the recording's, the controls that would ask the module are
 * inert (the answer stays readable, to screen readers too) and the result is marked busy.
 * @param {boolean} waiting
 */
function setWaitingForModule(waiting) {
  const controls = '[data-testid="units"], [data-testid="inputs"], [data-testid="suggestion"], .results .actions, .results > section';
  for (const element of document.querySelectorAll(controls)) /** @type {HTMLElement} */ (element).inert = waiting;
  document.getElementById("result")?.setAttribute("aria-busy", String(waiting));
}

/**
 * The first result from the recording; false when it lacks a call this page made (a page
 * and a recording of different builds), and the module answers instead.
 */
function answerFromRecording() {
  try {
    update({ committed: false });
    return true;
  } catch (error) {
    if (error instanceof NotRecorded) return false;
    throw error;
  }
}

/** The module, instantiated from its compiled form. @param {Promise<WebAssembly.Module>} compiled */
function instantiate(compiled) {
  return createGpumem({
    locateFile: (/** @type {string} */ name) => name,
    instantiateWasm(/** @type {any} */ imports, /** @type {any} */ receiveInstance) {
      compiled
        .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receiveInstance(instance, module)))
        .catch((error) => showMessage(`gpumem could not start its WebAssembly core: ${error.message}`));
      return {};
    },
  });
}

/** The form from the schema, the scenario of the address, and the inputs' handlers. */
function setUpPage() {
  fillFromSchema(core);
  byTestId("version").textContent = core.schema.version;
  state.embed = isEmbed();
  applyValues(valuesFromLocation());
  wireInputs();
  if (state.embed) setUpEmbed(() => linkFor(false));
  setTimeout(() => fillModelList(core), 0);
}

/** Whether the page is the compact widget (?embed=1 or embed=1 in the hash). */
function isEmbed() {
  const query = new URLSearchParams(location.search);
  return query.get("embed") === "1" || /(^|[#&])embed=1(&|$)/.test(location.hash);
}

/** The values of the link (validated by the core); the defaults, and a message, when invalid. */
function valuesFromLocation() {
  const fragment = location.hash.length > 1 ? location.hash : location.search;
  if (fragment.length <= 1) return core.defaults();
  const decoded = core.decodeLink(fragment);
  if (decoded.error) {
    showMessage(`This link could not be used (${decoded.error.field}: ${decoded.error.message}) — showing the defaults instead.`, "link");
    return core.defaults();
  }
  state.compare = decoded.compare;
  return valuesWithModelChoice(decoded.values);
}

/** Link values over the defaults; a link that names a parameter count and no model means it. @param {Values} values */
function valuesWithModelChoice(values) {
  const merged = { ...core.defaults(), ...values };
  if (values.params && !("model" in values)) merged.model = "";
  return merged;
}

/** Shows `values` in the inputs. @param {Values} values */
function applyValues(values) {
  state.values = values;
  state.modelId = values.model ?? "";
  writeForm(core, values);
}

/**
 * Every value the core needs: the inputs, and a pasted config or a file's description.
 * @returns {Values}
 */
function scenarioValues() {
  return { ...state.values, config: state.config, file: state.file };
}

/** The link fragment of the scenario, with the comparison when asked. @param {boolean} withCompare */
function linkFor(withCompare = true) {
  return core.encodeLink(state.values, withCompare ? state.compare : []);
}

function wireInputs() {
  const form = /** @type {HTMLFormElement} */ (byTestId("inputs"));
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", (event) => onInput(/** @type {HTMLInputElement} */ (event.target), false));
  form.addEventListener("change", (event) => onInput(/** @type {HTMLInputElement} */ (event.target), true));
  for (const radio of document.querySelectorAll('input[name="unit"]')) {
    radio.addEventListener("change", () => onInput(/** @type {HTMLInputElement} */ (radio), true));
  }
  byTestId("clear-file").addEventListener("click", forgetFile);
  byTestId("hub-load").addEventListener("click", loadHubModel);
  // The model box keeps its focus, so no "unknown model" message moves the button mid-click.
  byTestId("hub-load").addEventListener("mousedown", (event) => event.preventDefault());
  const dropzone = /** @type {HTMLElement} */ (byTestId("dropzone"));
  dropzone.addEventListener("dragover", (event) => { event.preventDefault(); dropzone.classList.add("over"); });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("over");
    const file = event.dataTransfer?.files?.[0];
    if (file) loadFile(file);
  });
  byTestId("share").addEventListener("click", copyLink);
  byTestId("add-compare").addEventListener("click", addToCompare);
  byTestId("export-markdown").addEventListener("click", () => state.answer && copyText(toMarkdown(state.answer), "Markdown copied"));
  byTestId("export-csv").addEventListener("click", () => state.answer && copyText(toCsv(state.answer), "CSV copied"));
  byTestId("export-json").addEventListener("click", () => state.answer && copyText(deepText(), "JSON copied"));
  byTestId("copy-embed").addEventListener("click", () => copyText(/** @type {HTMLTextAreaElement} */ (byTestId("embed-snippet")).value, "Snippet copied"));
  window.addEventListener("popstate", () => {
    clearMessage();
    applyValues(valuesFromLocation());
    update({ committed: false, replace: false });
  });
}

/** Any input changed. @param {HTMLInputElement} target @param {boolean} committed */
function onInput(target, committed) {
  if (target.id === "model-file") {
    if (committed && target.files?.[0]) loadFile(target.files[0]);
    return;
  }
  if (target.id === "config") return onConfigText(target.value, committed);
  const slider = target.dataset.sliderFor;
  if (slider) {
    /** @type {HTMLInputElement} */ (document.querySelector(`[data-field="${slider}"]`)).value = sliderValue(target.value);
  }
  if (target.id === "model" && !onModelText(target.value, committed)) return;
  if (target.id === "params" && target.value.trim()) {
    state.modelId = "";
    /** @type {HTMLInputElement} */ (byTestId("model")).value = "";
  }
  if (target.id === "model" || target.id === "params") forgetFileModel();
  state.values = readForm(core, state.modelId);
  if (target.dataset.field === "contextLength" || target.dataset.field === "batch") setSlider(target.dataset.field, target.value);
  update({ committed });
}

/**
 * The model box: a name, id or Hub id the core recognises becomes the model; while typing,
 * an unknown text waits for more, and a committed one is an error naming the field.
 * @param {string} text @param {boolean} committed @returns {boolean} whether to recompute
 */
function onModelText(text, committed) {
  if (state.fileLabel && text.trim() === state.fileLabel) return false; // the Hub model loaded
  if (!text.trim()) {
    state.modelId = "";
    return true;
  }
  const found = core.findModel(text);
  if (found.error) {
    if (committed) showFieldError(found.error);
    return false;
  }
  state.modelId = found.id;
  /** @type {HTMLInputElement} */ (byTestId("params")).value = "";
  if (committed) /** @type {HTMLInputElement} */ (byTestId("model")).value = found.name;
  return true;
}

/** @param {string} text @param {boolean} committed */
function onConfigText(text, committed) {
  if (!text.trim()) return forgetFile();
  state.config = text;
  state.file = "";
  state.fileLabel = "config.json";
  /** @type {HTMLElement} */ (byTestId("clear-file")).hidden = false;
  update({ committed });
}

/** @param {File} file */
async function loadFile(file) {
  showMessage(`Reading the header of ${file.name}…`, "info");
  const read = await readModelFile(core, file);
  if ("error" in read) return showFieldError(read.error);
  clearMessage();
  if (read.field === "config") {
    state.config = read.text;
    state.file = "";
  } else {
    state.file = read.text;
    const precision = JSON.parse(read.text).precision;
    if (precision) /** @type {HTMLSelectElement} */ (byTestId("precision")).value = precision;
  }
  state.fileLabel = read.label;
  /** @type {HTMLElement} */ (byTestId("clear-file")).hidden = false;
  state.values = readForm(core, state.modelId);
  update({ committed: true });
}

/** "Load from the Hub": the model box's text as a Hub id, fetched only now. */
async function loadHubModel() {
  const id = /** @type {HTMLInputElement} */ (byTestId("model")).value;
  showMessage(`Loading ${id.trim()} from the Hugging Face Hub…`, "info");
  const read = await loadFromHub(core, id);
  if ("error" in read) return showFieldError(read.error);
  clearMessage();
  state.config = read.config;
  state.file = read.file;
  if (read.file) {
    const precision = JSON.parse(read.file).precision;
    if (precision) /** @type {HTMLSelectElement} */ (byTestId("precision")).value = precision;
  }
  state.fileLabel = read.label;
  /** @type {HTMLElement} */ (byTestId("clear-file")).hidden = false;
  state.values = readForm(core, state.modelId);
  update({ committed: true });
}

function forgetFileModel() {
  state.file = state.config = state.fileLabel = "";
  /** @type {HTMLElement} */ (byTestId("clear-file")).hidden = true;
}

function forgetFile() {
  forgetFileModel();
  /** @type {HTMLInputElement} */ (byTestId("model-file")).value = "";
  /** @type {HTMLTextAreaElement} */ (byTestId("config")).value = "";
  if (!state.modelId && !state.values.params) {
    state.modelId = core.defaults().model;
    /** @type {HTMLInputElement} */ (byTestId("model")).value = core.modelName(state.modelId);
  }
  state.values = readForm(core, state.modelId);
  update({ committed: true });
}

/**
 * Asks the core and redraws: the headline at once, the searches, charts and tables just
 * after. An error blanks every number until it is fixed.
 * @param {{committed: boolean, replace?: boolean}} options
 */
function update({ committed, replace = true }) {
  document.body.dataset.ready = "false";
  const values = scenarioValues();
  showApplicability(core.disabledFields(values));
  // The whole answer at once (the fewest GPUs and the limits are a few dozen estimates), so
  // the headline never changes shape after it is drawn.
  const { answer, text } = core.evaluate(values, true);
  if (answer.error) return showFieldError(answer.error);
  clearMessage({ keepLinkMessage: true });
  markInvalid("");
  state.answer = answer;
  state.deepText = text;
  document.body.classList.toggle("task-train", values.task !== "inference");
  renderHeadline(answer, values.unit, locale);
  showAutoValues(core, answer.effective ?? {});
  renderSuggestions(answer, values.unit, locale, applyChanges);
  renderBreakdown(answer, values.unit, locale);
  renderModelFacts(answer, locale);
  byTestId("answer-json").textContent = text;
  if (replace) saveToUrl(committed);
  if (!state.firstPainted) {
    state.firstPainted = true;
    performance.mark("gpumem:first-result");
  }
  /** @type {HTMLTextAreaElement} */ (byTestId("embed-snippet")).value = embedSnippet();
  document.body.dataset.revision = String(Number(document.body.dataset.revision ?? 0) + 1);
  scheduleSlowWork(values);
}

/** Applies a suggestion of the core: its field values, then a recompute. @param {Record<string, string>} changes */
function applyChanges(changes) {
  applyValues({ ...state.values, ...changes });
  update({ committed: true });
}

/** The answer as the core wrote it: the text "Copy JSON" copies (the CLI's --json). */
function deepText() {
  return state.deepText;
}

/** The charts, GPU table and comparison, after the headline has painted. @param {Values} values */
function scheduleSlowWork(values) {
  const ticket = ++slowWork;
  const answer = state.answer;
  setTimeout(() => {
    if (ticket !== slowWork || !moduleReady) return; // drawn once the module has arrived
    if (!state.embed) {
      renderFits(core, values, answer, values.unit, locale);
      renderTimeline(/** @type {HTMLElement} */ (byTestId("timeline-chart")), core.timeline(values), values.unit, locale);
      renderGpuTable(core.gpuTable(values), values.gpu, values.unit, locale);
      renderStackTable(core.stackTable(values), values.stack, values.unit, locale, (stack) => applyChanges({ stack }));
      renderCompareTable();
    }
    document.body.dataset.ready = "true";
  }, 30);
}

function renderCompareTable() {
  const entries = [];
  for (const fragment of state.compare) {
    const decoded = core.decodeLink(fragment);
    if (decoded.error) continue;
    const values = valuesWithModelChoice(decoded.values);
    const { answer } = core.evaluate(values, false);
    if (!answer.error) entries.push({ title: scenarioTitle(values, answer), answer });
  }
  renderCompare(entries, state.values.unit, locale, (index) => {
    state.compare.splice(index, 1);
    update({ committed: true });
  });
}

/** A short title of a compared scenario. @param {Values} values @param {any} answer */
function scenarioTitle(values, answer) {
  const images = Number(values.imagesPerRequest) > 0 && answer.model.vision ? ` + ${values.imagesPerRequest} img` : "";
  return `${answer.model.label} · ${values.task} · ${values.precision} · ${values.contextLength} tok${images} × ${values.batch}`;
}

function addToCompare() {
  if (state.file || state.config) return showMessage("A scenario with a local file or a pasted config.json cannot be kept in a comparison link; pick a catalog model.");
  if (state.compare.length >= MAX_COMPARE) state.compare.shift();
  state.compare.push(linkFor(false));
  update({ committed: true });
}

function copyLink() {
  if (state.file || state.config) {
    /** @type {HTMLElement} */ (byTestId("copy-status")).textContent =
      "A link cannot carry a pasted config.json or a local file, so no link was copied; choose a catalog model or a parameter count to share.";
    return;
  }
  copyText(location.href, "Link copied");
}

/**
 * Keeps the URL in step with the scenario. The first edit after a committed change opens a
 * new history entry, later keystrokes update it, and a change event closes it: so Back
 * steps through edits, not through keystrokes. The first paint, and the embedded widget
 * (whose history belongs to the host page), replace.
 * @param {boolean} committed
 */
function saveToUrl(committed) {
  const hash = `#${linkFor()}`;
  const url = `${location.pathname}${location.search}${hash}`;
  if (hash !== location.hash) {
    if (state.firstPainted && !state.editOpen && !state.embed) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
    state.editOpen = state.firstPainted;
  }
  if (committed) state.editOpen = false;
}

function embedSnippet() {
  const base = `${location.origin === "null" ? "" : location.origin}${location.pathname}`;
  const src = `${base}?embed=1#${linkFor(false)}`;
  return `<iframe src="${src}" title="GPU memory calculator (gpumem)" width="100%" height="380" style="border:0;max-width:720px" loading="lazy"></iframe>\n`
    + `<script>addEventListener("message",e=>{if(e.data&&e.data.type==="gpumem:height")for(const f of document.querySelectorAll("iframe"))if(f.contentWindow===e.source)f.style.height=e.data.height+"px"})</script>`;
}

/** @param {string} text @param {string} done */
async function copyText(text, done) {
  const status = /** @type {HTMLElement} */ (byTestId("copy-status"));
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = done;
  } catch {
    status.textContent = "Copying was not allowed; select the text and copy it yourself.";
  }
}

/** An error of the core or the page: named field, message, and no numbers until fixed. @param {{field: string, message: string}} error */
function showFieldError({ field, message }) {
  document.body.dataset.revision = String(Number(document.body.dataset.revision ?? 0) + 1);
  showMessage(`${field}: ${message}`, "field");
  markInvalid(field);
  renderNoAnswer();
  state.answer = null;
  document.body.classList.add("stale");
  slowWork += 1; // drop pending redraws of the previous scenario
  document.body.dataset.ready = "true";
}

/** @param {string} text @param {string} kind */
function showMessage(text, kind = "error") {
  const banner = /** @type {HTMLElement} */ (byTestId("message"));
  banner.textContent = text;
  banner.dataset.kind = kind;
  banner.hidden = false;
}

/** Hides the banner; a message about the link stays until the reader edits something. */
function clearMessage({ keepLinkMessage = false } = {}) {
  const banner = /** @type {HTMLElement} */ (byTestId("message"));
  document.body.classList.remove("stale");
  if (keepLinkMessage && banner.dataset.kind === "link") return;
  banner.hidden = true;
  banner.textContent = "";
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  navigator.serviceWorker.register("sw.js").catch(() => {});
}
