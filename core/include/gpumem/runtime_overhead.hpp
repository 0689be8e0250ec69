// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Memory the runtime takes besides tensors: the CUDA context and the caching allocator's
// reserve above the peak of live tensors.
#pragma once

namespace gpumem {

/// Kernel images CUDA loads on first use (lazy module loading, the default since CUDA 11.7)
/// while a model runs generate(): about 96 MiB on top of the context measured right after
/// initialisation. Measured as nvidia-smi's used memory minus PyTorch's reserved bytes minus
/// the start-up context across the calibration set (70–125 MB, growing as a process runs
/// more kinds of kernels); one shared value, documented in docs/methodology.md.
inline constexpr double kLazyKernelBytes = 96.0 * 1048576.0;

/// PyTorch's caching allocator keeps allocations of 1–10 MiB in 20 MiB segments
/// (kLargeBuffer in c10/cuda/CUDACachingAllocator.cpp): one such segment is partly empty.
inline constexpr double kLargeBufferSegmentBytes = 20.0 * 1048576.0;

/// Share of the KV cache the allocator holds as free, cached segments after generate():
/// DynamicCache grows each layer's K and V with torch.cat, allocating the (t + 1)-token
/// tensor while the t-token one is alive; the freed blocks are one token short of the next
/// request and only become usable when neighbours coalesce, so about half the cache stays
/// reserved but empty. Fitted once on the calibration set (0.48), rounded to ½.
inline constexpr double kCatGrowthReserveShare = 0.5;

}  // namespace gpumem
