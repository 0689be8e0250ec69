// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Readers of bidirectional encoders served for embeddings and reranking: BERT, RoBERTa and
// XLM-RoBERTa (configuration_bert.py, configuration_xlm_roberta.py; layout per
// modeling_bert.py and modeling_roberta.py), and ModernBERT (configuration_modernbert.py,
// modeling_modernbert.py). The model is what an embedding server loads: AutoModel (with BERT's
// pooler) for an embedding model, the sequence-classification head for a reranker; a masked-
// language-model head in the checkpoint is not loaded and not counted.
#include <algorithm>
#include <cstdint>
#include <string>

#include "gpumem/model_types.hpp"

namespace gpumem::config {
namespace {

/// The first entry of config.json's architectures, or "".
std::string firstArchitecture(const Json& config) {
  const auto it = config.find("architectures");
  if (it == config.end() || !it->is_array() || it->empty() || !it->front().is_string()) return "";
  return it->front().get<std::string>();
}

bool isSequenceClassifier(const Json& config) {
  return firstArchitecture(config).find("ForSequenceClassification") != std::string::npos;
}

/// Outputs of a classification head: num_labels, else the size of id2label, else 2
/// (PretrainedConfig's default).
std::int64_t classifierLabels(const Json& config) {
  if (const auto n = readInt(config, "num_labels"); n && *n > 0) return *n;
  const auto it = config.find("id2label");
  if (it != config.end() && it->is_object() && !it->empty()) {
    return static_cast<std::int64_t>(it->size());
  }
  return 2;
}

/// BERT's and RoBERTa's shared layout: learned absolute positions and token types, a
/// LayerNorm with bias after the embeddings and after attention and MLP (post-norm), biases on
/// every projection, a plain GELU MLP, no final norm and no language-model head.
Result<ModelArchitecture> readBertLayout(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  if (stringOr(config, "position_embedding_type", "absolute") != "absolute") {
    return configError(type + " position_embedding_type \"" +
                       stringOr(config, "position_embedding_type", "") +
                       "\" is not supported; gpumem sizes absolute position embeddings.");
  }
  arch.hiddenAct = stringOr(config, "hidden_act", "gelu");
  arch.mlpKind = MlpKind::kPlain;
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = true;
  arch.finalNorm = false;
  arch.embeddingNorm = true;
  arch.qkvBias = arch.oBias = arch.mlpBias = true;
  arch.tieWordEmbeddings = true;  // no output head over the vocabulary
  arch.learnedPositions = arch.maxPositions;
  arch.attentionDropout = numberOr(config, "attention_probs_dropout_prob", 0.1);
  arch.dropout = numberOr(config, "hidden_dropout_prob", 0.1);
  noSlidingWindow(arch);
  EncoderShape& e = arch.encoder;
  e.present = true;
  e.tokenTypes = intOr(config, "type_vocab_size", 2);
  e.maxTokens = arch.maxPositions;
  if (isSequenceClassifier(config)) e.classifierLabels = classifierLabels(config);
  return requireIntermediate(std::move(arch));
}

}  // namespace

Result<ModelArchitecture> readBert(const Json& config, const std::string& type) {
  auto parsed = readBertLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  // BertModel keeps its pooler (add_pooling_layer=True), BertForSequenceClassification too.
  arch.encoder.pooler = true;
  return arch;
}

Result<ModelArchitecture> readRoberta(const Json& config, const std::string& type) {
  auto parsed = readBertLayout(config, type);
  if (!parsed) return parsed;
  ModelArchitecture arch = std::move(parsed).value();
  EncoderShape& e = arch.encoder;
  // Positions count from padding_idx + 1 (create_position_ids_from_input_ids): 514 rows hold
  // 512 tokens, bge-m3's 8,194 hold 8,192.
  if (arch.maxPositions > 0) {
    e.maxTokens =
        std::max<std::int64_t>(1, arch.maxPositions - intOr(config, "pad_token_id", 1) - 1);
  }
  // RobertaForSequenceClassification builds its encoder without the pooler and classifies
  // through RobertaClassificationHead (dense, then out_proj); AutoModel keeps the pooler.
  e.pooler = e.classifierLabels == 0;
  e.classifierDense = e.classifierLabels > 0;
  return arch;
}

Result<ModelArchitecture> readModernBert(const Json& config, const std::string& type) {
  auto common = readCommon(config, type);
  if (!common) return common;
  ModelArchitecture arch = std::move(common).value();
  arch.hiddenAct = stringOr(config, "hidden_activation", "gelu");
  arch.mlpKind = MlpKind::kGated;  // Wi: hidden → 2 × intermediate, act(input) ⊙ gate, Wo
  arch.mlpBias = boolOr(config, "mlp_bias", false);
  arch.qkvBias = arch.oBias = boolOr(config, "attention_bias", false);
  arch.fusedQkv = true;  // Wqkv
  arch.normKind = NormKind::kLayerNorm;
  arch.normHasBias = boolOr(config, "norm_bias", false);
  arch.omittedNorms = 1;  // layer 0's attn_norm is nn.Identity
  arch.finalNorm = true;
  arch.embeddingNorm = true;
  arch.tieWordEmbeddings = true;  // the MLM decoder is not loaded for embeddings
  arch.attentionDropout = numberOr(config, "attention_dropout", 0);
  // Every global_attn_every_n_layers-th layer (from layer 0) attends globally, the others to a
  // local window of local_attention tokens (half on each side).
  const std::int64_t every =
      std::max<std::int64_t>(1, intOr(config, "global_attn_every_n_layers", 3));
  setSlidingLayers(config, arch, 128, [every](std::int64_t i) { return i % every != 0; });
  arch.slidingWindow = intOr(config, "local_attention", 128);
  EncoderShape& e = arch.encoder;
  e.present = true;
  e.preNorm = true;
  e.rotary = true;
  e.maxTokens = arch.maxPositions > 0 ? arch.maxPositions : 8192;
  if (isSequenceClassifier(config)) {
    e.classifierLabels = classifierLabels(config);
    e.classifierDense = true;
    e.classifierDenseBias = boolOr(config, "classifier_bias", false);
    e.classifierNorm = true;
  }
  return requireIntermediate(std::move(arch));
}

}  // namespace gpumem::config
