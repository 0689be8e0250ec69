// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// `gpumem estimate`: every option is a field of the scenario schema, under its own flag.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <string_view>

#include "args.hpp"
#include "commands.hpp"
#include "files.hpp"
#include "gpumem/answer.hpp"
#include "gpumem/scenario.hpp"
#include "gpumem/scenario_link.hpp"
#include "gpumem/timeline.hpp"
#include "hub.hpp"
#include "output.hpp"

namespace gpumem::cli {
namespace {

using Values = std::map<std::string, std::string, std::less<>>;

OptionSpec estimateOptions() {
  OptionSpec spec{{"link", "hf"}, {"json", "help"}};
  for (const FieldSpec& f : scenarioSchema()) {
    if (f.flag.empty()) continue;
    (f.type == FieldType::kBoolean ? spec.switches : spec.valued).emplace_back(f.flag);
  }
  return spec;
}

/// The value a flag gives its field: file contents for --config and --file.
Result<std::string> fieldValue(const FieldSpec& f, const std::string& text) {
  if (f.name == "config") return readSmallFile(text, kMaxConfigBytes, "config");
  if (f.name == "file") {
    const auto model = readModelFileHeader(text);
    if (!model) return model.error();
    return modelFileToJson(*model);
  }
  return text;
}

Result<Values> valuesFrom(const Args& args) {
  Values values;
  if (const auto link = args.get("link")) {
    const auto decoded = decodeScenarioLink(*link);
    if (!decoded) return decoded.error();
    values = decoded->values;
  }
  if (const auto id = args.get("hf")) {  // the Hub's files; --config and --file still win
    const auto hub = fetchHubModel(*id);
    if (!hub) return hub.error();
    values.insert_or_assign("config", hub->configJson);
    if (hub->fileJson) values.insert_or_assign("file", *hub->fileJson);
  }
  for (const auto& [flag, text] : args.options) {
    const FieldSpec* f = findFieldByFlag(flag);
    if (!f) continue;  // --link, --hf
    const auto value = fieldValue(*f, text);
    if (!value) return value.error();
    values.insert_or_assign(std::string(f->name), *value);
  }
  for (const std::string& flag : args.flags) {
    if (const FieldSpec* f = findFieldByFlag(flag))
      values.insert_or_assign(std::string(f->name), "true");
  }
  return values;
}

/// The scenario a command's options describe (`command` takes options only), strictly
/// parsed: an unknown or inapplicable option is an error naming it.
Result<Scenario> scenarioFrom(const Args& args, std::string_view command) {
  if (!args.positional.empty()) {
    return makeError(ErrorCode::kInvalidArgument, "",
                     std::string(command) + " takes options only; \"" + args.positional.front() +
                         "\" is not one (options start with --).");
  }
  const auto values = valuesFrom(args);
  if (!values) return values.error();
  return parseScenario(*values, Strictness::kStrict);
}

}  // namespace

int runEstimate(int argc, char** argv) {
  const auto args = parseArgs(argc, argv, 2, estimateOptions());
  if (!args) return reportError(args.error(), false);
  const bool json = args->hasFlag("json");
  if (args->hasFlag("help")) {
    printUsage();
    return 0;
  }
  const auto scenario = scenarioFrom(*args, "estimate");
  if (!scenario) return reportError(scenario.error(), json);
  const auto answer = evaluate(*scenario);
  if (!answer) return reportError(answer.error(), json);
  if (json) {
    std::cout << answerToJson(*answer) << "\n";
  } else {
    printAnswer(*answer);
  }
  return 0;
}

}  // namespace gpumem::cli

namespace gpumem::cli {

int runStacks(int argc, char** argv) {
  const auto args = parseArgs(argc, argv, 2, estimateOptions());
  if (!args) return reportError(args.error(), false);
  const bool json = args->hasFlag("json");
  const auto scenario = scenarioFrom(*args, "stacks");
  if (!scenario) return reportError(scenario.error(), json);
  const auto rows = stackTable(*scenario);
  if (!rows) return reportError(rows.error(), json);
  if (json) {
    std::printf("%s\n", stackTableToJson(*rows).c_str());
    return 0;
  }
  const auto answer = evaluate(*scenario, kVerdictOnly);
  printStackTable(*rows, answer ? answer->gpuName : scenario->text("gpu"));
  return 0;
}

int runTimeline(int argc, char** argv) {
  OptionSpec spec = estimateOptions();
  spec.switches.emplace_back("csv");
  const auto args = parseArgs(argc, argv, 2, spec);
  if (!args) return reportError(args.error(), false);
  const bool json = args->hasFlag("json");
  const auto scenario = scenarioFrom(*args, "timeline");
  if (!scenario) return reportError(scenario.error(), json);
  const auto events = scenarioTimeline(*scenario);
  if (!events) return reportError(events.error(), json);
  if (args->hasFlag("csv")) {
    std::fputs(timelineToCsv(*events).c_str(), stdout);
    return 0;
  }
  const TimelineSummary summary = summarizeTimeline(*events);
  if (json) {
    std::printf("%s\n", timelineToJson(*events, summary).c_str());
    return 0;
  }
  const bool inference = scenario->text("task") == "inference";
  std::printf("%zu events (%s on one GPU, bytes above the CUDA context)\n", events->size(),
              inference ? "transformers generate" : "two training steps");
  std::printf("peak allocated   %.3f GB (at %s, %s)\n", summary.peakAllocatedBytes / 1e9,
              summary.peakTensor.c_str(), summary.peakPhase.c_str());
  std::printf("peak reserved    %.3f GB\n", summary.peakReservedBytes / 1e9);
  std::printf("minimum capacity %.3f GB\n", summary.minimumCapacityBytes / 1e9);
  std::printf("(--csv lists the events)\n");
  return 0;
}

}  // namespace gpumem::cli
