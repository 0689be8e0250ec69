// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The allocation timeline of one run as a stacked area chart: after each event (the core's
// points, already coarsened), the bytes live per category, each phase (prefill and decode, or
// a training step's forward, backward and optimizer) named where it starts, the peak marked
// with the tensor that reached it. Only drawing happens here: the bytes and the peak are the core's.

import { colourSlot } from "./breakdown.js";
import { h, replaceChildren, svg } from "./dom.js";
import { formatBytes, unitInfo } from "./format.js";

const WIDTH = 560;
const HEIGHT = 240;
const MARGIN = { top: 14, right: 16, bottom: 36, left: 56 };

/** "mlp.product (layer 3, prefill)". @param {any} p */
function describe(p) {
  return `${p.tensor}${p.layer >= 0 ? ` (layer ${p.layer}, ${p.phase})` : ` (${p.phase})`}`;
}

/**
 * Draws `timeline` (the core's timeline JSON) into `container`, or the core's reason when
 * the run has no timeline. @param {HTMLElement} container @param {any} timeline
 * @param {string} unit @param {string} locale
 */
export function renderTimeline(container, timeline, unit, locale) {
  if (timeline.error || !timeline.points || timeline.points.length < 2) {
    const reason = timeline.error ? timeline.error.message : "The timeline has no events.";
    replaceChildren(container, h("p", { class: "timeline-note", "data-testid": "timeline-note" }, reason));
    return;
  }
  const { divisor, label } = unitInfo(unit);
  const points = timeline.points;
  const training = points.some((/** @type {any} */ p) => p.phase === "forward");
  const figure = container.closest("figure");
  const heading = figure ? figure.querySelector("figcaption") : null;
  if (heading) {
    heading.textContent = training
      ? "Memory allocated during two training steps (forward, backward and optimizer step each), by category (PyTorch's requests, before the caching allocator's rounding)"
      : "Memory allocated during one generate(), the prefill then the decode, by category (PyTorch's requests, before the caching allocator's rounding)";
  }
  const categories = /** @type {string[]} */ (timeline.categories);
  const yMax = Math.max(...points.map((/** @type {any} */ p) => p.liveBytes)) * 1.08 || 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (/** @type {number} */ i) => MARGIN.left + (i / (points.length - 1)) * plotW;
  const py = (/** @type {number} */ bytes) => MARGIN.top + plotH - (bytes / yMax) * plotH;

  const parts = [];
  for (const tick of ticks(yMax / divisor)) {
    const y = py(tick * divisor);
    parts.push(svg("line", { class: "grid", x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y }));
    parts.push(svg("text", { class: "tick", x: MARGIN.left - 6, y: y + 4, "text-anchor": "end" }, String(tick)));
  }
  // One band per category, stacked in the core's order (the drawing's own offsets).
  const base = points.map(() => 0);
  categories.forEach((category, c) => {
    const top = points.map((/** @type {any} */ p, i) => base[i] + p.byCategory[category]);
    if (top.every((t, i) => t === base[i])) return;
    const upper = top.map((t, i) => `${i ? "L" : "M"}${px(i).toFixed(1)},${py(t).toFixed(1)}`).join("");
    const lower = base.map((b, i) => `L${px(i).toFixed(1)},${py(b).toFixed(1)}`).reverse().join("");
    parts.push(svg("path", { class: `area area-c${colourSlot(category, c)}`, "data-category": category, d: `${upper}${lower}Z` },
      svg("title", {}, category.replace("_", " "))));
    top.forEach((t, i) => { base[i] = t; });
  });
  // Where each phase starts (prefill, decode; forward, backward, optimizer), named, with a
  // line where one phase follows another.
  let previous = "load";
  points.forEach((/** @type {any} */ p, i) => {
    if (p.phase === previous) return;
    const x = px(i);
    if (previous !== "load") parts.push(svg("line", { class: "current", x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + plotH }));
    parts.push(svg("text", { class: "tick phase-label", x: x + 4, y: HEIGHT - MARGIN.bottom + 16, "data-phase": p.phase }, p.phase));
    previous = p.phase;
  });
  parts.push(svg("text", { class: "axis-label", x: MARGIN.left + plotW / 2, y: HEIGHT - 4, "text-anchor": "middle" }, "allocations and frees, in order"));
  parts.push(svg("text", { class: "axis-label", x: 12, y: MARGIN.top + plotH / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${MARGIN.top + plotH / 2})` }, `${label} allocated`));
  const peak = points[timeline.peakPoint];
  if (peak) {
    const x = px(timeline.peakPoint);
    const y = py(peak.liveBytes);
    const text = `Peak: ${formatBytes(peak.liveBytes, unit, locale)} allocated at ${describe(peak)}`;
    parts.push(svg("line", { class: "peak-line", x1: x, x2: x, y1: y, y2: MARGIN.top + plotH }));
    parts.push(svg("circle", { class: "peak", cx: x.toFixed(1), cy: y.toFixed(1), r: 5, tabindex: "0", "data-testid": "timeline-peak", "data-tensor": peak.tensor },
      svg("title", {}, text)));
  }
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart-svg", "aria-label": "Allocation timeline" }, ...parts);
  const legend = h("ul", { class: "timeline-legend" }, ...categories.map((category, c) =>
    h("li", {}, h("span", { class: `swatch c${colourSlot(category, c)}` }), category.replace("_", " "))));
  const caption = peak
    ? h("p", { class: "timeline-peak", "data-testid": "timeline-peak-label" }, `Peak: ${formatBytes(peak.liveBytes, unit, locale)} allocated at ${describe(peak)}.`)
    : "";
  replaceChildren(container, chart, legend, caption);
}

/** Round tick values from 0 to max: steps of 1, 2 or 5 × 10^k, about five of them. @param {number} max */
function ticks(max) {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(Number(t.toPrecision(6)));
  return out;
}
