// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The inputs, driven by the core's schema: each element carries data-field="<name>"; its
// choices, range and help come from the schema, its value travels as text, and an input
// that does not apply is disabled with the core's reason beside it.

import { fillSelect, h } from "./dom.js";

/** Every element of a field (radio groups have several). @param {string} name */
export function fieldElements(name) {
  return /** @type {HTMLInputElement[]} */ ([...document.querySelectorAll(`[data-field="${name}"]`)]);
}

/** Fills choices, ranges and help from the schema. @param {import("./core.js").Core} core */
export function fillFromSchema(core) {
  for (const field of core.schema.fields) {
    for (const element of fieldElements(field.name)) {
      element.title = field.help;
      if (element instanceof HTMLSelectElement) fillSelect(element, field.choices.map((c) => [c.id, c.label]));
      if (element.type === "number") {
        element.min = String(field.min);
        element.max = String(field.max);
        element.step = field.type === "integer" ? "1" : "any";
      }
      // The reason goes under the input, or under a checkbox's whole label.
      const anchor = element.type === "checkbox" ? element.closest("label") ?? element : element;
      if (element.type !== "radio" && !anchor.nextElementSibling?.classList.contains("why")) {
        anchor.after(h("small", { class: "why", "data-why": field.name, hidden: true }));
      }
    }
  }
}

/** The model search's suggestions. @param {import("./core.js").Core} core */
export function fillModelList(core) {
  const list = /** @type {HTMLElement} */ (document.getElementById("model-list"));
  list.replaceChildren(...core.models.map((m) => h("option", { value: m.name }, m.id)));
}

/**
 * Reads the inputs as field values (text). The model box shows a name; `modelId` is the id
 * it stands for. File inputs are left out: the page keeps the file's description itself.
 * @param {import("./core.js").Core} core @param {string} modelId
 * @returns {Record<string, string>}
 */
export function readForm(core, modelId) {
  /** @type {Record<string, string>} */
  const values = {};
  for (const field of core.schema.fields) {
    const elements = fieldElements(field.name);
    if (elements.length === 0 || field.type === "file") continue;
    const element = elements[0];
    if (element.type === "radio") values[field.name] = elements.find((e) => e.checked)?.value ?? field.default;
    else if (element.type === "checkbox") values[field.name] = element.checked ? "true" : "false";
    else values[field.name] = element.value.trim();
  }
  values.model = modelId;
  return values;
}

/** Writes field values into the inputs. @param {import("./core.js").Core} core @param {Record<string, string>} values */
export function writeForm(core, values) {
  for (const field of core.schema.fields) {
    if (field.type === "file") continue;
    const value = values[field.name] ?? field.default;
    for (const element of fieldElements(field.name)) {
      if (element.type === "radio") element.checked = element.value === value;
      else if (element.type === "checkbox") element.checked = value === "true";
      // A number left to the engine ("auto") shows as an empty box whose placeholder names it.
      else if (element.type === "text" && field.default === "auto" && value === "auto") element.value = "";
      else element.value = field.name === "model" ? (value ? core.modelName(value) : "") : value;
    }
  }
  setSlider("contextLength", values.contextLength);
  setSlider("batch", values.batch);
}

/**
 * Names what each "auto" input resolved to, as the core's answer says it (effective), in the
 * empty box's placeholder: "auto: 0.92".
 * @param {import("./core.js").Core} core @param {Record<string, string>} effective
 */
export function showAutoValues(core, effective) {
  for (const field of core.schema.fields) {
    if (field.default !== "auto" || field.type === "choice") continue;
    for (const element of fieldElements(field.name)) {
      element.placeholder = effective[field.name] ? `auto: ${effective[field.name]}` : "auto";
    }
  }
}

/** Moves a slider to the log2 position of its number box's value. @param {string} field @param {string} value */
export function setSlider(field, value) {
  const slider = /** @type {HTMLInputElement | null} */ (document.querySelector(`[data-slider-for="${field}"]`));
  if (slider) slider.value = String(Math.log2(Math.max(1, Number(value) || 1)));
}

/** The number a slider position stands for: 2^position, whole. @param {string} position */
export function sliderValue(position) {
  return String(Math.max(1, Math.round(2 ** Number(position))));
}

/**
 * Disables each input the core says does not apply, with its reason beside it; enables
 * the rest. @param {Record<string, string>} reasons
 */
export function showApplicability(reasons) {
  for (const option of document.querySelectorAll("select[data-field] option")) {
    const select = /** @type {HTMLSelectElement} */ (option.parentElement);
    const reason = reasons[`${select.dataset.field}=${/** @type {HTMLOptionElement} */ (option).value}`] ?? "";
    /** @type {HTMLOptionElement} */ (option).disabled = reason !== "";
    /** @type {HTMLOptionElement} */ (option).title = reason ? `Not used: ${reason}.` : "";
  }
  for (const why of document.querySelectorAll("small.why[data-why]")) {
    const name = /** @type {HTMLElement} */ (why).dataset.why ?? "";
    const reason = reasons[name] ?? "";
    for (const element of fieldElements(name)) element.disabled = reason !== "";
    /** @type {HTMLElement} */ (why).hidden = reason === "";
    why.textContent = reason ? `Not used: ${reason}.` : "";
  }
}

/** Marks the input of `field` as the one at fault (or clears every mark). @param {string} field */
export function markInvalid(field) {
  for (const element of document.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  for (const element of fieldElements(field)) element.setAttribute("aria-invalid", "true");
}
