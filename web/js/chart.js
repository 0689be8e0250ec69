// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// A small SVG line chart: memory per GPU against context length or batch, with the GPU's
// capacity as a horizontal line. Colours come from CSS, so it follows the theme and prints.

import { svg, replaceChildren } from "./dom.js";
import { unitInfo } from "./format.js";

const WIDTH = 560;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 16, bottom: 36, left: 56 };

/**
 * Draws `series` ([{x, bytes}], x > 0, log scale) into `container` with the capacity line
 * at `capacityBytes` and a marker at `currentX`. `formatX` writes x-axis ticks.
 */
export function renderChart(container, { series, capacityBytes, currentX, unit, formatX, xLabel }) {
  if (series.length < 2) {
    replaceChildren(container);
    return;
  }
  const { divisor, label } = unitInfo(unit);
  const xs = series.map((p) => p.x);
  const x0 = Math.log2(Math.min(...xs));
  const x1 = Math.log2(Math.max(...xs));
  // The region near the GPU's capacity is what matters: the axis stops at twice the
  // capacity (or the current point), and what lies above is clipped.
  const highest = Math.max(...series.map((p) => p.bytes), capacityBytes || 0);
  const current = series.find((p) => p.x >= currentX)?.bytes ?? 0;
  const yMax = (capacityBytes ? Math.min(highest, Math.max(2 * capacityBytes, current)) : highest) * 1.08;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x) => MARGIN.left + ((Math.log2(x) - x0) / Math.max(1e-9, x1 - x0)) * plotW;
  const py = (bytes) => MARGIN.top + plotH - (bytes / yMax) * plotH;

  const parts = [];
  for (const tick of niceTicks(yMax / divisor)) {
    const y = py(tick * divisor);
    parts.push(svg("line", { class: "grid", x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y }));
    parts.push(svg("text", { class: "tick", x: MARGIN.left - 6, y: y + 4, "text-anchor": "end" }, String(tick)));
  }
  for (const p of series.filter((_, i) => i % Math.ceil(series.length / 7) === 0)) {
    parts.push(svg("text", { class: "tick", x: px(p.x), y: HEIGHT - MARGIN.bottom + 16, "text-anchor": "middle" }, formatX(p.x)));
  }
  parts.push(svg("text", { class: "axis-label", x: MARGIN.left + plotW / 2, y: HEIGHT - 4, "text-anchor": "middle" }, xLabel));
  parts.push(svg("text", { class: "axis-label", x: 12, y: MARGIN.top + plotH / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${MARGIN.top + plotH / 2})` }, `${label} per GPU`));
  if (capacityBytes) {
    const y = py(capacityBytes);
    parts.push(svg("line", { class: "capacity", x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y, y2: y }));
    parts.push(svg("text", { class: "capacity-label", x: WIDTH - MARGIN.right, y: y - 4, "text-anchor": "end" }, "GPU memory"));
  }
  const top = MARGIN.top;
  const clip = (/** @type {number} */ y) => Math.max(top, y);
  const path = series.map((p, i) => `${i ? "L" : "M"}${px(p.x).toFixed(1)},${clip(py(p.bytes)).toFixed(1)}`).join("");
  parts.push(svg("path", { class: "series", d: path }));
  for (const p of series) {
    // A point to hover (or focus): its x and its memory per GPU.
    parts.push(svg("circle", { class: "point", cx: px(p.x).toFixed(1), cy: clip(py(p.bytes)).toFixed(1), r: 6, tabindex: "0" },
      svg("title", {}, `${formatX(p.x)}: ${(p.bytes / divisor).toFixed(2)} ${label} per GPU${p.fits === false ? " (does not fit)" : ""}`)));
  }
  if (currentX >= xs[0] && currentX <= xs[xs.length - 1]) {
    const x = px(currentX);
    parts.push(svg("line", { class: "current", x1: x, x2: x, y1: MARGIN.top, y2: MARGIN.top + plotH }));
  }
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", class: "chart-svg" }, ...parts);
  replaceChildren(container, chart);
}

/** Round tick values from 0 to max: steps of 1, 2 or 5 × 10^k, about five of them. */
function niceTicks(max) {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks = [];
  for (let t = 0; t <= max + 1e-9; t += step) ticks.push(Number(t.toPrecision(6)));
  return ticks;
}

/** Log-spaced points from `lo` to `hi` (powers of two and the midpoints between them). */
export function logPoints(lo, hi) {
  const points = [];
  for (let x = lo; x <= hi; x *= 2) {
    points.push(x);
    const mid = Math.round(x * 1.5);
    if (mid < hi && mid > x) points.push(mid);
  }
  if (points[points.length - 1] !== hi) points.push(hi);
  return points;
}
