// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The compact widget for blog posts: chosen inputs, the bar and the verdict, a link to the
// full calculator, and the page's height posted to the embedding page so the iframe fits.

import { byTestId } from "./dom.js";

/** The inputs the widget keeps; everything else is hidden in embed mode. */
const EMBED_INPUTS = new Set(["model", "precision", "context", "context-range", "batch", "batch-range", "engine", "gpu"]);

/** Turns the page into the widget. `currentLink` gives the scenario's link fragment. */
export function setUpEmbed(currentLink) {
  document.body.classList.add("embed");
  for (const control of /** @type {NodeListOf<HTMLInputElement>} */ (byTestId("inputs").querySelectorAll("input, select, textarea"))) {
    if (EMBED_INPUTS.has(control.id) || control.type === "radio") continue;
    control.closest(".slider")?.classList.add("embed-hidden");
    control.closest("label.check")?.classList.add("embed-hidden");
    control.classList.add("embed-hidden");
    document.querySelector(`label[for="${control.id}"]`)?.classList.add("embed-hidden");
  }
  const open = /** @type {HTMLAnchorElement} */ (byTestId("open-full"));
  const refresh = () => { open.href = `./#${currentLink()}`; };
  refresh();
  window.addEventListener("hashchange", refresh);
  byTestId("inputs").addEventListener("input", () => setTimeout(refresh, 0));
  postHeight();
  new ResizeObserver(postHeight).observe(document.body);
}

function postHeight() {
  if (window.parent === window) return;
  const height = Math.ceil(document.documentElement.scrollHeight);
  window.parent.postMessage({ type: "gpumem:height", height }, "*");
}
