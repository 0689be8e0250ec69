// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// Reads a model from a local file without uploading it: only the header is sliced out of
// the file (File.slice) and handed to the core, which says when it needs more.

const MiB = 1 << 20;
const MAX_HEADER = 64 * MiB;

/**
 * The "file" field's JSON of a dropped or chosen file, or an error naming the field. A
 * config.json goes to the "config" field instead.
 * @param {import("./core.js").Core} core @param {File} file
 * @returns {Promise<{field: "file" | "config", text: string, label: string} | {error: {field: string, message: string}}>}
 */
export async function readModelFile(core, file) {
  const name = file.name.toLowerCase();
  try {
    if (name.endsWith(".json") && !name.endsWith(".index.json")) {
      if (file.size > 4 * MiB) return failure("config", `${file.name} is too large for a config.json.`);
      return { field: "config", text: await file.text(), label: file.name };
    }
    let length = name.endsWith(".index.json") ? file.size : Math.min(file.size, MiB);
    for (;;) {
      const bytes = new Uint8Array(await file.slice(0, length).arrayBuffer());
      const read = core.readModelFile(file.name, bytes, file.size);
      if (!read.error) return { field: "file", text: read.text, label: file.name };
      const needMore = read.error.code === "need_more_data" && length < Math.min(file.size, MAX_HEADER);
      if (!needMore) return { error: { field: "file", message: read.error.message } };
      length = Math.min(file.size, length * 4, MAX_HEADER);
    }
  } catch (error) {
    return failure("file", `Could not read ${file.name}: ${/** @type {Error} */ (error).message}`);
  }
}

/** @param {string} field @param {string} message */
function failure(field, message) {
  return { error: { field, message } };
}
