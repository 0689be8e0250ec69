// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// Building DOM without innerHTML: text is always set with textContent, so nothing a
// link or a file carries can become markup or script.

const SVG_NS = "http://www.w3.org/2000/svg";

/** An HTML element with attributes (strings) and children (nodes or text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

/** An SVG element with attributes and children. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) throw new Error("event handlers are attached with addEventListener");
    element.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `element` with `children`. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** Fills a <select> with [value, label] options. */
export function fillSelect(select, options) {
  select.replaceChildren(...options.map(([value, label]) => h("option", { value }, label)));
}

/** The element of a data-testid. */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${id}"]`);
}
