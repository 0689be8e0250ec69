// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The native command-line tool: the same core the page runs, for terminals and scripts.
#include <cstdio>
#include <string>

#include "args.hpp"
#include "commands.hpp"

namespace {

constexpr const char* kUsage = R"(gpumem — how much GPU memory a model needs

usage:
  gpumem estimate --params 70B --precision fp16 [--overhead 20] [--gpu h100-80gb --gpus 2] [--json]
  gpumem estimate --params 7B --precision bf16 --mode training --optimizer adamw [--batch 8] [--activation-mb 50]
  gpumem estimate --method arch --model llama-3.1-8b [--config config.json] [--dtype bf16 | --format q4_k_m] [--kv-dtype fp8]
                  [--batch 1] [--prompt 512] [--generate 16] [--attn sdpa|eager|flash] [--gpu ID --gpus N]
                  [--engine transformers|vllm|llama.cpp|tensorrt-llm] [--gpu-memory-utilization 90] [--ngl N] [--ubatch 512]
                  [--free-gpu-memory-fraction 0.9] [--tp 8 --pp 1 --ep 1]
  gpumem estimate --method arch --task full|lora|qlora --model ID [--recipe mixed|bf16|fp32|fp16-master|bf16-master|fp8]
                  [--optimizer adamw] [--micro-batch 1] [--seq 2048] [--grad-accum 1] [--ckpt none|full|selective]
                  [--lora-rank 16] [--lora-targets all-linear] [--sharding ddp|zero1|zero2|zero3|fsdp-hybrid]
                  [--offload-optimizer] [--offload-params] [--tp 1 --pp 1 --cp 1 --ep 1 --sp] [--gpus 8] [--gpu ID]
  gpumem validate FILE.jsonl --configs DIR   score the estimators on measured cases
  gpumem gpus [--json]          the GPU catalog (memory as the runtime reports it)
  gpumem precisions [--json]    the named precisions
  gpumem version

Parameters accept 70B, 1.5T, 350M, 7,000,000,000. Sizes print in GB (10^9) and GiB (2^30).
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace gpumem::cli;
  const std::string command = argc > 1 ? argv[1] : "help";
  const Args args = parseArgs(argc, argv, 2,
                              {"json", "help", "enforce-eager", "no-flash-attn", "sp",
                               "offload-optimizer", "offload-params", "train-embeddings"});
  if (command == "help" || command == "--help" || command == "-h" || args.hasFlag("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::puts("gpumem 0.1.0");
    return 0;
  }
  if (command == "estimate") return runEstimate(args);
  if (command == "validate") return runValidate(args);
  if (command == "gpus") return runGpus(args);
  if (command == "precisions") return runPrecisions(args);
  std::fprintf(stderr, "gpumem: unknown command \"%s\"\n\n%s", command.c_str(), kUsage);
  return 2;
}
