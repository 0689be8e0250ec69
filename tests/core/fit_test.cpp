// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// Fit verdicts: a whole job over N GPUs, and a model split over a fixed parallel layout.
#include "gpumem/fit.hpp"

#include <gtest/gtest.h>

#include "gpumem/gpu_catalog.hpp"

using namespace gpumem;

namespace {
GpuSpec h100() { return *findGpu("h100-80gb"); }
}  // namespace

TEST(SplitFit, FitsWhenEachShareFitsAndEnoughGpusAreThere) {
  // 60 GB per GPU over a 4-way split: four 85,017,493,504-byte H100s hold it, two do not.
  const FitVerdict four = assessSplitFit(60e9, 4, h100(), 4);
  EXPECT_TRUE(four.fits);
  EXPECT_EQ(four.gpusNeeded, 4u);
  EXPECT_DOUBLE_EQ(four.headroomBytes, 4 * (85017493504.0 - 60e9));
  const FitVerdict two = assessSplitFit(60e9, 4, h100(), 2);
  EXPECT_FALSE(two.fits);
  EXPECT_EQ(two.gpusNeeded, 4u);
}

TEST(SplitFit, AShareLargerThanOneGpuFitsNoCount) {
  const FitVerdict v = assessSplitFit(90e9, 8, h100(), 64);
  EXPECT_FALSE(v.fits);
  EXPECT_EQ(v.gpusNeeded, 0u);
  EXPECT_LT(v.headroomBytes, 0);
}

TEST(SplitFit, WithoutASplitItIsTheWholeJobVerdict) {
  const FitVerdict split = assessSplitFit(168e9, 1, h100(), 2);
  const FitVerdict whole = assessFit(168e9, h100(), 2);
  EXPECT_EQ(split.gpusNeeded, whole.gpusNeeded);
  EXPECT_EQ(split.fits, whole.fits);
  EXPECT_EQ(whole.gpusNeeded, 2u);  // 168 GB over GPUs of 85.0 GB each
}
