// Shared pieces of the native engine: band intervals (band.ts), end-of-path values and weights
// (ts-backend.ts endValue / endWeights), the generic scalar kernels and the strip kernels' entry points.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dtw.h"
#include "simd.h"

namespace cw {

class Pool;

/** Sakoe–Chiba band as row intervals lo[i] … hi[i] (band.ts bandRows, same rounding tolerance). */
void bandRows(int N, int M, double r, std::vector<int32_t>& lo, std::vector<int32_t>& hi);
/** The same cells as column intervals: column j admits rows lo[j] … hi[j] (band.ts bandColumns). */
void bandColumns(const std::vector<int32_t>& rlo, const std::vector<int32_t>& rhi, int N, int M,
                 std::vector<int32_t>& lo, std::vector<int32_t>& hi);

/** 1, N, M or N+M. */
inline double normalizer(int norm, int N, int M) {
  return norm == 1 ? N : norm == 2 ? M : norm == 3 ? double(N) + M : 1.0;
}

/**
 * End cells given as offsets + re-centred values (R = hi + lo; lo = +∞ marks an end that is not
 * reachable). Index of the smallest, comparing differences so large offsets do not swamp them; −1 if
 * none is finite.
 */
int endArgmin(const double* hi, const double* lo, int n);
/** Soft-min (γ > 0) or min (γ = 0) of the end values; +∞ when none is finite. */
double endValue(const double* hi, const double* lo, int n, double gamma);
/** ∂value/∂R of every end (soft-min weights; γ = 0: 1 at the argmin). */
void endWeights(const double* hi, const double* lo, int n, double gamma, double* w);

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
