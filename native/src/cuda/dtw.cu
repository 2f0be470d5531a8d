// The CUDA backend: soft-DTW forward (values, stored soft-min weights) and backward (E, exp-free) on a GPU,
// the same algorithm as the CPU strip kernel (native/src/strip.cc), one warp per strip of 32 rows.
//
// - Orientation: rows are the short axis (R = min(N, M)), so a strip of 32 rows sweeps Q = max(N, M) + 31
//   anti-diagonal steps; lane k computes cell (i0 + k, t − k) at step t. Neighbours come from warp
//   shuffles (up and diag from lane k − 1, left from the lane itself); lane 0 reads the strip above's last
//   row from a boundary buffer in global memory. Neither length is capped: a strip is any number of
//   steps, and an item is any number of strips.
// - Scheduling: one persistent kernel; every warp takes strips from a global ticket counter in order
//   (items one after another, strips top to bottom), so a strip only ever waits for a strip taken before
//   it by a running warp (no deadlock). A strip publishes its progress every CHUNK steps; the strip below
//   waits until it is CHUNK + 31 steps ahead. The backward pass takes tickets bottom to top.
// - Numerics: column frames as on the CPU (T = R − G_q, κ_q a cost of column q), soft-min weights stored
//   in the forward pass, so the backward pass has no exp at all: no overflow at small γ.
// - Memory: the plan (plan.cc) sizes everything from the items' own N·M (packed costs and gradients,
//   weights ~32·(Q + 31)·k per strip), never from the largest item.
//
// Status: compiled here (CUDA 13, sm 75–90), host plan unit-tested; NOT yet run on a GPU (see docs/native.md).
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "../host.h"
#include "api.h"
#include "plan.h"

namespace cw {
namespace cuda {

namespace {

constexpr unsigned FULL = 0xffffffffu;
constexpr int SLOT_D = 0, SLOT_U = 1, SLOT_L = 2;

using DevItem = HostItem;

/** Options, with the step slots for both orientations. */
struct DevParams {
  double gamma, ig;
  int unit;              // all weights 1, no penalties
  int gslot;             // store ∂R/∂C
  int has[2][3];         // [transposed][slot]
  double w[2][3], pen[2][3];
  int openBegin, openEnd;
  double priorW, priorK;
  int NW;                // stored values per lane and step
  long long totalStrips;
};

__device__ __forceinline__ double dinf() { return __longlong_as_double(0x7ff0000000000000LL); }

__device__ __forceinline__ int ldFlag(const int* p) { return *(const volatile int*)p; }

/** Wait until *flag ≥ need (lane 0 spins, the warp follows). */
__device__ __forceinline__ void waitAtLeast(const int* flag, int need) {
  if ((threadIdx.x & 31) == 0) {
    while (ldFlag(flag) < need) __nanosleep(64);
  }
  __syncwarp();
  __threadfence();
}
/** Wait until *flag ≤ need. */
__device__ __forceinline__ void waitAtMost(const int* flag, int need) {
  if ((threadIdx.x & 31) == 0) {
    while (ldFlag(flag) > need) __nanosleep(64);
  }
  __syncwarp();
  __threadfence();
}
__device__ __forceinline__ void publish(int* flag, int v) {
  __syncwarp();
  __threadfence();
  if ((threadIdx.x & 31) == 0) atomicExch(flag, v);
}

__device__ __forceinline__ long long takeTicket(unsigned long long* ticket) {
  unsigned long long g = 0;
  if ((threadIdx.x & 31) == 0) g = atomicAdd(ticket, 1ull);
  return (long long)__shfl_sync(FULL, g, 0);
}

/** Step range of a strip: min / max over its lanes of (first / last admitted column + lane). */
__device__ void stripRange(const DevItem& it, const int* bandLo, const int* bandHi, int i0, int lane, int& lo,
                           int& hi, int& tlo, int& thi) {
  const int r = i0 + lane;
  if (r < it.R) {
    lo = it.bandOff >= 0 ? bandLo[it.bandOff + r] : 0;
    hi = it.bandOff >= 0 ? bandHi[it.bandOff + r] : it.Q - 1;
  } else {
    lo = 1;
    hi = 0;
  }
  int a = lo <= hi ? lo + lane : INT_MAX;
  int b = lo <= hi ? hi + lane : -1;
  for (int o = 16; o > 0; o >>= 1) {
    a = min(a, __shfl_xor_sync(FULL, a, o));
    b = max(b, __shfl_xor_sync(FULL, b, o));
  }
  tlo = b >= 0 ? a : 0;
  thi = b;
}

template <typename T>
__global__ void fillKernel(T* p, long long n, T v) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    p[i] = v;
}

/** Forward: values T of every cell, the soft-min weights W, the boundaries and the end cells. */
template <typename T, bool THREE>
__global__ void forwardKernel(DevParams p, const DevItem* items, const long long* stripItem, const T* cost,
                              T* W, const long long* wOff, double* bound, const long long* bOff, int* progress,
                              const int* bandLo, const int* bandHi, const double* kap, const double* Ghi,
                              const double* Glo, double* endHi, double* endLo, unsigned long long* ticket) {
  const int lane = threadIdx.x & 31;
  const double INF = dinf();
  for (;;) {
    const long long g = takeTicket(ticket);
    if (g >= p.totalStrips) return;
    const DevItem it = items[stripItem[g]];
    const int s = int(g - it.strip0);
    const int i0 = s * STRIP_ROWS;
    const int r = i0 + lane;
    const bool rowOk = r < it.R;
    const int tr = it.transposed;
    int lo, hi, tlo, thi;
    stripRange(it, bandLo, bandHi, i0, lane, lo, hi, tlo, thi);
    const bool col0Starts = p.openBegin && !tr, row0Starts = p.openBegin && tr;
    const bool colEnds = !(p.openEnd && tr);  // R(r, Q − 1) of every row is kept (closed end: row R − 1)
    const double wD = p.w[tr][SLOT_D], wU = p.w[tr][SLOT_U], wL = p.w[tr][SLOT_L];
    const double pD = p.pen[tr][SLOT_D], pU = p.pen[tr][SLOT_U], pL = p.pen[tr][SLOT_L];
    const bool hD = p.has[tr][SLOT_D], hU = p.has[tr][SLOT_U], hL = p.has[tr][SLOT_L];
    const double invR1 = it.R > 1 ? 1.0 / (it.R - 1) : 0.0, invQ1 = it.Q > 1 ? 1.0 / (it.Q - 1) : 0.0;
    double x = INF, y = INF;
    for (int t = tlo; t <= thi; t++) {
      if (s > 0 && (t - tlo) % CHUNK == 0) waitAtLeast(&progress[g - 1], t + CHUNK + STRIP_ROWS - 1);
      const int q = t - lane;
      const bool ok = rowOk && q >= lo && q <= hi;
      double c = INF;
      if (ok) {
        const long long idx = tr ? (long long)q * it.M + r : (long long)r * it.M + q;
        c = double(cost[it.costOff + idx]);
        if (p.priorW != 0) {
          const double d = r * invR1 - q * invQ1;
          c += p.priorW * (1 - exp(-d * d * p.priorK));
        }
      }
      const double kq = q >= 0 && q < it.Q ? kap[it.colOff + q] : 0.0;
      c -= kq;
      double up = __shfl_up_sync(FULL, x, 1);
      double dg = __shfl_up_sync(FULL, y, 1);
      if (lane == 0) {
        up = INF;
        dg = INF;
        if (s > 0 && q < it.Q) {
          const double* b = bound + bOff[g - 1];
          up = __ldcg(b + q);
          if (q >= 1) dg = __ldcg(b + q - 1);
        }
      }
      up += kq;  // from frame G_q to G_{q−1}
      const double lf = x;
      double sv = INF;  // start (R = 0 in frame G_{q−1})
      if (ok && q == 0 && (r == 0 || col0Starts)) sv = 0;
      else if (ok && r == 0 && row0Starts && q > 0) sv = -(Ghi[it.colOff + q - 1] + Glo[it.colOff + q - 1]);
      const bool isStart = sv < INF;
      double d, o1, o2 = INF;
      if (p.unit) {
        d = hD ? dg : INF;
        d = fmin(d, sv);
        if (THREE) {
          o1 = up;
          o2 = lf;
        } else {
          o1 = hU ? up : (hL ? lf : INF);
        }
      } else {
        d = hD ? dg + wD * c + ((wD - 1) * kq + pD) : INF;
        if (isStart) d = sv + c;
        const double cu = hU ? up + wU * c + ((wU - 1) * kq + pU) : INF;
        const double cl = hL ? lf + wL * c + ((wL - 1) * kq + pL) : INF;
        if (THREE) {
          o1 = cu;
          o2 = cl;
        } else {
          o1 = hU ? cu : cl;
        }
      }
      double m = fmin(d, o1);
      if (THREE) m = fmin(m, o2);
      double val = INF, pd = 0, p1 = 0, p2 = 0;
      if (m < INF) {
        const double ed = exp((m - d) * p.ig), e1 = exp((m - o1) * p.ig), e2 = THREE ? exp((m - o2) * p.ig) : 0.0;
        const double sum = ed + e1 + e2;
        const double lg = m - p.gamma * log(sum);
        val = p.unit ? c + lg : lg;
        const double inv = 1.0 / sum;
        pd = ed * inv;
        p1 = e1 * inv;
        p2 = e2 * inv;
      }
      if (W != nullptr && t >= 0) {
        T* wp = W + wOff[g] + (long long)t * p.NW * STRIP_ROWS + lane;
        wp[0] = T(pd);
        wp[STRIP_ROWS] = T(p1);
        if (THREE) wp[2 * STRIP_ROWS] = T(p2);
        if (p.gslot) {
          double gs = pd * (isStart ? 1.0 : wD) + (THREE ? p1 * wU + p2 * wL : p1 * (hU ? wU : wL));
          wp[(THREE ? 3 : 2) * STRIP_ROWS] = T(gs);
        }
      }
      y = x;
      x = val;
      if (lane == STRIP_ROWS - 1 && s + 1 < it.nStrips && q >= 0 && q < it.Q) bound[bOff[g] + q] = x;
      if (rowOk && colEnds && q == it.Q - 1) {
        // R = G_{Q−1} + x as (hi, lo)
        if (x < INF) {
          const double gh = Ghi[it.colOff + q], gl = Glo[it.colOff + q];
          endHi[it.endOff + r] = gh;
          endLo[it.endOff + r] = gl + x;
        } else {
          endHi[it.endOff + r] = 0;
          endLo[it.endOff + r] = INF;
        }
      }
      if (!colEnds && r == it.R - 1 && q >= 0 && q < it.Q) {
        endHi[it.endOff + q] = x < INF ? Ghi[it.colOff + q] : 0.0;
        endLo[it.endOff + q] = x < INF ? Glo[it.colOff + q] + x : INF;
      }
      if ((t - tlo + 1) % CHUNK == 0) publish(&progress[g], t + 1);
    }
    publish(&progress[g], INT_MAX);
  }
}

/** Value and end weights of every item (one thread each). */
__global__ void finishKernel(DevParams p, const DevItem* items, int B, const double* endHi, const double* endLo,
                             double* endW, double* values, int* live) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= B) return;
  const DevItem it = items[b];
  const double INF = dinf();
  const bool rowEnds = p.openEnd && it.transposed;
  const bool open = p.openEnd;
  const int n = rowEnds ? it.Q : it.R;
  const double* hi = endHi + it.endOff;
  const double* lo = endLo + it.endOff;
  double* w = endW + it.endOff;
  for (int i = 0; i < n; i++) w[i] = 0;
  double raw = INF;
  if (!open) {
    if (lo[it.R - 1] < INF) {
      raw = hi[it.R - 1] + lo[it.R - 1];
      w[it.R - 1] = 1;
    }
  } else {
    int k = -1;
    for (int i = 0; i < n; i++)
      if (lo[i] < INF && (k < 0 || (hi[i] - hi[k]) + (lo[i] - lo[k]) < 0)) k = i;
    if (k >= 0) {
      double sum = 0;
      for (int i = 0; i < n; i++)
        if (lo[i] < INF) {
          w[i] = exp(fmin(0.0, -((hi[i] - hi[k]) + (lo[i] - lo[k])) / p.gamma));
          sum += w[i];
        }
      for (int i = 0; i < n; i++) w[i] /= sum;
      raw = hi[k] + lo[k] - p.gamma * log(sum);
    }
  }
  values[b] = raw * it.scale;
  live[b] = raw < INF;
}

/** Backward: E from the stored weights (strips bottom to top), the gradient into the packed layout. */
template <typename T, bool THREE>
__global__ void backwardKernel(DevParams p, const DevItem* items, const long long* stripItem, const T* W,
                               const long long* wOff, double* bU, double* bD, const long long* bOff, int* progress,
                               const int* bandLo, const int* bandHi, const double* endW, const int* live, T* grad,
                               unsigned long long* ticket) {
  const int lane = threadIdx.x & 31;
  for (;;) {
    const long long j = takeTicket(ticket);
    if (j >= p.totalStrips) return;
    const long long b = stripItem[j];
    const DevItem it = items[b];
    const int s = it.nStrips - 1 - int(j - it.strip0);  // bottom strip first
    const long long g = it.strip0 + s;
    if (!live[b]) {
      publish(&progress[g], INT_MIN);
      continue;
    }
    const int i0 = s * STRIP_ROWS;
    const int r = i0 + lane;
    const bool rowOk = r < it.R;
    const int tr = it.transposed;
    int lo, hi, tlo, thi;
    stripRange(it, bandLo, bandHi, i0, lane, lo, hi, tlo, thi);
    const bool rowEnds = p.openEnd && tr;
    const bool upRoute = THREE || p.has[tr][SLOT_U];
    double EL = 0, EU = 0, ED1 = 0, ED2 = 0;
    for (int t = thi; t >= tlo; t--) {
      if (s + 1 < it.nStrips && (thi - t) % CHUNK == 0)
        waitAtMost(&progress[g + 1], max(t - CHUNK + 1, tlo) - STRIP_ROWS);
      const int q = t - lane;
      double nU = __shfl_down_sync(FULL, EU, 1);
      double nD = __shfl_down_sync(FULL, ED2, 1);
      if (lane == STRIP_ROWS - 1) {
        nU = 0;
        nD = 0;
        if (s + 1 < it.nStrips) {
          const long long o = bOff[g];
          if (q >= 0 && q < it.Q) nU = __ldcg(bU + o + q);
          if (q + 1 >= 0 && q + 1 < it.Q) nD = __ldcg(bD + o + q + 1);
        }
      }
      double E = EL + nD + (upRoute ? nU : 0.0);
      if (rowOk && q == it.Q - 1 && !rowEnds) E += endW[it.endOff + r];
      if (rowEnds && r == it.R - 1 && q >= 0 && q < it.Q) E += endW[it.endOff + q];
      const T* wp = W + wOff[g] + (long long)t * p.NW * STRIP_ROWS + lane;
      const double ewd = E * double(wp[0]);
      const double ew1 = E * double(wp[STRIP_ROWS]);
      ED2 = ED1;
      ED1 = ewd;
      if (THREE) {
        EU = ew1;
        EL = E * double(wp[2 * STRIP_ROWS]);
      } else if (upRoute) {
        EU = ew1;
      } else {
        EL = ew1;
      }
      if (lane == 0 && s > 0 && q >= 0 && q < it.Q) {
        const long long o = bOff[g - 1];
        bU[o + q] = upRoute ? EU : 0.0;
        bD[o + q] = ED1;
      }
      if (rowOk && q >= lo && q <= hi) {
        const double gs = p.gslot ? double(wp[(THREE ? 3 : 2) * STRIP_ROWS]) : 1.0;
        const long long idx = tr ? (long long)q * it.M + r : (long long)r * it.M + q;
        grad[it.costOff + idx] = T(E * gs * it.scale);
      }
      if ((thi - t + 1) % CHUNK == 0) publish(&progress[g], t);
    }
    publish(&progress[g], INT_MIN);
  }
}

struct Arena {
  void* base = nullptr;
  size_t used = 0, cap = 0;
  ~Arena() {
    if (base) cudaFree(base);
  }
  template <class X>
  X* take(size_t n) {
    used = (used + 255) / 256 * 256;
    X* p = reinterpret_cast<X*>(static_cast<char*>(base) + used);
    used += n * sizeof(X);
    return p;
  }
};

#define CW_CHECK(expr)                                                                   \
  do {                                                                                   \
    cudaError_t e_ = (expr);                                                             \
    if (e_ != cudaSuccess) {                                                             \
      err = std::string(#expr) + ": " + cudaGetErrorName(e_) + " (" + cudaGetErrorString(e_) + ")"; \
      return false;                                                                      \
    }                                                                                    \
  } while (0)

template <class T>
bool runTyped(const Batch& batch, const Options& o, Output& out, std::string& err) {
  const int B = batch.B;
  const T* C = static_cast<const T*>(batch.cost);
  int dev = 0;
  CW_CHECK(cudaGetDevice(&dev));
  cudaDeviceProp prop;
  CW_CHECK(cudaGetDeviceProperties(&prop, dev));
  // steps → slots, per orientation
  DevParams p{};
  p.gamma = o.gamma;
  p.ig = 1.0 / o.gamma;
  p.unit = o.unitSteps;
  p.gslot = !o.unitSteps;
  p.openBegin = o.openBegin;
  p.openEnd = o.openEnd;
  p.priorW = o.priorW;
  p.priorK = o.priorK;
  for (int tr = 0; tr < 2; tr++)
    for (int k = 0; k < o.K; k++) {
      int dr = o.di[k], dq = o.dj[k];
      if (tr) std::swap(dr, dq);
      const int slot = dr == 1 && dq == 1 ? SLOT_D : dr == 1 ? SLOT_U : SLOT_L;
      p.has[tr][slot] = 1;
      p.w[tr][slot] = o.w[k];
      p.pen[tr][slot] = o.p[k];
    }
  for (int tr = 0; tr < 2; tr++)
    for (int sl = 0; sl < 3; sl++)
      if (!p.has[tr][sl]) p.w[tr][sl] = 1;
  const bool three = p.has[0][SLOT_U] && p.has[0][SLOT_L];
  const bool wantGrad = o.grad && out.grad != nullptr;
  PlanInput in;
  in.B = B;
  in.n = batch.n;
  in.m = batch.m;
  in.elemBytes = sizeof(T);
  in.grad = wantGrad;
  in.threeSlots = three;
  in.gslot = p.gslot;
  in.smCount = prop.multiProcessorCount;
  Plan plan;
  if (!makePlan(in, plan, err)) return false;
  p.NW = plan.storedPerCell;
  p.totalStrips = plan.totalStrips;
  // host tables: items, bands, column frames (plan.cc, unit-tested on the CPU)
  Tables tab;
  makeTables(plan, in, batch.cost, batch.offset, batch.stride, o.band, o.normalize, tab);
  const std::vector<DevItem>& items = tab.items;
  const std::vector<int>& bandLo = tab.bandLo;
  const std::vector<int>& bandHi = tab.bandHi;
  const long long col = (long long)tab.kap.size() - 1;
  // one device allocation
  const size_t S = size_t(plan.totalStrips);
  const size_t cells = size_t(plan.costOffset[B]);
  const size_t ends = size_t(plan.endOffset[B]) + 1;
  size_t bytes = plan.bytes + (items.size() * sizeof(DevItem)) + S * 8 * 3 + (bandLo.size() * 8) +
                 size_t(col + 1) * 24 + ends * 8 + size_t(B) * 16 + 40 * 256;
  Arena A;
  CW_CHECK(cudaMalloc(&A.base, bytes));
  A.cap = bytes;
  T* dCost = A.take<T>(cells);
  T* dGrad = wantGrad ? A.take<T>(cells) : nullptr;
  T* dW = wantGrad ? A.take<T>(size_t(plan.weightOffset[S])) : nullptr;
  double* dBU = A.take<double>(size_t(plan.boundaryOffset[S]) + 1);
  double* dBD = A.take<double>(size_t(plan.boundaryOffset[S]) + 1);
  double* dEndHi = A.take<double>(ends);
  double* dEndLo = A.take<double>(ends);
  double* dEndW = A.take<double>(ends);
  int* dProg = A.take<int>(S);
  int* dLive = A.take<int>(B);
  double* dValues = A.take<double>(B);
  unsigned long long* dTicket = A.take<unsigned long long>(1);
  DevItem* dItems = A.take<DevItem>(B);
  long long* dStripItem = A.take<long long>(S);
  long long* dWOff = A.take<long long>(S);
  long long* dBOff = A.take<long long>(S);
  int* dBandLo = A.take<int>(bandLo.size());
  int* dBandHi = A.take<int>(bandHi.size());
  double* dKap = A.take<double>(size_t(col) + 1);
  double* dGhi = A.take<double>(size_t(col) + 1);
  double* dGlo = A.take<double>(size_t(col) + 1);
  if (A.used > A.cap) {
    err = "internal: device arena too small";
    return false;
  }
  cudaStream_t stream;
  CW_CHECK(cudaStreamCreate(&stream));
  struct StreamGuard {
    cudaStream_t s;
    ~StreamGuard() { cudaStreamDestroy(s); }
  } guard{stream};
  // copies in: costs packed (2D copies skip any padding of the caller's layout), tables
  for (int b = 0; b < B; b++) {
    const size_t e = sizeof(T);
    CW_CHECK(cudaMemcpy2DAsync(dCost + plan.costOffset[b], size_t(batch.m[b]) * e, C + size_t(batch.offset[b]),
                               size_t(batch.stride[b]) * e, size_t(batch.m[b]) * e, size_t(batch.n[b]),
                               cudaMemcpyHostToDevice, stream));
  }
  std::vector<long long> stripItem(plan.stripItem.begin(), plan.stripItem.end());
  std::vector<long long> wOff(plan.weightOffset.begin(), plan.weightOffset.end() - 1);
  std::vector<long long> bOff(plan.boundaryOffset.begin(), plan.boundaryOffset.end() - 1);
  CW_CHECK(cudaMemcpyAsync(dItems, items.data(), B * sizeof(DevItem), cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dStripItem, stripItem.data(), S * 8, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dWOff, wOff.data(), S * 8, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dBOff, bOff.data(), S * 8, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dBandLo, bandLo.data(), bandLo.size() * 4, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dBandHi, bandHi.data(), bandHi.size() * 4, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dKap, tab.kap.data(), size_t(col) * 8, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dGhi, tab.Ghi.data(), size_t(col) * 8, cudaMemcpyHostToDevice, stream));
  CW_CHECK(cudaMemcpyAsync(dGlo, tab.Glo.data(), size_t(col) * 8, cudaMemcpyHostToDevice, stream));
  const double INF = INFINITY;
  fillKernel<double><<<256, 256, 0, stream>>>(dBU, (long long)plan.boundaryOffset[S] + 1, INF);
  fillKernel<double><<<64, 256, 0, stream>>>(dEndLo, (long long)ends, INF);
  CW_CHECK(cudaMemsetAsync(dEndHi, 0, ends * 8, stream));
  CW_CHECK(cudaMemsetAsync(dProg, 0, S * 4, stream));
  CW_CHECK(cudaMemsetAsync(dTicket, 0, 8, stream));
  const int blocks = plan.blocks, threads = plan.threadsPerBlock;
  if (three)
    forwardKernel<T, true><<<blocks, threads, 0, stream>>>(p, dItems, dStripItem, dCost, dW, dWOff, dBU, dBOff,
                                                           dProg, dBandLo, dBandHi, dKap, dGhi, dGlo, dEndHi, dEndLo,
                                                           dTicket);
  else
    forwardKernel<T, false><<<blocks, threads, 0, stream>>>(p, dItems, dStripItem, dCost, dW, dWOff, dBU, dBOff,
                                                            dProg, dBandLo, dBandHi, dKap, dGhi, dGlo, dEndHi,
                                                            dEndLo, dTicket);
  CW_CHECK(cudaGetLastError());
  finishKernel<<<(B + 127) / 128, 128, 0, stream>>>(p, dItems, B, dEndHi, dEndLo, dEndW, dValues, dLive);
  CW_CHECK(cudaGetLastError());
  if (wantGrad) {
    CW_CHECK(cudaMemsetAsync(dGrad, 0, cells * sizeof(T), stream));
    CW_CHECK(cudaMemsetAsync(dBU, 0, (size_t(plan.boundaryOffset[S]) + 1) * 8, stream));
    CW_CHECK(cudaMemsetAsync(dBD, 0, (size_t(plan.boundaryOffset[S]) + 1) * 8, stream));
    fillKernel<int><<<64, 256, 0, stream>>>(dProg, (long long)S, INT_MAX);
    CW_CHECK(cudaMemsetAsync(dTicket, 0, 8, stream));
    if (three)
      backwardKernel<T, true><<<blocks, threads, 0, stream>>>(p, dItems, dStripItem, dW, dWOff, dBU, dBD, dBOff,
                                                              dProg, dBandLo, dBandHi, dEndW, dLive, dGrad, dTicket);
    else
      backwardKernel<T, false><<<blocks, threads, 0, stream>>>(p, dItems, dStripItem, dW, dWOff, dBU, dBD, dBOff,
                                                               dProg, dBandLo, dBandHi, dEndW, dLive, dGrad, dTicket);
    CW_CHECK(cudaGetLastError());
    // copies out: each item's rows into the caller's layout (its padding is left as it is: zeros)
    T* G = static_cast<T*>(out.grad);
    for (int b = 0; b < B; b++) {
      const size_t e = sizeof(T);
      CW_CHECK(cudaMemcpy2DAsync(G + size_t(batch.offset[b]), size_t(batch.stride[b]) * e, dGrad + plan.costOffset[b],
                                 size_t(batch.m[b]) * e, size_t(batch.m[b]) * e, size_t(batch.n[b]),
                                 cudaMemcpyDeviceToHost, stream));
    }
  }
  CW_CHECK(cudaMemcpyAsync(out.values, dValues, B * 8, cudaMemcpyDeviceToHost, stream));
  CW_CHECK(cudaStreamSynchronize(stream));
  return true;
}

}  // namespace

bool supports(const Options& o, std::string& why) {
  if (o.gamma == 0) {
    why = "hard DTW (γ = 0) and its path run on the CPU backends";
    return false;
  }
  for (int k = 0; k < o.K; k++) {
    const int a = o.di[k], b = o.dj[k];
    if (!((a == 1 && b == 1) || (a == 1 && b == 0) || (a == 0 && b == 1))) {
      why = "custom steps beyond (1,1), (1,0), (0,1) run on the CPU backends";
      return false;
    }
  }
  return true;
}

Probe probe() {
  static std::once_flag once;
  static Probe cached;
  std::call_once(once, [] {
    Probe& p = cached;
    p.compiled = true;
    cudaRuntimeGetVersion(&p.runtimeVersion);
    cudaDriverGetVersion(&p.driverVersion);
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      p.reason = std::string("no CUDA device: cudaGetDeviceCount returned ") + std::to_string(int(e)) + " (" +
                 cudaGetErrorName(e) + ": " + cudaGetErrorString(e) + ")" +
                 (p.driverVersion == 0 ? "; no NVIDIA driver (libcuda.so) was found" : "");
      cudaGetLastError();
      return;
    }
    if (n == 0) {
      p.reason = "no CUDA device: cudaGetDeviceCount found 0 devices";
      return;
    }
    for (int i = 0; i < n; i++) {
      cudaDeviceProp prop;
      if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
      Device d;
      d.name = prop.name;
      d.totalMemory = prop.totalGlobalMem;
      d.cc = std::to_string(prop.major) + "." + std::to_string(prop.minor);
      d.sms = prop.multiProcessorCount;
      p.devices.push_back(d);
    }
    p.available = !p.devices.empty();
    if (!p.available) p.reason = "no CUDA device: cudaGetDeviceProperties failed on every device";
  });
  return cached;
}

bool run(const Batch& batch, const Options& opts, Output& out, std::string& err) {
  const Probe pr = probe();
  if (!pr.available) {
    err = pr.reason;
    return false;
  }
  if (!supports(opts, err)) return false;
  return batch.dtype == Dtype::F64 ? runTyped<double>(batch, opts, out, err) : runTyped<float>(batch, opts, out, err);
}

}  // namespace cuda
}  // namespace cw
