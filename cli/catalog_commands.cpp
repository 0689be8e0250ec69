// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `gpumem schema`, `gpumem gpus`, `gpumem models`, `gpumem model-types`: what the core knows,
// as text or JSON.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "gpumem/answer.hpp"
#include "gpumem/gpu_catalog.hpp"
#include "gpumem/model_catalog.hpp"
#include "gpumem/units.hpp"
#include "output.hpp"

namespace gpumem::cli {
namespace {

/// The --json switch of a listing command, or an error for anything else.
Result<bool> jsonSwitch(int argc, char** argv) {
  const auto args = parseArgs(argc, argv, 2, OptionSpec{{}, {"json"}});
  if (!args) return args.error();
  if (!args->positional.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "",
                     "unexpected \"" + args->positional.front() + "\"");
  }
  return args->hasFlag("json");
}

}  // namespace

int runSchema(int argc, char** argv) {
  const auto json = jsonSwitch(argc, argv);
  if (!json) return reportError(json.error(), false);
  if (*json) {
    std::cout << schemaToJson() << "\n";
    return 0;
  }
  for (const FieldSpec& f : scenarioSchema()) {
    const std::string flag = f.flag.empty() ? "(page only)" : "--" + std::string(f.flag);
    std::printf("%-28s %-24s default %-14s %s\n", flag.c_str(), std::string(f.name).c_str(),
                f.defaultValue.empty() ? "none" : std::string(f.defaultValue).c_str(),
                std::string(f.help).c_str());
  }
  return 0;
}

int runGpus(int argc, char** argv) {
  const auto json = jsonSwitch(argc, argv);
  if (!json) return reportError(json.error(), false);
  if (*json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const GpuSpec& g : gpuCatalog()) {
      out.push_back({{"id", g.id},
                     {"name", g.name},
                     {"vendor", g.vendor},
                     {"memoryBytes", g.memoryBytes},
                     {"marketing", g.marketing},
                     {"source", g.source},
                     {"budgetBytes", std::llround(gpuBudgetBytes(g))},
                     {"budgetFraction", g.budgetFraction},
                     {"budgetSource", g.budgetSource}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-22s %-44s %14s %12s\n", "id", "name", "sold as", "usable GiB");
  for (const GpuSpec& g : gpuCatalog()) {
    std::printf("%-22.*s %-44.*s %14.*s %12.2f\n", static_cast<int>(g.id.size()), g.id.data(),
                static_cast<int>(g.name.size()), g.name.data(),
                static_cast<int>(g.marketing.size()), g.marketing.data(), toGiB(gpuBudgetBytes(g)));
  }
  return 0;
}

int runModels(int argc, char** argv) {
  const auto json = jsonSwitch(argc, argv);
  if (!json) return reportError(json.error(), false);
  if (*json) {
    std::cout << modelsToJson() << "\n";
    return 0;
  }
  const auto catalog = modelCatalog();
  if (!catalog) return reportError(catalog.error(), false);
  for (const CatalogModel& m : *catalog) {
    std::printf("%-28s %-36s %s\n", m.id.c_str(), m.name.c_str(), m.hfRepo.c_str());
  }
  return 0;
}

int runModelTypes(int argc, char** argv) {
  const auto json = jsonSwitch(argc, argv);
  if (!json) return reportError(json.error(), false);
  const auto types = supportedModelTypes();
  if (*json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (std::string_view t : types) out.push_back(t);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (std::string_view t : types) {
    std::printf("%.*s\n", static_cast<int>(t.size()), t.data());
  }
  std::printf(
      "\n%zu model_types with a reader of their own. A config.json of any other decoder-only "
      "model_type is read generically from hidden_size, num_hidden_layers, "
      "num_attention_heads, num_key_value_heads, head_dim, intermediate_size, vocab_size and "
      "the like.\n",
      types.size());
  return 0;
}

}  // namespace gpumem::cli
