// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The breakdown of an estimate: a stacked bar and a table whose rows expand to show
// each component's formula with the numbers plugged in.

import { h, replaceChildren } from "./dom.js";
import { formatBytes, formatShare } from "./format.js";

const PALETTE_SIZE = 12;
/** Components in the order of the palette: neighbours in a breakdown get distinct colours. */
const KNOWN_ORDER = [
  "weights", "kv_cache", "activations", "logits", "gradients", "optimizer_states",
  "master_weights", "weight_copies", "lora_adapter", "cuda_context", "allocator_reserve",
  "optimizer_temporaries",
];
const SHARED_SLOTS = { overhead: 10, safety_margin: 10, cuda_graphs: 7, gathered_parameters: 8 };

/** A stable colour slot for a component name, so a component keeps its colour. */
export function colourSlot(name, index) {
  if (name in SHARED_SLOTS) return SHARED_SLOTS[name];
  const known = KNOWN_ORDER.indexOf(name);
  return (known >= 0 ? known : index) % PALETTE_SIZE;
}

/** Draws the stacked bar: one segment per non-zero component, widths by the core's share. */
export function renderBar(container, components, unit, locale) {
  const segments = components
    .map((c, index) => ({ ...c, index }))
    .filter((c) => c.bytes > 0)
    .map((c) => {
      const segment = h("span", {
        class: `segment c${colourSlot(c.name, c.index)}`,
        title: `${c.label}: ${formatBytes(c.bytes, unit, locale)} (${formatShare(c.sharePercent, locale)})`,
      });
      segment.style.width = `${c.sharePercent}%`;
      return segment;
    });
  replaceChildren(container, ...segments);
  container.setAttribute("aria-label", components
    .filter((c) => c.bytes > 0)
    .map((c) => `${c.label} ${formatBytes(c.bytes, unit, locale)}`)
    .join(", "));
}

/** Fills the breakdown table body: label, bytes, share, and the formula under a toggle. */
export function renderTable(tbody, components, unit, locale) {
  const rows = components.map((c, index) => {
    const swatch = h("span", { class: `swatch c${colourSlot(c.name, index)}`, "aria-hidden": "true" });
    const details = h("details", {},
      h("summary", {}, swatch, c.label),
      h("p", { class: "formula" }, c.formula || "—"));
    return h("tr", { "data-component": c.name },
      h("th", { scope: "row" }, details),
      h("td", { class: "num" }, formatBytes(c.bytes, unit, locale)),
      h("td", { class: "num" }, formatShare(c.sharePercent, locale)));
  });
  replaceChildren(tbody, ...rows);
}
