// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Errors as values: every fallible core function returns Result<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace gpumem {

/// Why a request could not be answered. Stable; the bindings turn it into a string.
enum class ErrorCode {
  kInvalidArgument,  ///< malformed text, unknown name
  kOutOfRange,       ///< a number outside the range the estimator accepts
  kUnsupported,      ///< well-formed but not something the estimator models
  kParseError,       ///< a document (JSON, file header) that cannot be read
  kNeedMoreData,     ///< a file header continues past the bytes given; read more
};

/// The short name of an error code, e.g. "invalid_argument".
const char* errorCodeName(ErrorCode code);

/// An error that names the input field at fault and says, for a person, what is wrong.
struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string field;    ///< the input at fault, e.g. "params"; empty when not one field
  std::string message;  ///< a complete sentence for the user
};

/// A value or an Error. No exceptions cross any boundary of the core.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Builds an Error for `field` with `message`.
inline Error makeError(ErrorCode code, std::string field, std::string message) {
  return Error{code, std::move(field), std::move(message)};
}

}  // namespace gpumem
