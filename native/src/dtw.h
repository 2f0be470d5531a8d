// The native DTW engine: the same computation as src/core/dtw's TypeScript backend (ts-backend.ts,
// kernels.f64.ts), over the same flat batch layout (types.ts `DtwBatch`). Conventions there: C is N×M,
// C(i, j) at cost[offset[b] + i·stride[b] + j], i over x (frames), j over y (targets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cw {

/** ResolvedDtwOptions, flattened (options.ts). */
struct Options {
  /** Soft-min smoothing γ ≥ 0; 0 = hard DTW. */
  double gamma = 1;
  /** Steps: K ≤ 32, (di, dj) ≥ 0, weight > 0, penalty finite, in the listed order (ties in hard DTW). */
  int K = 0;
  int di[32] = {};
  int dj[32] = {};
  double w[32] = {};
  double p[32] = {};
  /** All weights 1 and penalties 0. */
  bool unitSteps = true;
  /** Sakoe–Chiba radius [rows]; < 0 = no band. */
  double band = -1;
  bool openBegin = false;
  bool openEnd = false;
  /** Diagonal prior: weight ν and k = 1/(2σ²); ν = 0 = none. */
  double priorW = 0;
  double priorK = 0;
  /** 0 none, 1 ÷N, 2 ÷M, 3 ÷(N+M). */
  int normalize = 0;
  bool grad = true;
  bool path = true;
};

enum class Dtype { F64, F32 };

/** A batch (types.ts DtwBatch): B items, item b is n[b]×m[b] at offset[b] with row stride stride[b]. */
struct Batch {
  Dtype dtype = Dtype::F64;
  const void* cost = nullptr;
  size_t costLen = 0;
  int B = 0;
  const int32_t* n = nullptr;
  const int32_t* m = nullptr;
  const double* offset = nullptr;
  const int32_t* stride = nullptr;
};

/** Where results go: values [B]; grad (same type/layout as cost, zero-filled by the caller) or null. */
struct Output {
  double* values = nullptr;
  void* grad = nullptr;
  /** Hard DTW paths (i0, j0, i1, j1, … start → end) per item when wanted, else null. */
  std::vector<std::vector<int32_t>>* paths = nullptr;
};

/** How a call is run. */
struct RunConfig {
  /** Threads to use (≥ 1); the calling thread is one of them. */
  int threads = 1;
  /** Force a kernel for tests: 0 auto, 1 generic scalar, 2 strip SIMD (when the steps allow it). */
  int forceKernel = 0;
  /** Force the scheduling for tests: 0 auto, 1 items over threads, 2 tiles of each item over threads. */
  int forceSchedule = 0;
  /** Strip height in vectors (1, 2 or 4); 0 = chosen per item. For tests. */
  int forceU = 0;
  /** Steps per tile (chunk of a strip); 0 = default. For tests. */
  int chunk = 0;
};

/**
 * Values, gradients and paths of every item (the TS backend's `run`). Thread-safe; concurrent calls
 * share the worker pool (a call that finds it busy runs on its own thread).
 * @throws std::runtime_error on invalid input the JS side should have rejected (sizes, steps)
 */
void runBatch(const Batch& batch, const Options& opts, Output& out, const RunConfig& cfg);

/** Which kernel / schedule / strip height runBatch uses for one item (for tests and the docs). */
struct ItemPlan {
  bool strip;        // SIMD strip kernel (else the generic scalar kernel)
  bool transposed;   // strips run along x (N > M) instead of y
  int rows;          // oriented rows R (the short axis for the strip kernel)
  int cols;          // oriented columns Q
  int U;             // vectors per strip
  int H;             // rows per strip = U·VL
  int strips;
};
ItemPlan planItem(int N, int M, const Options& opts, const RunConfig& cfg);

/** Compile-time facts about this build: SIMD width, ISA macros, compiler. */
std::string buildInfoJson();
/** CPU features of the running machine (x86: cpuid; else what the compiler targeted). */
std::string cpuFeaturesJson();

}  // namespace cw
