// runBatch: validation of what the kernels rely on, and the schedule. Items run either one per thread
// (many items, or small ones) or one after another with every thread on the tiles of the item (few large
// items: batch 1 still uses all threads). See docs/native.md "Threads".
#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "internal.h"
#include "pool.h"

namespace cw {

namespace {

/** Items of at least this many cells get the tile pipeline when there are too few items to share out. */
constexpr double TILE_MIN_CELLS = 1 << 16;

void check(const Batch& b, const Options& o) {
  if (o.K < 1 || o.K > 32) throw std::runtime_error("native DTW: 1 to 32 steps expected");
  for (int k = 0; k < o.K; k++) {
    if (o.di[k] < 0 || o.dj[k] < 0 || o.di[k] + o.dj[k] < 1 || o.di[k] > 64 || o.dj[k] > 64)
      throw std::runtime_error("native DTW: invalid step");
    if (!(o.w[k] > 0)) throw std::runtime_error("native DTW: step weights must be > 0");
  }
  if (!(o.gamma >= 0) || !std::isfinite(o.gamma)) throw std::runtime_error("native DTW: gamma must be ≥ 0");
  for (int i = 0; i < b.B; i++) {
    const double N = b.n[i], M = b.m[i], s = b.stride[i], off = b.offset[i];
    if (N < 1 || M < 1 || s < M) throw std::runtime_error("native DTW: item " + std::to_string(i) + " has a bad shape");
    if (!(off >= 0) || off != std::floor(off) || off + (N - 1) * s + M > double(b.costLen))
      throw std::runtime_error("native DTW: item " + std::to_string(i) + " overruns the cost buffer");
  }
}

template <class T>
void runTyped(const Batch& b, const Options& o, Output& out, const RunConfig& cfg) {
  const T* C = static_cast<const T*>(b.cost);
  T* G = static_cast<T*>(out.grad);
  const int B = b.B;
  const int threads = std::max(1, cfg.threads);
  std::vector<ItemRef> items(B);
  std::vector<double> cells(B);
  for (int i = 0; i < B; i++) {
    ItemRef& it = items[i];
    it.N = b.n[i];
    it.M = b.m[i];
    it.off = size_t(b.offset[i]);
    it.stride = b.stride[i];
    it.scale = 1.0 / normalizer(o.normalize, it.N, it.M);
    cells[i] = double(it.N) * it.M;
  }
  const bool strip = cfg.forceKernel != 1 && stripEligible(o);
  const bool hard = o.gamma == 0;
  const bool wantPath = hard && o.path && out.paths != nullptr;
  if (wantPath) out.paths->assign(B, {});
  Pool& pool = Pool::instance();

  auto one = [&](int i, int nthreads) {
    std::vector<int32_t>* path = wantPath ? &(*out.paths)[i] : nullptr;
    if (strip)
      runStripItem<T>(C, items[i], o, &out.values[i], G, path, cfg, &pool, nthreads);
    else
      runGenericItem<T>(C, items[i], o, &out.values[i], G, path);
  };

  // which items get all threads on their tiles, which are shared out one per thread
  std::vector<int> tiled, shared;
  for (int i = 0; i < B; i++) {
    bool tile;
    if (cfg.forceSchedule == 2) tile = strip;
    else if (cfg.forceSchedule == 1) tile = false;
    else tile = strip && threads > 1 && B < 2 * threads && cells[i] >= TILE_MIN_CELLS;
    (tile ? tiled : shared).push_back(i);
  }
  for (int i : tiled) one(i, threads);
  if (shared.empty()) return;
  // largest first, taken from a shared counter
  std::stable_sort(shared.begin(), shared.end(), [&](int a, int c) { return cells[a] > cells[c]; });
  if (threads == 1 || shared.size() == 1) {
    for (int i : shared) one(i, 1);
    return;
  }
  std::atomic<size_t> next{0};
  pool.run(std::min<int>(threads, int(shared.size())), [&](int, int) {
    for (size_t k; (k = next.fetch_add(1)) < shared.size();) one(shared[k], 1);
  });
}

}  // namespace

void runBatch(const Batch& b, const Options& o, Output& out, const RunConfig& cfg) {
  check(b, o);
  FpuGuard fpu;
  if (b.dtype == Dtype::F64)
    runTyped<double>(b, o, out, cfg);
  else
    runTyped<float>(b, o, out, cfg);
}

}  // namespace cw
