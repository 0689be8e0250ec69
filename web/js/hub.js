// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// @ts-check
// "Load from the Hub": only when the person asks, the page fetches a model's config.json
// and the header of its weights (model.safetensors.index.json, or the first bytes of
// model.safetensors by an HTTP Range request) from huggingface.co, and hands the bytes to the
// core exactly as a dropped file. The core parses; nothing here computes.

const HUB = "https://huggingface.co";
const MiB = 1 << 20;
const MAX_HEADER = 64 * MiB;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * @typedef {{config: string, file: string, label: string}} HubModel
 * @typedef {{error: {field: string, message: string}}} HubFailure
 */

class HubError extends Error {}

/**
 * The config.json text and, when the repository has them, the "file" JSON of a Hub model.
 * @param {import("./core.js").Core} core @param {string} id
 * @returns {Promise<HubModel | HubFailure>}
 */
export async function loadFromHub(core, id) {
  const name = id.trim().replace(/^https:\/\/huggingface\.co\//, "");
  if (!ID.test(name) || name.includes("..")) {
    return failure(`“${id.trim()}” is not a Hugging Face model id; write it as org/name, e.g. meta-llama/Llama-3.1-8B.`);
  }
  try {
    const config = await get(name, "config.json");
    const configText = await config.text();
    const index = await get(name, "model.safetensors.index.json", { optional: true });
    if (index) {
      const bytes = new Uint8Array(await index.arrayBuffer());
      const read = core.readModelFile(`${name}/model.safetensors.index.json`, bytes, bytes.length);
      if (read.error) return failure(`${name}: ${read.error.message}`);
      return { config: configText, file: read.text, label: name };
    }
    const file = await safetensorsHeader(core, name);
    return { config: configText, file, label: name };
  } catch (error) {
    if (error instanceof HubError) return failure(error.message);
    return failure(`Could not reach the Hub for ${name} (offline, or the request was blocked). Check the connection, or paste its config.json below.`);
  }
}

/**
 * The "file" JSON of model.safetensors's header, read by Range requests that grow until the
 * core has it whole; "" when the repository has no model.safetensors.
 * @param {import("./core.js").Core} core @param {string} name
 */
async function safetensorsHeader(core, name) {
  let length = MiB;
  for (;;) {
    const response = await get(name, "model.safetensors", { optional: true, range: length });
    if (!response) return "";
    const bytes = await firstBytes(response, length);
    const total = /\/(\d+)\s*$/.exec(response.headers.get("Content-Range") ?? "");
    const size = total ? Number(total[1]) : Number(response.headers.get("Content-Length") ?? bytes.length);
    const read = core.readModelFile(`${name}/model.safetensors`, bytes, size);
    if (!read.error) return read.text;
    if (read.error.code !== "need_more_data") throw new HubError(`${name}: ${read.error.message}`);
    if (bytes.length < length || bytes.length >= size) {
      throw new HubError(`The header of ${name}'s model.safetensors is truncated: the file ends before the header its first 8 bytes announce.`);
    }
    if (length >= MAX_HEADER) throw new HubError(`The header of ${name}'s model.safetensors is larger than 64 MiB; gpumem stops there.`);
    length = Math.min(length * 4, MAX_HEADER);
  }
}

/**
 * At most `limit` bytes of a body: a server that ignores Range sends the whole file, which is
 * not read past what was asked.
 * @param {Response} response @param {number} limit
 */
async function firstBytes(response, limit) {
  if (response.status === 206 || !response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  /** @type {BlobPart[]} */
  const chunks = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(new Uint8Array(value));
    size += value.length;
  }
  await reader.cancel();
  const whole = new Blob(chunks);
  return new Uint8Array(await whole.slice(0, limit).arrayBuffer());
}

/**
 * GET of a file of a Hub repository; null for a missing optional file.
 * @param {string} name @param {string} file
 * @param {{optional?: boolean, range?: number}} [options]
 * @returns {Promise<Response | null>}
 */
async function get(name, file, { optional = false, range = 0 } = {}) {
  /** @type {RequestInit} */
  const init = { credentials: "omit", redirect: "follow", referrerPolicy: "no-referrer" };
  if (range) init.headers = { Range: `bytes=0-${range - 1}` };
  const response = await fetch(`${HUB}/${name}/resolve/main/${file}`, init);
  if (response.ok) return response;
  if (response.status === 404 && optional) return null;
  if (response.status === 401 || response.status === 403) {
    throw new HubError(`${name} is gated or private (HTTP ${response.status}): log in on the Hub and accept the licence, or paste the config.json below.`);
  }
  if (response.status === 404) throw new HubError(`No model ${name} on the Hub (HTTP 404 for ${file}); check the id, written org/name.`);
  throw new HubError(`The Hub answered HTTP ${response.status} for ${name}'s ${file}.`);
}

/** @param {string} message @returns {HubFailure} */
function failure(message) {
  return { error: { field: "model", message } };
}
