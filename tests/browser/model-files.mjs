// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Small model files built in memory for the browser tests: a GGUF v3 file and a
// safetensors file whose headers describe real-shaped tensors.

/** A GGUF v3 file of a tiny llama: metadata, tensor infos, 32-byte-aligned zero data. */
export function tinyGguf() {
  const parts = [];
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); parts.push(b); };
  const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); parts.push(b); };
  const str = (s) => { u64(Buffer.byteLength(s)); parts.push(Buffer.from(s)); };
  const hidden = 64, layers = 2, vocab = 1000, ff = 128;
  const metadata = [
    ['general.architecture', 8, 'llama'],
    ['llama.block_count', 4, layers],
    ['llama.embedding_length', 4, hidden],
    ['llama.feed_forward_length', 4, ff],
    ['llama.attention.head_count', 4, 4],
    ['llama.attention.head_count_kv', 4, 2],
    ['llama.context_length', 4, 4096],
  ];
  const tensors = [['token_embd.weight', [hidden, vocab]], ['output.weight', [hidden, vocab]]];
  for (let i = 0; i < layers; ++i) {
    for (const [name, shape] of [['attn_q', [hidden, hidden]], ['attn_k', [hidden, 32]], ['attn_v', [hidden, 32]],
      ['attn_output', [hidden, hidden]], ['ffn_gate', [hidden, ff]], ['ffn_up', [hidden, ff]], ['ffn_down', [ff, hidden]]]) {
      tensors.push([`blk.${i}.${name}.weight`, shape]);
    }
  }
  parts.push(Buffer.from('GGUF'));
  u32(3);
  u64(tensors.length);
  u64(metadata.length);
  for (const [key, type, value] of metadata) {
    str(key);
    u32(type);
    if (type === 8) str(value); else u32(value);
  }
  let offset = 0;
  for (const [name, shape] of tensors) {
    str(name);
    u32(shape.length);
    for (const d of shape) u64(d);
    u32(1); // F16
    u64(offset);
    offset += Math.ceil((shape[0] * shape[1] * 2) / 32) * 32;
  }
  const header = Buffer.concat(parts);
  const padded = Math.ceil(header.length / 32) * 32;
  const elements = tensors.reduce((n, [, s]) => n + s[0] * s[1], 0);
  return { buffer: Buffer.concat([header, Buffer.alloc(padded - header.length + offset)]), elements, bytes: elements * 2 };
}

/** A safetensors file with bf16 tensors totalling `elements` values. */
export function tinySafetensors() {
  const shapes = { 'model.embed_tokens.weight': [1000, 64], 'model.layers.0.self_attn.q_proj.weight': [64, 64], 'lm_head.weight': [1000, 64] };
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const bytes = shape[0] * shape[1] * 2;
    header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return { buffer: Buffer.concat([length, Buffer.from(json), Buffer.alloc(offset)]), elements: offset / 2, bytes: offset };
}
