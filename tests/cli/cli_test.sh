#!/usr/bin/env bash
# End-to-end checks of the native CLI: the numbers and messages a user sees.
# Usage: cli_test.sh PATH_TO_GPUMEM
set -u
cli="$1"
failures=0
passes=0
check() {  # check NAME EXPECTED_SUBSTRING ACTUAL
  if [[ "$3" == *"$2"* ]]; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1: wanted '$2' in: $3"; failures=$((failures + 1)); fi
}

out=$("$cli" estimate --method simple --params 70B --precision fp16 --json)
check "70B fp16 is 168 GB" '"totalBytes": 168000000000' "$out"
out=$("$cli" estimate --method simple --params 70B --precision fp8 --json)
check "70B fp8 is 84 GB" '"totalBytes": 84000000000' "$out"
out=$("$cli" estimate --params 70B --precision fp32 --gpu h100-80gb --json)
check "70B fp32 needs four H100s" '"gpusNeeded": 4' "$out"
out=$("$cli" estimate --params 7B --precision bf16 --mode training --optimizer adamw --json)
check "training lists optimizer states" '"name": "optimizer_states"' "$out"

out=$("$cli" estimate --params -5B --precision fp16 2>&1); rc=$?
check "negative params names the field" "--params" "$out"
check "negative params exits 2" "2" "$rc"
out=$("$cli" estimate --params 7B --precision fp13x 2>&1); rc=$?
check "unknown precision names the field" "--precision" "$out"
out=$("$cli" estimate --params "" --precision fp16 --json 2>/dev/null)
check "empty params gives a JSON error" '"field": "params"' "$out"
out=$("$cli" estimate --params 7B --gpu nope 2>&1)
check "unknown gpu names the field" "--gpu" "$out"

out=$("$cli" estimate --method arch --task full --model llama-3.1-8b --recipe mixed --optimizer adamw \
  --micro-batch 4 --seq 2048 --ckpt full --sharding zero3 --gpus 8 --gpu h100-80gb --json)
check "training zero3 lists optimizer states" '"name": "optimizer_states"' "$out"
check "training zero3 shards over 8 GPUs" '"dataParallel": 8' "$out"
check "training zero3 fits on 8 H100s" '"fits": true' "$out"
check "training answers the largest micro-batch" '"maxMicroBatch":' "$out"
out=$("$cli" estimate --method arch --task full --model llama-3.1-8b --recipe mixed --seq 1024 \
  --ckpt full --gpu h100-80gb --json)
check "8B mixed AdamW does not fit one H100 (measured OOM)" '"fits": false' "$out"
out=$("$cli" estimate --method arch --task lora --model llama-3.1-8b --lora-rank 16 \
  --lora-targets q_proj,v_proj --micro-batch 2 --seq 4096 --ckpt full --json)
check "lora lists the adapter" '"name": "lora_adapter"' "$out"
out=$("$cli" estimate --method arch --task qlora --model llama-3.1-8b --json)
check "qlora estimates" '"name": "weights"' "$out"
out=$("$cli" estimate --method arch --task full --model llama-3.1-8b --sharding zero3 \
  --offload-optimizer --gpus 8 --json)
check "optimizer offload reports CPU RAM" '"cpuBytes": 1' "$out"
out=$("$cli" estimate --method arch --task full --model llama-3.1-8b --ckpt sometimes --json 2>/dev/null)
check "unknown checkpointing names the field" '"field": "ckpt"' "$out"
out=$("$cli" estimate --method arch --task full --model llama-3.1-8b --tp 3 --gpus 3 --json 2>/dev/null)
check "tp that does not divide the heads names the field" '"field": "tp"' "$out"

out=$("$cli" estimate --method arch --model llama-3.1-8b --engine tensorrt-llm --prompt 1025 --generate 5 --json)
check "tensorrt-llm pages the cache in 32-token blocks" '"bytes": 138412032' "$out"
check "tensorrt-llm sizes activations by max_num_tokens" '8192 max_num_tokens' "$out"
out=$("$cli" estimate --method arch --model llama-3.1-8b --engine trtllm --free-gpu-memory-fraction 0.5 \
  --gpu h100-80gb --json)
check "tensorrt-llm names its KV pool" '0.5 free_gpu_memory_fraction' "$out"
out=$("$cli" estimate --method arch --model llama-3.1-8b --engine trt-llm --free-gpu-memory-fraction 1.5 --json 2>/dev/null)
check "free memory fraction above 1 names the field" '"field": "free-gpu-memory-fraction"' "$out"
out=$("$cli" estimate --method arch --model mixtral-8x7b --ep 8 --json)
check "ep 8 keeps one Mixtral expert per GPU" '"bytes": 14485561344' "$out"
check "ep 8 says so in the formula" 'EP=8' "$out"
out=$("$cli" estimate --method arch --model mixtral-8x7b --ep 3 --json 2>/dev/null)
check "ep that does not divide the experts names the field" '"field": "expertParallel"' "$out"
out=$("$cli" estimate --method arch --model llama-3.1-8b --ep 2 --json 2>/dev/null)
check "ep on a dense model names the field" '"field": "expertParallel"' "$out"
out=$("$cli" estimate --method arch --model llama-3.1-8b --ep 2 2>&1)
check "an EP error names the --ep option" "--ep:" "$out"
out=$("$cli" estimate --method arch --task lora --model llama-3.1-8b --micro-batch 0 2>&1)
check "a micro-batch error names the --micro-batch option" "--micro-batch:" "$out"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
