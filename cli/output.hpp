// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// What the CLI prints: an answer as a table with its verdict, and errors naming the option.
#pragma once

#include "gpumem/answer.hpp"
#include "gpumem/result.hpp"

namespace gpumem::cli {

/// The breakdown table, the verdict, the GPUs in use and needed, the limits and the notes.
void printAnswer(const Answer& answer);

/// The stack table: one line per fine-tuning stack with its GB per GPU, verdict, longest
/// sequence, largest micro-batch and CPU RAM.
void printStackTable(const std::vector<StackFit>& rows, const std::string& gpuName);

/// Prints `error` naming the command-line option of its field (JSON on stdout with --json,
/// a line on stderr always) and returns the exit code 2.
int reportError(const Error& error, bool json);

}  // namespace gpumem::cli
