// The generic scalar kernels: any step set (up to 32 steps of up to 64 cells), soft or hard, with the
// options of the engine. A line-by-line port of src/core/dtw/kernels.f64.ts genericForward /
// genericBackward / hardBacktrack (rows re-centred: T(a, ·) = R(a, ·) − b_a) and of the dispatch in
// ts-backend.ts, so that custom step sets give the TS backend's numbers. One item per thread.
#include <algorithm>
#include <stdexcept>

#include "internal.h"

namespace cw {

void bandRows(int N, int M, double r, std::vector<int32_t>& lo, std::vector<int32_t>& hi) {
  lo.assign(N, 0);
  hi.assign(N, 0);
  const double s = N > 1 ? double(M - 1) / double(N - 1) : 0;
  for (int i = 0; i < N; i++) {
    if (N == 1) {
      lo[i] = 0;
      hi[i] = M - 1;
      continue;
    }
    const double a = std::floor((i - r) * s + 1e-9);
    const double b = std::max(std::ceil((i + r) * s - 1e-9), std::floor((i + 1 - r) * s + 1e-9) - 1);
    lo[i] = int32_t(std::max(0.0, std::min(double(M - 1), a)));
    hi[i] = int32_t(std::max(0.0, std::min(double(M - 1), b)));
  }
}

void bandColumns(const std::vector<int32_t>& rlo, const std::vector<int32_t>& rhi, int N, int M,
                 std::vector<int32_t>& lo, std::vector<int32_t>& hi) {
  lo.assign(M, N);
  hi.assign(M, -1);
  for (int i = 0; i < N; i++)
    for (int j = rlo[i]; j <= rhi[i]; j++) {
      if (i < lo[j]) lo[j] = i;
      if (i > hi[j]) hi[j] = i;
    }
}

int endArgmin(const double* hi, const double* lo, int n) {
  int k = -1;
  for (int i = 0; i < n; i++)
    if (lo[i] < INF && (k < 0 || (hi[i] - hi[k]) + (lo[i] - lo[k]) < 0)) k = i;
  return k;
}

double endValue(const double* hi, const double* lo, int n, double gamma) {
  const int k = endArgmin(hi, lo, n);
  if (k < 0) return INF;
  if (gamma == 0) return hi[k] + lo[k];
  double s = 0;
  for (int i = 0; i < n; i++)
    if (lo[i] < INF) s += std::exp(-((hi[i] - hi[k]) + (lo[i] - lo[k])) / gamma);
  return hi[k] + lo[k] - gamma * std::log(s);
}

void endWeights(const double* hi, const double* lo, int n, double gamma, double* w) {
  for (int i = 0; i < n; i++) w[i] = 0;
  const int k = endArgmin(hi, lo, n);
  if (k < 0) return;
  if (gamma == 0) {
    w[k] = 1;
    return;
  }
  double s = 0;
  for (int i = 0; i < n; i++) {
    if (!(lo[i] < INF)) continue;
    w[i] = std::exp(std::min(0.0, -((hi[i] - hi[k]) + (lo[i] - lo[k])) / gamma));
    s += w[i];
  }
  for (int i = 0; i < n; i++) w[i] /= s;
}

namespace {

/** kernels.f64.ts genericForward (see there); iteration coordinates (a, b), element C[cOff + a·sA + b·sB]. */
template <class T>
double genericForward(const T* C, size_t cOff, ptrdiff_t sA, ptrdiff_t sB, int A, int B, bool transposed,
                      const Options& o, const int* da, const int* db, const int32_t* lo, const int32_t* hi,
                      T* W, int WS, uint8_t* arg, double* endR, double* endB) {
  const int K = o.K;
  const double gamma = o.gamma;
  const bool hard = gamma == 0;
  const double ig = hard ? 0 : 1 / gamma;
  const int N = transposed ? B : A;
  const int M = transposed ? A : B;
  const double invN1 = N > 1 ? 1.0 / (N - 1) : 0;
  const double invM1 = M > 1 ? 1.0 / (M - 1) : 0;
  int P = 1;
  for (int k = 0; k < K; k++) P = std::max(P, da[k] + 1);
  std::vector<double> ring(size_t(P) * B, INF);
  std::vector<int> ringLo(P, 0), ringHi(P, -1);
  std::vector<double> ringB(P, 0);
  std::vector<ptrdiff_t> predOff(K);
  std::vector<double> predShift(K);
  std::vector<double> cand(K + 1);
  double em = INF;
  double es = 0;
  double rb = 0;
  double prevMin = 0;
  for (int a = 0; a < A; a++) {
    const int blo = lo == nullptr ? 0 : lo[a];
    const int bhi = hi == nullptr ? B - 1 : hi[a];
    const int slot = a % P;
    double* self = ring.data() + size_t(slot) * B;
    if (lo != nullptr) {
      for (int b = ringLo[slot], e = ringHi[slot]; b <= e; b++) self[b] = INF;
      ringLo[slot] = blo;
      ringHi[slot] = bhi;
    }
    const size_t crow = cOff + size_t(a) * sA;
    double kappa = INF;
    for (int b = blo; b <= bhi; b++) {
      const double c = double(C[crow + ptrdiff_t(b) * sB]);
      if (c < kappa) kappa = c;
    }
    if (kappa == INF) kappa = 0;
    if (prevMin < INF) rb += prevMin;
    rb += kappa;
    ringB[slot] = rb;
    for (int k = 0; k < K; k++) {
      const int pa = a - da[k];
      predOff[k] = pa >= 0 ? ptrdiff_t(pa % P) * B : -1;
      predShift[k] = pa >= 0 ? ringB[pa % P] - rb + kappa * o.w[k] : 0;
    }
    double rowMin = INF;
    for (int b = blo; b <= bhi; b++) {
      double c = double(C[crow + ptrdiff_t(b) * sB]) - kappa;
      if (o.priorW != 0) {
        const double d = transposed ? b * invN1 - a * invM1 : a * invN1 - b * invM1;
        c += o.priorW * (1 - std::exp(-d * d * o.priorK));
      }
      double m = INF;
      int km = 255;
      for (int k = 0; k < K; k++) {
        const ptrdiff_t po = predOff[k];
        const int pb = b - db[k];
        double v = INF;
        if (po >= 0 && pb >= 0) v = ring[po + pb] + predShift[k] + o.w[k] * c + o.p[k];
        cand[k] = v;
        if (v < m) {
          m = v;
          km = k;
        }
      }
      const bool start =
          transposed ? a == 0 && (o.openBegin || b == 0) : b == 0 && (o.openBegin || a == 0);
      if (start) {
        const double v = c + kappa - rb;
        cand[K] = v;
        if (v < m) {
          m = v;
          km = K;
        }
      } else {
        cand[K] = INF;
      }
      double r = m;
      const size_t cell = size_t(a) * B + b;
      if (hard) {
        if (arg != nullptr) arg[cell] = m == INF ? 255 : uint8_t(km);
      } else if (m == INF) {
        if (W != nullptr)
          for (int k = 0; k < WS; k++) W[cell * WS + k] = 0;
      } else {
        double s = 0;
        for (int k = 0; k <= K; k++) {
          const double e = std::exp((m - cand[k]) * ig);
          cand[k] = e;
          s += e;
        }
        r = m - gamma * std::log(s);
        if (W != nullptr) {
          const double is = 1 / s;
          const size_t ofs = cell * WS;
          double g = cand[K] * is;
          for (int k = 0; k < K; k++) {
            const double p = cand[k] * is;
            W[ofs + k] = T(p);
            g += p * o.w[k];
          }
          if (WS > K) W[ofs + K] = T(g);
        }
      }
      self[b] = r;
      if (r < rowMin) rowMin = r;
      const bool end =
          transposed ? a == A - 1 && (o.openEnd || b == B - 1) : b == B - 1 && (o.openEnd || a == A - 1);
      if (end && r < INF) {
        r += rb;
        if (hard) {
          if (r < em) em = r;
        } else if (r < em) {
          es = es * std::exp((r - em) * ig) + 1;
          em = r;
        } else {
          es += std::exp((em - r) * ig);
        }
      }
    }
    prevMin = rowMin;
    if (endR != nullptr && endB != nullptr) {
      endR[a] = bhi == B - 1 ? self[B - 1] : INF;
      endB[a] = rb;
    }
  }
  if (hard || em == INF) return em;
  return em - gamma * std::log(es);
}

/** kernels.f64.ts genericBackward: E from the stored weights, grad = scale·E·∂R/∂C. */
template <class T>
void genericBackward(int N, int M, const Options& o, const int32_t* lo, const int32_t* hi, const T* W, int WS,
                     const double* endW, T* grad, size_t gOff, int gStride, double scale) {
  const int K = o.K;
  int P = 1;
  for (int k = 0; k < K; k++) P = std::max(P, o.di[k] + 1);
  std::vector<double> ring(size_t(P) * M, 0);
  std::vector<int> ringLo(P, 0), ringHi(P, -1);
  std::vector<ptrdiff_t> succOff(K);
  const bool withG = WS > K;
  for (int i = N - 1; i >= 0; i--) {
    const int jlo = lo == nullptr ? 0 : lo[i];
    const int jhi = hi == nullptr ? M - 1 : hi[i];
    const int slot = i % P;
    double* self = ring.data() + size_t(slot) * M;
    if (lo != nullptr) {
      for (int j = ringLo[slot], e = ringHi[slot]; j <= e; j++) self[j] = 0;
      ringLo[slot] = jlo;
      ringHi[slot] = jhi;
    }
    for (int k = 0; k < K; k++) {
      const int si = i + o.di[k];
      succOff[k] = si < N ? ptrdiff_t(si % P) * M : -1;
    }
    const size_t grow = gOff + size_t(i) * gStride;
    for (int j = jhi; j >= jlo; j--) {
      double e = j == M - 1 ? endW[i] : 0;
      for (int k = 0; k < K; k++) {
        const ptrdiff_t so = succOff[k];
        const int sj = j + o.dj[k];
        if (so >= 0 && sj < M) e += ring[so + sj] * double(W[(size_t(i + o.di[k]) * M + sj) * WS + k]);
      }
      self[j] = e;
      grad[grow + j] = T((withG ? e * double(W[(size_t(i) * M + j) * WS + K]) : e) * scale);
    }
  }
}

/** kernels.f64.ts hardBacktrack: path from the end cell (endI, M−1) back to a start; grad += scale·weight. */
template <class T>
void hardBacktrack(int M, const Options& o, const uint8_t* arg, int endI, T* grad, size_t gOff, int gStride,
                   double scale, std::vector<int32_t>& path) {
  int i = endI;
  int j = M - 1;
  std::vector<int32_t> rev;
  for (;;) {
    rev.push_back(i);
    rev.push_back(j);
    const int k = arg[size_t(i) * M + j];
    if (grad != nullptr) {
      T& g = grad[gOff + size_t(i) * gStride + j];
      g = T(double(g) + (k == o.K ? 1.0 : o.w[k]) * scale);
    }
    if (k >= o.K) break;
    i -= o.di[k];
    j -= o.dj[k];
  }
  path.clear();
  for (ptrdiff_t p = ptrdiff_t(rev.size()) - 2; p >= 0; p -= 2) {
    path.push_back(rev[p]);
    path.push_back(rev[p + 1]);
  }
}

}  // namespace

template <class T>
void runGenericItem(const T* C, const ItemRef& it, const Options& o, double* value, T* grad,
                    std::vector<int32_t>* path) {
  const int N = it.N;
  const int M = it.M;
  const bool hard = o.gamma == 0;
  const bool wantGrad = o.grad && grad != nullptr;
  const bool wantPath = hard && o.path && path != nullptr;
  std::vector<int32_t> blo, bhi;
  const bool banded = o.band >= 0;
  if (banded) bandRows(N, M, o.band, blo, bhi);
  double raw;
  if (!wantGrad && !wantPath) {
    // value only: iterate over the longer axis, keep rows of the shorter one
    const bool tr = N < M;
    std::vector<int32_t> clo, chi;
    if (tr && banded) bandColumns(blo, bhi, N, M, clo, chi);
    const int32_t* lo = banded ? (tr ? clo.data() : blo.data()) : nullptr;
    const int32_t* hi = banded ? (tr ? chi.data() : bhi.data()) : nullptr;
    raw = genericForward<T>(C, it.off, tr ? 1 : it.stride, tr ? it.stride : 1, tr ? M : N, tr ? N : M, tr, o,
                            tr ? o.dj : o.di, tr ? o.di : o.dj, lo, hi, nullptr, 0, nullptr, nullptr, nullptr);
  } else if (hard) {
    std::vector<uint8_t> arg(size_t(N) * M);
    std::vector<double> endR(N), endB(N);
    raw = genericForward<T>(C, it.off, it.stride, 1, N, M, false, o, o.di, o.dj, banded ? blo.data() : nullptr,
                            banded ? bhi.data() : nullptr, nullptr, 0, arg.data(), endR.data(), endB.data());
    std::vector<int32_t> p;
    if (raw < INF) {
      int endI = N - 1;
      if (o.openEnd) {
        endI = 0;
        for (int i = 1; i < N; i++)
          if (endB[i] - endB[endI] + (endR[i] - endR[endI]) < 0) endI = i;
      }
      hardBacktrack<T>(M, o, arg.data(), endI, wantGrad ? grad : nullptr, it.off, it.stride, it.scale, p);
    }
    if (path != nullptr) *path = std::move(p);
  } else {
    const int WS = o.unitSteps ? o.K : o.K + 1;
    std::vector<T> W(size_t(WS) * N * M);
    std::vector<double> endR(N), endB(N);
    raw = genericForward<T>(C, it.off, it.stride, 1, N, M, false, o, o.di, o.dj, banded ? blo.data() : nullptr,
                            banded ? bhi.data() : nullptr, W.data(), WS, nullptr, endR.data(), endB.data());
    if (raw < INF) {
      std::vector<double> endW(N, 0.0);
      if (!o.openEnd) {
        endW[N - 1] = 1;
      } else {
        endWeights(endB.data(), endR.data(), N, o.gamma, endW.data());
      }
      genericBackward<T>(N, M, o, banded ? blo.data() : nullptr, banded ? bhi.data() : nullptr, W.data(), WS,
                         endW.data(), grad, it.off, it.stride, it.scale);
    }
  }
  *value = raw * it.scale;
}

template void runGenericItem<double>(const double*, const ItemRef&, const Options&, double*, double*,
                                     std::vector<int32_t>*);
template void runGenericItem<float>(const float*, const ItemRef&, const Options&, double*, float*,
                                    std::vector<int32_t>*);

}  // namespace cw
