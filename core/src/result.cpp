// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
#include "gpumem/result.hpp"

namespace gpumem {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kOutOfRange:
      return "out_of_range";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kParseError:
      return "parse_error";
    case ErrorCode::kNeedMoreData:
      return "need_more_data";
  }
  return "unknown";
}

}  // namespace gpumem
