// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The native command-line tool: the same core the page runs, for terminals and scripts.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "gpumem/scenario.hpp"
#include "gpumem/version.hpp"

namespace gpumem::cli {

void printUsage() {
  std::printf(R"(gpumem %s — how much GPU memory a model needs, and whether it fits

usage:
  gpumem estimate [options] [--json]   one scenario: breakdown, verdict, fewest GPUs, limits
  gpumem estimate --link '#v=1&...'    the scenario of a page link (options override it)
  gpumem estimate --hf ORG/NAME        a model's config.json and weights header from the
                                       Hugging Face Hub (HF_ENDPOINT, HF_TOKEN are honoured)
  gpumem timeline [options] [--csv|--json]   the allocations and frees of the run (transformers
                                       inference, or two steps of a PyTorch training loop, on one
                                       GPU) and what PyTorch's allocator makes of them
  gpumem stacks [options] [--json]     a training scenario under each fine-tuning stack: GB per
                                       GPU, verdict, longest sequence, largest micro-batch
  gpumem schema [--json]               every option with its default, range and where it applies
  gpumem models [--json]               the model catalog
  gpumem model-types [--json]          the config.json model_types read by a mapping of their own
  gpumem gpus [--json]                 the GPU catalog (memory as the runtime reports it)
  gpumem validate FILE.jsonl [--configs DIR]   score the estimator on measured runs
  gpumem version

examples:
  gpumem estimate --model llama-3.1-8b --context 32768 --gpu h100-80gb
  gpumem estimate --params 70B --precision fp16 --gpu a100-80gb --gpus 2
  gpumem estimate --model llama-3.1-70b --engine vllm --tp 4 --gpus 4 --gpu h100-80gb
  gpumem estimate --task qlora --model llama-3.1-8b --ckpt full --context 4096 --batch 4
  gpumem stacks --task qlora --model llama-3.1-8b --context 4096 --gpu rtx-4090
  gpumem estimate --file model.gguf --engine llama.cpp --context 16384

estimate options:
)",
              std::string(version()).c_str());
  for (const FieldSpec& f : scenarioSchema()) {
    if (f.flag.empty()) continue;
    const std::string flag = "--" + std::string(f.flag);
    std::printf("  %-26s %s", flag.c_str(), std::string(f.help).c_str());
    if (!f.defaultValue.empty()) std::printf(" [%s]", std::string(f.defaultValue).c_str());
    std::printf("\n");
  }
}

}  // namespace gpumem::cli

int main(int argc, char** argv) {
  using namespace gpumem::cli;
  const std::string command = argc > 1 ? argv[1] : "help";
  if (command == "help" || command == "--help" || command == "-h") {
    printUsage();
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::printf("gpumem %s\n", std::string(gpumem::version()).c_str());
    return 0;
  }
  if (command == "estimate") return runEstimate(argc, argv);
  if (command == "timeline") return runTimeline(argc, argv);
  if (command == "stacks") return runStacks(argc, argv);
  if (command == "schema") return runSchema(argc, argv);
  if (command == "validate") return runValidate(argc, argv);
  if (command == "gpus") return runGpus(argc, argv);
  if (command == "models") return runModels(argc, argv);
  if (command == "model-types") return runModelTypes(argc, argv);
  std::fprintf(stderr, "gpumem: unknown command \"%s\"; gpumem help lists them.\n",
               command.c_str());
  return 2;
}
