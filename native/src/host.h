// Host-side helpers shared by the CPU kernels and the CUDA host code (no SIMD, no CUDA headers).
#pragma once

#include <cstdint>
#include <vector>

namespace cw {

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

}  // namespace cw
