#!/usr/bin/env bash
# `gpumem estimate --hf`: against a local stand-in for the Hub (tests/cli/hub_server.py) that
# HF_ENDPOINT points at: an index, a safetensors header read by Range, a gated model, a
# redirect and a truncated header.
# Usage: hub_test.sh PATH_TO_GPUMEM (prints "N passed, M failed"; exits 1 on a failure)
set -u
cli="$1"
here=$(cd "$(dirname "$0")" && pwd)
failures=0
passes=0
check() {  # check NAME EXPECTED_SUBSTRING ACTUAL
  if [[ "$3" == *"$2"* ]]; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1: wanted '$2' in: $3"; failures=$((failures + 1)); fi
}
tmp=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server"; rm -rf "$tmp"' EXIT

# Fixtures: a Llama 3.2 1B-shaped config, its index, and a safetensors file whose 8-byte
# little-endian length announces a JSON header (the tensor data is a sparse hole).
python3 - "$tmp/hub" <<'PY'
import json, os, struct, sys
root = sys.argv[1]
config = {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192,
          "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8,
          "vocab_size": 128256, "tie_word_embeddings": True, "max_position_embeddings": 131072,
          "head_dim": 64, "torch_dtype": "bfloat16"}
def model(name, files):
    d = os.path.join(root, name, "resolve", "main")
    os.makedirs(d, exist_ok=True)
    for file, data in files.items():
        with open(os.path.join(d, file), "wb") as f:
            f.write(data)
header = {"__metadata__": {"format": "pt"}}
offset = 0
for i in range(4):
    size = 2048 * 8192 * 2
    header[f"model.layers.{i}.mlp.up_proj.weight"] = {
        "dtype": "BF16", "shape": [8192, 2048], "data_offsets": [offset, offset + size]}
    offset += size
text = json.dumps(header).encode()
safetensors = struct.pack("<Q", len(text)) + text
index = {"metadata": {"total_size": 2471645184},
         "weight_map": {"model.embed_tokens.weight": "model-00001-of-00002.safetensors"}}
cfg = json.dumps(config).encode()
model("org/indexed", {"config.json": cfg, "model.safetensors.index.json": json.dumps(index).encode()})
model("org/single", {"config.json": cfg, "model.safetensors": safetensors})
with open(os.path.join(root, "org/single/resolve/main/model.safetensors"), "r+b") as f:
    f.truncate(len(safetensors) + offset)
model("org/truncated", {"config.json": cfg, "model.safetensors": safetensors[: len(safetensors) // 2]})
model("org/configonly", {"config.json": cfg})
PY
python3 "$here/hub_server.py" "$tmp/hub" "$tmp/port" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
export HF_ENDPOINT="http://127.0.0.1:$(cat "$tmp/port")"
unset HF_TOKEN

hf() { "$cli" estimate --hf "$@" --json 2>&1; }
out=$(hf org/indexed)
check "--hf reads the index's total_size" '"bytes": 2471645184' "$out"
check "the index keeps the config's parameter count" '"parameters": 1235814400' "$out"
check "--hf reads config.json" '"fits": ' "$out"
out=$(hf org/single)
check "--hf reads a safetensors header by Range" 'model.safetensors (4 tensors), read from its header' "$out"
check "the header's parameters are the tensors' elements" '"parameters": 67108864.0' "$out"
check "a config without weights is read" '"fits": ' "$(hf org/configonly)"
out=$(hf moved/single)
check "--hf follows a redirect" '"parameters": 67108864.0' "$out"
err=$("$cli" estimate --hf gated/model 2>&1 >/dev/null)
check "a 401 names --hf" "--hf" "$err"
check "a 401 says what to do" "log in on the Hub and accept the licence" "$err"
check "HF_TOKEN is sent as a bearer token" '"parameters": 67108864.0' "$(HF_TOKEN=secret hf private/single)"
err=$("$cli" estimate --hf org/missing 2>&1 >/dev/null)
check "a 404 names --hf and the model" "--hf: No model org/missing" "$err"
err=$("$cli" estimate --hf org/truncated 2>&1 >/dev/null)
check "a truncated header is refused naming --hf" "--hf" "$err"
check "a truncated header says so" "is truncated" "$err"
err=$("$cli" estimate --hf 'not a/valid/id' 2>&1 >/dev/null)
check "a malformed id names --hf" "--hf" "$err"
err=$(HF_ENDPOINT="http://127.0.0.1:9" "$cli" estimate --hf org/indexed 2>&1 >/dev/null)
check "a network failure names --hf" "--hf: Cannot reach" "$err"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
