// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The CLI's subcommands. Each takes the words after its name and returns the exit code
// (0 ok, 2 bad input).
#pragma once

namespace gpumem::cli {

/// `gpumem estimate [--FLAG VALUE …] [--link FRAGMENT] [--json]`: one scenario's answer.
int runEstimate(int argc, char** argv);
/// `gpumem timeline [--FLAG VALUE …] [--csv|--json]`: the scenario's allocation timeline,
/// one event a line, and the replay's peaks and minimum capacity.
int runTimeline(int argc, char** argv);
/// `gpumem stacks [--FLAG VALUE …] [--json]`: the training scenario under each fine-tuning
/// stack: GB per GPU, verdict, longest sequence, largest micro-batch, CPU RAM.
int runStacks(int argc, char** argv);
/// `gpumem schema [--json]`: every input with its default, range and where it applies.
int runSchema(int argc, char** argv);
/// `gpumem gpus [--json]`: the GPU catalog with the bytes each exposes.
int runGpus(int argc, char** argv);
/// `gpumem models [--json]`: the model catalog.
int runModels(int argc, char** argv);
/// `gpumem model-types [--json]`: the config.json model_types with a reader of their own.
int runModelTypes(int argc, char** argv);
/// `gpumem validate FILE.jsonl [--configs DIR] [--json]`: predicted vs measured.
int runValidate(int argc, char** argv);
/// The usage text of `gpumem help`, with the estimate options from the schema.
void printUsage();

}  // namespace gpumem::cli
