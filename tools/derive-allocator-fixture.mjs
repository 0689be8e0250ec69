// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Derives tests/data/allocator-traces.txt from recorded PyTorch allocation timelines (the
// traces file of the measured set: one JSON object per line, gzip, each with "case",
// "result" and "events": [[action, size, address, stream, frame], ...] as
// torch.cuda.memory._record_memory_history records them).
// Usage: node tools/derive-allocator-fixture.mjs TRACES.jsonl.gz > tests/data/allocator-traces.txt
//
// Per case the fixture keeps the request sequence the caching allocator saw and the peak
// of the segments it reserved (segment_alloc − segment_free), so that a model of the
// allocator can replay the one and be checked against the other. Tokens:
//   N    a request of N × 512 bytes (the size rounded up to 512 B, as the allocator does)
//   -K   the free (free_completed) of the allocation made K requests back (1 = the latest)
//   E    torch.cuda.empty_cache() (the trace's segment_free events not caused by a failed
//        request: the measuring script empties the cache after building the model)
// To keep the file small, a small-pool request (≤ 1 MiB) freed fewer than 100 events later
// is left out with its free: such blocks come and go inside the small pool's cached 2 MiB
// segments (leaving them out moves no case's replayed peak by more than 0.1%).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const SMALL = 1 << 20;
const SHORT_LIVED = 100;

function requests(events) {
  const out = [];
  let inRun = false;
  for (const [action, size, address] of events) {
    if (action === 'segment_free' && !inRun) out.push({ kind: 'E' });
    inRun = action === 'segment_free';
    if (action === 'alloc') out.push({ kind: 'a', size, address });
    else if (action === 'free_completed') out.push({ kind: 'f', size, address });
  }
  return out;
}

function thin(reqs) {
  const open = new Map();
  const drop = new Set();
  reqs.forEach((r, i) => {
    if (r.kind === 'a') open.set(r.address, i);
    if (r.kind !== 'f' || !open.has(r.address)) return;
    const at = open.get(r.address);
    open.delete(r.address);
    if (reqs[at].size <= SMALL && i - at < SHORT_LIVED) drop.add(at).add(i);
  });
  return reqs.filter((_, i) => !drop.has(i));
}

function encode(reqs) {
  const tokens = [];
  const live = new Map();  // address → index among allocations
  let allocations = 0;
  for (const r of reqs) {
    if (r.kind === 'E') tokens.push('E');
    if (r.kind === 'a') {
      live.set(r.address, allocations++);
      tokens.push(String(Math.ceil(Math.max(r.size, 1) / 512)));
    }
    if (r.kind === 'f' && live.has(r.address)) {
      tokens.push(String(-(allocations - live.get(r.address))));
      live.delete(r.address);
    }
  }
  const lines = [];
  for (let i = 0; i < tokens.length; i += 24) lines.push(tokens.slice(i, i + 24).join(' '));
  return lines.join('\n');
}

function segmentPeak(events) {
  let held = 0;
  let peak = 0;
  for (const [action, size] of events) {
    if (action === 'segment_alloc') peak = Math.max(peak, (held += size));
    if (action === 'segment_free') held -= size;
  }
  return peak;
}

const lines = gunzipSync(readFileSync(process.argv[2])).toString('utf8').split('\n');
console.log('# PyTorch caching-allocator request sequences: derived by');
console.log('# tools/derive-allocator-fixture.mjs (see there for the token format).');
for (const line of lines.filter((l) => l.trim())) {
  const trace = JSON.parse(line);
  if (!trace.events) continue;
  const c = trace.case;
  const name = Object.entries(c).map(([k, v]) => `${k}=${v}`).join(',');
  console.log(`case ${name}`);
  console.log(`segments_peak ${segmentPeak(trace.events)}`);
  console.log(`peak_reserved ${trace.result.peak_reserved}`);
  console.log(encode(thin(requests(trace.events))));
}
