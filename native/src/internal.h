// Shared pieces of the native engine: band intervals (band.ts), end-of-path values and weights
// (ts-backend.ts endValue / endWeights), the generic scalar kernels and the strip kernels' entry points.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dtw.h"
#include "host.h"
#include "simd.h"

namespace cw {

class Pool;

/** One item of a batch, as the kernels see it. */
struct ItemRef {
  int N, M;
  size_t off;
  int stride;
  double scale;  // 1 / normaliser
};

/** The generic scalar kernels (any step set), templated on the storage type of C / grad / weights. */
template <class T>
void runGenericItem(const T* C, const ItemRef& it, const Options& o, double* value, T* grad,
                    std::vector<int32_t>* path);

/** Whether every step is one of (1,1), (1,0), (0,1): the SIMD strip kernel applies. */
bool stripEligible(const Options& o);

/** The strip kernel on one item, with `threads` threads of the pool over its tiles (1 = this thread). */
template <class T>
void runStripItem(const T* C, const ItemRef& it, const Options& o, double* value, T* grad,
                  std::vector<int32_t>* path, const RunConfig& cfg, Pool* pool, int threads);

}  // namespace cw
