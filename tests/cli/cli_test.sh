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
refuse() {  # refuse NAME EXPECTED_SUBSTRING ARGS... : exits 2 and says EXPECTED on stderr
  local name="$1" want="$2"; shift 2
  local err rc
  err=$("$cli" "$@" 2>&1 >/dev/null); rc=$?
  check "$name (exit 2)" "2" "$rc"
  check "$name" "$want" "$err"
}
json() { "$cli" estimate "$@" --json 2>/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The seeds' examples, by the parameter-count method.
check "70B fp16 is 168 GB in all" '"jobBytes": 168000000000' "$(json --params 70B --precision fp16 --gpu a100-80gb --gpus 2)"
check "70B fp16 is 84 GB per A100 of two" '"totalBytes": 84000000000' "$(json --params 70B --precision fp16 --gpu a100-80gb --gpus 2)"
# fp8 keeps one fp32 scale per 128 × 128 block: 70e9 × (8 + 32/16384) bits / 8 × 1.2.
check "70B fp8 is 84.02 GB with its block scales" '"totalBytes": 84020507813' "$(json --params 70B --precision fp8)"
check "70B fp32 needs four H100s" '"gpusNeeded": 4' "$(json --params 70B --precision fp32 --gpu h100-80gb)"
check "a 4.5-bit format is not rounded to 5 bits" '"totalBytes": 47250000000' "$(json --params 70B --precision nf4 --overhead 20)"
check "training lists optimizer states" '"name": "optimizer_states"' "$(json --params 7B --task full)"

# Mistakes are errors that name the option, never a silent wrong answer.
refuse "an unknown flag is refused" "--bogus-flag" estimate --model llama-3.1-8b --bogus-flag 3
refuse "a misspelt flag suggests the nearest" "did you mean --context" estimate --contxt 4096
refuse "a flag that does not apply is refused" "--gpu-memory-utilization" estimate --gpu-memory-utilization 0.8
refuse "it says where the flag applies" "vLLM" estimate --gpu-memory-utilization 0.8
refuse "a GPU count out of range names --gpus" "--gpus" estimate --gpus 1e9
refuse "negative params names --params" "--params" estimate --params -5B
refuse "unknown precision names --precision" "--precision" estimate --params 7B --precision fp13x
refuse "unknown gpu names --gpu" "--gpu" estimate --params 7B --gpu nope
refuse "model and params together" "--params" estimate --model llama-3.1-8b --params 7B
refuse "a stream is not read" "not a regular file" estimate --config /dev/urandom
head -c 5000000 /dev/zero > "$tmp/big.json"
refuse "an oversized config is refused" "at most" estimate --config "$tmp/big.json"
refuse "generated tokens need a prompt" "--generate" estimate --context 100 --generate 100
refuse "tensor parallel needs the GPUs" "--gpus" estimate --model llama-3.1-70b --tp 4 --gpu h100-80gb
out=$(json --model llama-3.1-8b --ckpt sometimes)
check "JSON errors name the field" '"field": "checkpointing"' "$out"

# Architecture-aware answers.
out=$(json --model llama-3.1-8b --gpu h100-80gb)
check "the answer says it fits" '"fits": true' "$out"
check "the answer has the longest context" '"maxContext":' "$out"
check "the version is the project's" '"version": "'"$("$cli" version | cut -d' ' -f2)"'"' "$out"
# torchtune's full fine-tune of Llama 3.1 8B on one 4090 fits with its paged 8-bit AdamW.
out=$("$cli" estimate --task full --model llama-3.1-8b --stack torchtune --recipe bf16 --context 2048 --batch 2 --gpu rtx-4090)
check "the CLI lists what would make it fit" "What would make it fit:" "$out"
check "as the options to type" "fits (--optimizer paged-adam8bit)" "$out"
out=$(json --task full --model llama-3.1-8b --batch 4 --context 2048 --ckpt full --sharding zero3 --gpus 8 --gpu h100-80gb)
check "training zero3 shards over 8 GPUs" '"dataParallel": 8' "$out"
check "training zero3 fits on 8 H100s" '"fits": true' "$out"
out=$(json --task full --model llama-3.1-8b --context 1024 --ckpt full --gpu h100-80gb)
check "8B mixed AdamW does not fit one H100 (measured OOM)" '"fits": false' "$out"
out=$(json --task lora --model llama-3.1-8b --lora-rank 16 --lora-targets q_proj,v_proj --batch 2 --context 4096 --ckpt full)
check "lora lists the adapter" '"name": "lora_adapter"' "$out"
out=$(json --task full --model llama-3.1-8b --sharding zero3 --offload optimizer --gpus 8)
check "optimizer offload reports CPU RAM" '"cpuBytes": 1' "$out"
out=$(json --model llama-3.1-8b --engine tensorrt-llm --context 1030 --generate 5)
check "tensorrt-llm pages the cache in 32-token blocks" '"bytes": 138412032' "$out"
out=$(json --model llama-3.1-8b --engine vllm --gpu-memory-utilization 0.5 --gpu h100-80gb)
# 0.5 × 85017493504 B, plus the CUDA context (651 MB + 96 MiB of kernels) vLLM measures
# before its baseline and so keeps outside the budget.
check "vLLM's budget is its utilization of the card" '"capacityBytes": 43260379136' "$out"
check "vLLM says how many tokens its KV pool holds" '"kvCacheTokens": ' "$out"
check "vLLM's KV pool in its own words" '"kvCacheSummary": "vLLM will allocate ' "$out"
check "vLLM's concurrency for the context asked" 'concurrent 8k requests' "$out"
check "vLLM's utilization defaults to 0.92 from 0.21" '"gpuMemoryUtilization": "0.92"' "$(json --model llama-3.1-8b --engine vllm --gpu h100-80gb)"
check "vLLM 0.10's default utilization is 0.9" '"gpuMemoryUtilization": "0.9"' "$(json --model llama-3.1-8b --engine vllm --engine-version 0.12 --gpu h100-80gb)"
check "vLLM serve's scheduler defaults on an H100" '"maxNumSeqs": "1024"' "$(json --model llama-3.1-8b --engine vllm --gpu h100-80gb)"
check "vLLM's LLM(...) entry point schedules 16384 tokens on an H100" '"maxNumBatchedTokens": "16384"' "$(json --model llama-3.1-8b --engine vllm --entrypoint llm --gpu h100-80gb)"
check "vLLM --max-model-len auto takes the whole trained length on an H100" '"maxModelLen": "131072"' "$(json --model llama-3.1-8b --engine vllm --max-model-len auto --gpu h100-80gb)"
check "a vLLM release names its accounting" 'CUDA context and graphs it keeps outside' "$(json --model llama-3.1-8b --engine vllm --engine-version 0.9.2 --gpu h100-80gb)"
refuse "the vLLM version applies to vLLM only" "--engine-version" estimate --model llama-3.1-8b --engine-version 0.10
out=$(json --model llama-3.1-8b --engine sglang --gpu h100-80gb)
check "SGLang's mem_fraction_static follows the GPU" '"memFractionStatic": "0.834"' "$out"
check "SGLang's KV pool in its own words" '"kvCacheSummary": "SGLang will allocate ' "$out"
check "SGLang says how it chose the fraction" '13440 MiB reserved' "$out"
check "SGLang takes a fraction" '"kvCacheTokens": ' "$(json --model llama-3.1-8b --engine sglang --mem-fraction-static 0.9 --gpu h100-80gb)"
refuse "mem_fraction_static applies to SGLang only" "SGLang" estimate --model llama-3.1-8b --engine vllm --mem-fraction-static 0.9
out=$(json --model llama-3.1-70b --precision q4_k_m --engine llama.cpp --gpu rtx-4090)
check "llama.cpp's fit cuts the context to its minimum" '"contextTokens": 4096' "$out"
check "llama.cpp's fit says it in llama.cpp's words" 'layers on the GPU with a 4,096-token context' "$out"
check "llama.cpp's buffers per GPU and host" '"host": {' "$out"
check "the layers left on the host need CPU RAM" '"cpuBytes": 2' "$out"
out=$(json --model llama-3.1-8b --engine llama.cpp --fit off --ctx-size 8192 --n-gpu-layers 20)
check "a switch takes on/off as the next word, and -c and -ngl stay as given" '"contextTokens": 8192' "$out"
check "-ngl 20 puts 20 layers on the GPU" '"gpuLayers": 20' "$out"
refuse "llama.cpp takes --ctx-size, not the workload's context" "contextLength" estimate --model llama-3.1-8b --engine llama.cpp --context 4096
out=$(json --model llama-3.1-8b --engine ollama --gpu rtx-4090)
check "Ollama's num_ctx follows the VRAM tier" 'num_ctx 32768 (32768 for 25.39 GB of GPU memory)' "$out"
check "and says it in its own words" 'Ollama (llama-server) will put 33 of 33 layers on the GPU with a 32,768-token context' "$out"
out=$(json --model llama-3.1-8b --engine ollama --gpu rtx-4090 --num-parallel 2 --num-ctx 16384)
check "Ollama's slots are num_parallel" 'num_parallel 2 (OLLAMA_NUM_PARALLEL)' "$out"
check "Ollama's batch follows the context" 'num_batch 1024' "$out"
check "Ollama's KV cache is num_ctx × num_parallel" '"kvCacheTokens": 32768' "$out"
check "Ollama takes its flash attention switch" '"fits": ' "$(json --model llama-3.1-8b --engine ollama --flash-attn=false)"
out=$(json --model mixtral-8x7b --ep 8 --gpus 8)
check "ep 8 keeps one Mixtral expert per GPU" '"bytes": 14485561344' "$out"
out=$(json --model llama-3.1-70b --gpu h100-80gb --gpus 2)
check "two GPUs split the layers in Transformers" '"gpusInUse": 2' "$out"
refuse "ep on a dense model names --ep" "--ep" estimate --model llama-3.1-8b --ep 2 --gpus 2

# The GPU's capacity: a Mac's Metal budget, and a custom capacity in place of the catalog's.
out=$(json --gpu apple-m2-16gb)
check "a 16 GB M2 may use 2/3 of its memory" '"capacityBytes": 11453246123' "$out"
check "the capacity note says why" '2/3 × 16 GiB of unified memory' "$out"
check "and how to raise it" 'iogpu.wired_limit_mb' "$out"
check "gpus lists the usable GiB of a Mac" "10.67" "$("$cli" gpus | grep '^apple-m2-16gb ')"
check "gpus --json gives the budget's source" '"budgetSource": "Metal' "$("$cli" gpus --json)"
out=$(json --gpu-memory 22.07GiB)
check "--gpu-memory 22.07GiB is 22.07 × 2^30 bytes" '"capacityBytes": 23697482056' "$out"
check "a custom capacity without --gpu is a custom GPU" '"name": "custom GPU, 22.07 GiB"' "$out"
check "8B bf16 fits in 22.07 GiB" '"fits": true' "$out"
check "but not in 12 GiB" '"fits": false' "$(json --gpu-memory 12GiB)"
check "a named GPU keeps its name" '"name": "NVIDIA GeForce RTX 4090 24GB, custom 20 GiB"' "$(json --gpu rtx-4090 --gpu-memory 20GiB)"
check "GB are 10^9 bytes" '"capacityBytes": 24000000000' "$(json --gpu custom --gpu-memory 24GB)"
check "MiB and plain bytes are read" '"capacityBytes": 25165824000' "$(json --gpu-memory 24000MiB)"
check "plain bytes" '"capacityBytes": 21474836480' "$(json --gpu-memory 21474836480)"
check "a link carries the capacity" '"capacityBytes": 23697482056' "$(json --link '#v=1&mem=22.07GiB')"
refuse "an unknown unit names --gpu-memory" "--gpu-memory" estimate --gpu-memory 24XB
refuse "it lists the units it reads" "24GiB, 24GB, 24000MiB" estimate --gpu-memory 24XB
refuse "a bare small number asks for a unit" "add a unit" estimate --gpu-memory 24
refuse "a custom GPU needs --gpu-memory" "--gpu-memory" estimate --gpu custom
check "JSON errors name gpuMemory" '"field": "gpuMemory"' "$(json --gpu-memory lots)"

# A page link gives the same scenario.
check "a page link is a scenario" '"totalBytes": 84000000000' "$(json --link '#v=1&model=&params=70B&prec=fp16&gpu=a100-80gb&gpus=2')"

# The schema.
out=$("$cli" schema --json)
check "the schema lists fields" '"name": "contextLength"' "$out"
check "the schema names flags" '"flag": "--context"' "$out"
check "the schema says where a field applies" '"appliesTo"' "$out"

# The model_types read by a mapping of their own, and a config.json of any other one.
out=$("$cli" model-types)
check "model-types lists granite" $'\ngranite\n' "$out"
check "model-types lists starcoder2" $'\nstarcoder2\n' "$out"
check "model-types says what happens to the others" "read generically" "$out"
out=$("$cli" model-types --json)
check "model-types --json is a list" '"cohere2",' "$out"
count=$(printf '%s\n' "$out" | grep -c '^  "')
check "model-types lists at least 50 types" "yes" "$([ "$count" -ge 50 ] && echo yes || echo "no: $count")"
refuse "model-types takes no words" "unexpected" model-types extra
printf '%s' '{"model_type":"my_new_llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":false}' > "$tmp/generic.json"
check "an unmapped model_type is read generically and says so" 'has no dedicated mapping: read generically from hidden_size' "$(json --config "$tmp/generic.json")"

# gpumem timeline: the events of a Transformers generate(), and the replay's peaks.
out=$("$cli" timeline --model llama-3.1-8b --context 4096 --generate 64 --csv 2>/dev/null)
check "timeline --csv has a header" 'index,action,bytes,category,phase,tensor,layer,live_bytes' "$out"
check "timeline --csv lists the weights first" '0,alloc,16060522496,weights,load,weights' "$out"
check "timeline --csv grows the cache while decoding" ',decode,kv.k,' "$out"
out=$("$cli" timeline --model llama-3.1-8b --context 4096 --generate 64 --json 2>/dev/null)
check "timeline --json names the peak's tensor" '"peakTensor": "mlp.product"' "$out"
refuse "timeline is for the transformers engine" "engine" timeline --model llama-3.1-8b --engine vllm
# Two training steps: the loss's backward allocates log_softmax's gradient beside nll_loss's.
out=$("$cli" timeline --model llama-3.2-1b --task full --context 2048 --csv 2>/dev/null)
check "timeline --csv of training has a backward" ',backward,loss.log_softmax_grad,' "$out"
check "timeline --csv of training has an optimizer step" ',optimizer,optimizer.states,' "$out"
refuse "training timelines are for one GPU" "one GPU" timeline --model llama-3.2-1b --task full --gpus 2
out=$(json --model llama-3.1-8b --context 4096 --generate 64)
check "estimate --json says what nvidia-smi shows" '"nvidiaSmiBytes": ' "$out"
check "estimate --json says the smallest memory that runs it" '"minimumCapacityBytes": 1' "$out"
# 3.7 GB of headroom on an 85 GB H100 is within the 8.2% training runs have been missed by.
out=$("$cli" estimate --model llama-3.2-1b --task full --batch 2 --context 8192 --gpu h100-80gb 2>/dev/null)
check "a fit within the measured error is borderline" 'Borderline: the headroom is within 8.2%' "$out"
check "the text answer says what nvidia-smi will show, with and without expandable segments" 'With PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True: ' "$out"
check "a fit with room to spare is not borderline" '"borderline": false' "$(json --model llama-3.2-1b --task full --batch 2 --context 2048 --gpu h100-80gb)"
check "a fit within the measured error says so in the JSON too" '"borderline": true' "$(json --model llama-3.2-1b --task full --batch 2 --context 8192 --gpu h100-80gb)"

# gpumem stacks: the training scenario under each stack; Unsloth's offloaded checkpoints need
# CPU RAM, and inference has no stack.
out=$("$cli" stacks --task qlora --model llama-3.1-8b --context 4096 --gpu rtx-4090 2>/dev/null)
check "stacks names the GPU" 'Each fine-tuning stack on NVIDIA GeForce RTX 4090' "$out"
check "stacks has a row per stack" 'torchtune' "$out"
out=$("$cli" stacks --task qlora --model llama-3.1-8b --context 4096 --gpu rtx-4090 --json 2>/dev/null)
check "stacks --json gives each row's limits" '"maxContext":' "$out"
check "stacks --json gives Unsloth's row" '"stack":"unsloth"' "$out"
refuse "stacks are for fine-tuning" "choose full training, LoRA or QLoRA" stacks --model llama-3.1-8b

# --hf, against a local stand-in for the Hub (HF_ENDPOINT).
hub_out=$(bash "$(dirname "$0")/hub_test.sh" "$cli" 2>&1)
hub_rc=$?
printf '%s\n' "$hub_out" | grep -E '^(ok|FAIL) '
passes=$((passes + $(printf '%s\n' "$hub_out" | grep -c '^ok ')))
hub_failures=$(printf '%s\n' "$hub_out" | grep -c '^FAIL ')
[ "$hub_rc" -ne 0 ] && [ "$hub_failures" -eq 0 ] && hub_failures=1
failures=$((failures + hub_failures))

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
