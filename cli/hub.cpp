// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Hub files by https://<endpoint>/<id>/resolve/main/<file>, through libcurl: TLS, redirects
// to the Hub's CDN hosts, and HTTP Range for the start of model.safetensors.
#include "hub.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "files.hpp"
#include "gpumem/model_file.hpp"

namespace gpumem::cli {
namespace {

constexpr const char* kField = "--hf";
/// The most of model.safetensors.index.json the CLI reads.
constexpr std::uint64_t kMaxIndexBytes = 4 * kMaxConfigBytes;

struct Response {
  long status = 0;
  std::string body;
  std::uint64_t cap = 0;
  bool overflowed = false;
  std::optional<std::uint64_t> totalSize;  ///< from Content-Range "bytes a-b/total"
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  const std::size_t n = size * count;
  if (r->body.size() + n > r->cap) {
    r->body.append(data, static_cast<std::size_t>(r->cap - r->body.size()));
    r->overflowed = true;
    return 0;  // stops the transfer: what was asked for is here
  }
  r->body.append(data, n);
  return n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  const std::size_t n = size * count;
  std::string line(data, n);
  std::string lower = line;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with("http/")) r->totalSize.reset();  // a new response after a redirect
  if (lower.starts_with("content-range:")) {
    const auto slash = line.find('/');
    if (slash != std::string::npos) {
      char* end = nullptr;
      const unsigned long long total = std::strtoull(line.c_str() + slash + 1, &end, 10);
      if (end != line.c_str() + slash + 1) r->totalSize = total;
    }
  }
  return n;
}

std::string endpoint() {
  const char* env = std::getenv("HF_ENDPOINT");
  std::string base = env && *env ? env : "https://huggingface.co";
  while (base.ends_with('/')) base.pop_back();
  return base;
}

bool validId(const std::string& id) {
  if (id.empty() || id.size() > 200 || id.front() == '/' || id.back() == '/') return false;
  if (std::count(id.begin(), id.end(), '/') > 1 || id.find("..") != std::string::npos) {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

class Hub {
 public:
  explicit Hub(std::string id) : id_(std::move(id)), base_(endpoint()) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (const char* token = std::getenv("HF_TOKEN"); token && *token) {
      headers_ =
          curl_slist_append(headers_, (std::string("Authorization: Bearer ") + token).c_str());
    }
  }
  ~Hub() {
    curl_slist_free_all(headers_);
    curl_global_cleanup();
  }
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  std::string url(const std::string& file) const {
    return base_ + "/" + id_ + "/resolve/main/" + file;
  }

  /// GET of `file`, at most `cap` bytes kept; `range` asks for the first `cap` bytes only.
  Result<Response> get(const std::string& file, std::uint64_t cap, bool range) {
    Response r;
    r.cap = cap;
    CURL* curl = curl_easy_init();
    if (!curl) return makeError(ErrorCode::kInvalidArgument, kField, "Cannot start libcurl.");
    const std::string address = url(file);
    const std::string bytes = "0-" + std::to_string(cap - 1);
    curl_easy_setopt(curl, CURLOPT_URL, address.c_str());
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "gpumem");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers_);  // not resent to another host
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
    if (range) curl_easy_setopt(curl, CURLOPT_RANGE, bytes.c_str());
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_off_t length = -1;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && r.overflowed)) {
      return makeError(ErrorCode::kInvalidArgument, kField,
                       "Cannot reach " + address + ": " + curl_easy_strerror(code) +
                           ". Check the network or HF_ENDPOINT, or give the files with --config "
                           "and --file.");
    }
    if (!r.totalSize && r.status == 200 && length >= 0)
      r.totalSize = static_cast<std::uint64_t>(length);
    return r;
  }

  /// An Error for a status other than 200/206.
  Error statusError(const std::string& file, long status) const {
    if (status == 401 || status == 403) {
      return makeError(ErrorCode::kInvalidArgument, kField,
                       id_ + " is gated or private (HTTP " + std::to_string(status) + " for " +
                           file +
                           "): log in on the Hub and accept the licence, then "
                           "set HF_TOKEN to an access token, or give its config.json with "
                           "--config.");
    }
    if (status == 404) {
      return makeError(ErrorCode::kInvalidArgument, kField,
                       "No model " + id_ + " on " + base_ + " (HTTP 404 for " + file +
                           "); check the id, written ORG/NAME.");
    }
    return makeError(ErrorCode::kInvalidArgument, kField,
                     "The Hub answered HTTP " + std::to_string(status) + " for " + url(file) + ".");
  }

  const std::string& id() const { return id_; }

 private:
  std::string id_;
  std::string base_;
  curl_slist* headers_ = nullptr;
};

Result<ModelFile> readModel(const std::string& name, const std::string& bytes, std::uint64_t size) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  return readModelFile(name, std::span<const std::uint8_t>(data, bytes.size()), size);
}

/// The header of model.safetensors, read by Range requests that grow until it is whole;
/// nullopt when the repository has no model.safetensors.
Result<std::optional<ModelFile>> safetensorsHeader(Hub& hub) {
  const std::string name = "model.safetensors";
  std::uint64_t length = 1u << 20;
  for (;;) {
    const auto r = hub.get(name, length, true);
    if (!r) return r.error();
    if (r->status == 404) return std::optional<ModelFile>();
    if (r->status != 200 && r->status != 206) return hub.statusError(name, r->status);
    const std::uint64_t size = r->totalSize.value_or(r->body.size());
    auto model = readModel(hub.id() + "/" + name, r->body, size);
    if (model) return std::optional<ModelFile>(std::move(*model));
    const bool whole = r->body.size() >= size;
    if (model.error().code != ErrorCode::kNeedMoreData && whole) {
      return makeError(ErrorCode::kParseError, kField,
                       "The header of " + name + " of " + hub.id() +
                           " is truncated or damaged: " + model.error().message);
    }
    if (model.error().code != ErrorCode::kNeedMoreData) {
      return makeError(model.error().code, kField,
                       name + " of " + hub.id() + ": " + model.error().message);
    }
    if (r->body.size() < length || whole) {
      return makeError(ErrorCode::kParseError, kField,
                       "The header of " + name + " of " + hub.id() +
                           " is truncated: the file ends (at " + std::to_string(r->body.size()) +
                           " bytes) before the header its first 8 bytes announce.");
    }
    if (length >= kMaxHeaderBytes) {
      return makeError(ErrorCode::kOutOfRange, kField,
                       "The header of " + name + " of " + hub.id() +
                           " is larger than 64 MiB; gpumem stops there.");
    }
    length = std::min<std::uint64_t>(length * 4, kMaxHeaderBytes);
  }
}

}  // namespace

Result<HubModel> fetchHubModel(const std::string& id) {
  if (!validId(id)) {
    return makeError(ErrorCode::kInvalidArgument, kField,
                     "\"" + id +
                         "\" is not a Hub model id; write ORG/NAME, as in "
                         "meta-llama/Llama-3.1-8B.");
  }
  Hub hub(id);
  HubModel out;
  const auto config = hub.get("config.json", kMaxConfigBytes + 1, false);
  if (!config) return config.error();
  if (config->status != 200) return hub.statusError("config.json", config->status);
  if (config->overflowed) {
    return makeError(ErrorCode::kOutOfRange, kField,
                     "The config.json of " + id + " is over " + std::to_string(kMaxConfigBytes) +
                         " bytes; gpumem reads no more.");
  }
  out.configJson = config->body;

  const std::string indexName = "model.safetensors.index.json";
  const auto index = hub.get(indexName, kMaxIndexBytes + 1, false);
  if (!index) return index.error();
  if (index->status == 200) {
    if (index->overflowed) {
      return makeError(ErrorCode::kOutOfRange, kField,
                       "The " + indexName + " of " + id + " is over " +
                           std::to_string(kMaxIndexBytes) + " bytes; gpumem reads no more.");
    }
    const auto model = readModel(id + "/" + indexName, index->body, index->body.size());
    if (!model)
      return makeError(model.error().code, kField,
                       indexName + " of " + id + ": " + model.error().message);
    out.fileJson = modelFileToJson(*model);
    return out;
  }
  if (index->status != 404) return hub.statusError(indexName, index->status);
  const auto header = safetensorsHeader(hub);
  if (!header) return header.error();
  if (*header) out.fileJson = modelFileToJson(**header);
  return out;
}

}  // namespace gpumem::cli
