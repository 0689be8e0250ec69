// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// The page's one door to the wasm core. Scenarios go in as {field: value} objects (the
// schema's names) and every answer comes back as the JSON the CLI prints with --json.
// Nothing here computes: it only translates between text and objects.

/**
 * @typedef {{code: string, field: string, message: string}} CoreError
 * @typedef {Record<string, string>} Values
 * @typedef {{value: number, unit: string}} Factor
 * @typedef {{label: string, factors: Factor[]}} Term
 * @typedef {{name: string, label: string, bytes: number, sharePercent: number, terms: Term[], note: string, formula: string}} Component
 * @typedef {{ error?: CoreError, [key: string]: any }} Answer
 */

export class Core {
  /** @param {any} wasm the instantiated module */
  constructor(wasm) {
    this.wasm = wasm;
    /** @type {{version: string, fields: any[]}} */
    this.schema = JSON.parse(wasm.schema());
    /** @type {Map<string, any>} */
    this.fields = new Map(this.schema.fields.map((f) => [f.name, f]));
    /** @type {{id: string, name: string, family: string, hfRepo: string, parameters: number}[]} */
    this.models = JSON.parse(wasm.models());
  }

  /** The schema's default of every field. @returns {Values} */
  defaults() {
    return Object.fromEntries(this.schema.fields.map((f) => [f.name, f.default]));
  }

  /**
   * The answer for `values`; `deep` adds the fewest GPUs and the limits. Returns the parsed
   * answer and the exact JSON text (what "Copy JSON" copies).
   * @param {Values} values @param {boolean} deep
   */
  evaluate(values, deep) {
    const text = this.wasm.evaluate(JSON.stringify(values), deep);
    return { answer: /** @type {Answer} */ (JSON.parse(text)), text };
  }

  /** Per-GPU totals along contextLength or batch. @param {Values} values @param {string} field @param {number[]} points */
  sweep(values, field, points) {
    return JSON.parse(this.wasm.sweep(JSON.stringify(values), field, JSON.stringify(points)));
  }

  /** Every GPU of the catalog with the fewest that run the scenario. @param {Values} values */
  gpuTable(values) {
    return JSON.parse(this.wasm.gpuTable(JSON.stringify(values)));
  }

  /** The training scenario under each fine-tuning stack, or {error}. @param {Values} values */
  stackTable(values) {
    return JSON.parse(this.wasm.stackTable(JSON.stringify(values)));
  }

  /** The allocation timeline of one run (Transformers inference), or {error}. @param {Values} values */
  timeline(values) {
    return JSON.parse(this.wasm.timeline(JSON.stringify(values)));
  }

  /** {field: reason} for the inputs that do not apply. @param {Values} values */
  disabledFields(values) {
    return /** @type {Record<string, string>} */ (JSON.parse(this.wasm.disabledFields(JSON.stringify(values))));
  }

  /** A link fragment's values, compared scenarios and widget flag. @param {string} fragment */
  decodeLink(fragment) {
    return JSON.parse(this.wasm.decodeLink(fragment));
  }

  /** The link of `values` (+ compared fragments). @param {Values} values @param {string[]} compare */
  encodeLink(values, compare = []) {
    return /** @type {string} */ (this.wasm.encodeLink(JSON.stringify(values), JSON.stringify(compare)));
  }

  /** A model file's header → the "file" field's JSON text, or an error. @param {string} name @param {Uint8Array} bytes @param {number} size */
  readModelFile(name, bytes, size) {
    const text = this.wasm.readModelFile(name, bytes, size);
    const parsed = JSON.parse(text);
    return parsed.error ? { error: /** @type {CoreError} */ (parsed.error) } : { text, file: parsed };
  }

  /** The catalog model a person typed, or an error. @param {string} text */
  findModel(text) {
    return JSON.parse(this.wasm.findModel(text));
  }

  /** A catalog model's name by id. @param {string} id */
  modelName(id) {
    return this.models.find((m) => m.id === id)?.name ?? id;
  }
}

/** The key of one call of the module: its name and arguments, as recorded and looked up. @param {string} name @param {unknown[]} args */
export function callKey(name, args) {
  return JSON.stringify([name, ...args]);
}

/** A call that the first visit's recording does not hold: the module itself must answer it. */
export class NotRecorded extends Error {}

/**
 * A stand-in for the module that gives back the answers the module itself gave when the site
 * was built (the default scenario's first result, recorded by tools/build-first-answer.mjs),
 * so that a first visit shows the core's answer before the module has downloaded. Any other
 * call throws NotRecorded.
 * @param {Record<string, string>} recorded {callKey: the module's text}
 */
export function recordedModule(recorded) {
  return new Proxy({}, {
    get: (_, name) => (/** @type {unknown[]} */ ...args) => {
      const key = callKey(String(name), args);
      if (!Object.hasOwn(recorded, key)) throw new NotRecorded(`${String(name)} was not recorded`);
      return recorded[key];
    },
  });
}
