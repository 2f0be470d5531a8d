// The SIMD strip kernel: step sets within {(1,1), (1,0), (0,1)} (the seed's, stay/advance, their weighted
// variants), soft or hard, every option of the engine. See docs/native.md "The strip kernel".
//
// The problem is oriented so that rows are the short axis (R = min(N, M) rows of Q = max(N, M) cells;
// `transposed` when N > M) and cut into strips of H = U·VL rows. A strip sweeps its anti-diagonals:
// at step t, lane k (row i0 + k) computes cell (i0 + k, t − k), so all H cells of a step are independent
// and one step is U vector operations. Within a strip the neighbours come from lane shifts: left = own
// lane at t − 1, up = lane k − 1 at t − 1, diag = lane k − 1 at t − 2. Lane 0 reads the last row of the
// strip above from a boundary buffer; lane H − 1 writes one for the strip below. Strips are cut into
// tiles of `chunk` steps; a tile of strip s can run once strip s − 1 is H + chunk steps ahead, which is
// how several threads share one matrix (tile pipeline) — or each thread runs whole items.
//
// Precision: the accumulated cost grows along the path (|R| up to 1e6·(N+M)) while the soft-min weights
// depend on differences of neighbouring R at a scale of γ (down to 1e-4). As in the TS kernels (rows
// re-centred there), values are kept relative to a frame offset: per step t every strip subtracts
// δ_t = min over its lanes of the previous step and κ_t = min of this step's costs, and tracks the sum
// of these offsets exactly as a double-double β. Boundary and end values are stored as (β.hi, β.lo + T),
// so values from different strips or steps are compared by differences of nearby numbers, never of
// large ones.
//
// Backward: the soft-min weights of every cell are stored in the forward pass (as the TS engine does),
// so E(i, j) = Σ E(successor)·W(successor, this) is exp-free, with the same lane shifts reversed.
#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

#include "internal.h"
#include "pool.h"

namespace cw {

namespace {

constexpr int MODE_HARD = 0;
constexpr int MODE_UNIT = 1;  // soft, unit weights: r = c + softmin(predecessors)
constexpr int MODE_GEN = 2;   // soft, weights and penalties: r = softmin(pred + w·c + p)

constexpr int SLOT_D = 0;  // (1,1) in oriented coordinates
constexpr int SLOT_U = 1;  // (1,0): next row, same column
constexpr int SLOT_L = 2;  // (0,1): same row, next column

constexpr int MAXU = 4;
constexpr int DEFAULT_CHUNK = 256;

/** One item, oriented for the strip kernel. */
struct Problem {
  int N, M;        // original shape
  int R, Q;        // oriented rows (short axis) and columns
  bool transposed; // oriented (r, q) = original (j, i)
  size_t off;      // cost / grad offset of C(0, 0)
  ptrdiff_t sr, sq;  // element strides of an oriented row / column step
  int gstride;     // row stride of the item (original)
  bool banded;
  std::vector<int32_t> qlo, qhi;  // admitted columns of each oriented row
  bool col0Starts;   // every row may start at column 0 (natural open begin)
  bool row0Starts;   // every column of row 0 may start (transposed open begin)
  bool colEnds;      // every row ends at column Q − 1 (natural open end)
  bool rowEnds;      // every column of row R − 1 ends (transposed open end)
  double gamma;
  double priorW, priorK, invR1, invQ1;
  // step slots (oriented)
  bool has[3];
  double w[3], pen[3];
  int listedOf[3];  // listed index of the step in each slot
  int K;
  int order[3];     // slot of the listed step 0..K−1
  bool three;       // both up and left present
  bool otherIsUp;   // with two slots: the non-diagonal one is up (else left)
  int mode;
  bool gslot;       // store ∂R/∂C per cell (weights / penalties)
  int NW;           // stored values per lane and step
  int U, H, nStrips;
  std::vector<int> tlo, thi;   // step range of each strip
  std::vector<size_t> wOff;    // element offset of each strip's weights (or args)
  size_t wTotal;
  int chunk;
};

/** A strip's state between tiles. */
struct alignas(64) StripState {
  double X[MAXU * VL];
  double Y[MAXU * VL];
  DD beta;
  // backward
  double EL[MAXU * VL];
  double EU[MAXU * VL];
  double ED1[MAXU * VL];
  double ED2[MAXU * VL];
};

/** Read one cost as double. */
template <class T>
inline double costAt(const T* C, size_t idx) {
  return double(C[idx]);
}

/**
 * The skewed cost tile of strip s, steps [t0, t1): Cs[(t − t0)·H + k] = C(i0 + k, t − k) + prior − κ_t
 * (+∞ outside the matrix / band); kap[t − t0] = κ_t (min of the step's finite costs, else 0).
 */
template <class T>
void buildTile(const Problem& P, const T* C, int s, int t0, int t1, double* Cs, double* kap) {
  const int H = P.H;
  const int i0 = s * H;
  const int n = t1 - t0;
  std::fill(Cs, Cs + size_t(n) * H, INF);
  const int kmax = std::min(H, P.R - i0);
  if (!P.transposed) {
    for (int k = 0; k < kmax; k++) {
      const int r = i0 + k;
      int qa = std::max(t0 - k, 0), qb = std::min(t1 - 1 - k, P.Q - 1);
      if (P.banded) {
        qa = std::max(qa, int(P.qlo[r]));
        qb = std::min(qb, int(P.qhi[r]));
      }
      const size_t base = P.off + size_t(r) * P.sr;
      double* dst = Cs + size_t(k - t0) * H + k;  // + q·H
      for (int q = qa; q <= qb; q++) dst[ptrdiff_t(q) * H] = costAt(C, base + size_t(q));
    }
  } else {
    // C(i0 + k, q) = cost[off + q·sq + (i0 + k)]: read the H rows of a column together
    const int qa = std::max(t0 - (H - 1), 0), qb = std::min(t1 - 1, P.Q - 1);
    for (int q = qa; q <= qb; q++) {
      const size_t base = P.off + size_t(q) * P.sq + i0;
      const int ka = std::max(0, t0 - q), kb = std::min(kmax - 1, t1 - 1 - q);
      double* dst = Cs + ptrdiff_t(q - t0) * H;  // + k·(H + 1)
      for (int k = ka; k <= kb; k++) {
        const int r = i0 + k;
        if (P.banded && (q < P.qlo[r] || q > P.qhi[r])) continue;
        dst[ptrdiff_t(k) * (H + 1)] = costAt(C, base + size_t(k));
      }
    }
  }
  if (P.priorW != 0) {
    for (int tt = 0; tt < n; tt++)
      for (int k = 0; k < kmax; k++) {
        double& c = Cs[size_t(tt) * H + k];
        if (!(c < INF)) continue;
        const double d = (i0 + k) * P.invR1 - (t0 + tt - k) * P.invQ1;
        c += P.priorW * (1 - std::exp(-d * d * P.priorK));
      }
  }
  for (int tt = 0; tt < n; tt++) {
    double* row = Cs + size_t(tt) * H;
    double m = INF;
    for (int k = 0; k < H; k++) m = row[k] < m ? row[k] : m;
    if (!(m < INF)) m = 0;
    kap[tt] = m;
    if (m != 0)
      for (int k = 0; k < H; k++) row[k] -= m;
  }
}

/** Boundary / output buffers a tile uses. */
struct TileIO {
  const double* inHi;  // strip above: (β.hi, β.lo + R) of its last row per column; null for strip 0
  const double* inLo;
  double* outHi;       // this strip's last row, for the strip below; null for the last strip
  double* outLo;
  double* endHi;       // R(r, Q − 1) per row r
  double* endLo;
  double* endColHi;    // R(R − 1, q) per column q (rowEnds)
  double* endColLo;
};

template <class T, int U, int MODE, bool THREE>
void forwardTile(const Problem& P, int s, int t0, int t1, StripState& st, const double* Cs, const double* kap,
                 const TileIO& io, T* W, uint8_t* arg) {
  constexpr int H = U * VL;
  const int Q = P.Q;
  const int i0 = s * H;
  const bool first = s == 0;
  const double gamma = P.gamma;
  const double ig = MODE == MODE_HARD ? 0.0 : 1.0 / gamma;
  const int kLast = P.R - 1 - i0;  // lane of row R − 1 if in this strip
  const bool rowEndsHere = P.rowEnds && kLast >= 0 && kLast < H;
  const int NW = P.NW;
  const vd li = lane_index();
  vd X[U], Y[U];
  for (int u = 0; u < U; u++) {
    X[u] = loadd(st.X + u * VL);
    Y[u] = loadd(st.Y + u * VL);
  }
  DD beta = st.beta;
  const double wD = P.w[SLOT_D], wU = P.w[SLOT_U], wL = P.w[SLOT_L];
  for (int t = t0; t < t1; t++) {
    const int tt = t - t0;
    // 1. re-centre on the previous step's minimum
    vd mn = X[0];
    for (int u = 1; u < U; u++) mn = vmin(mn, X[u]);
    const double delta = hmin(mn);
    DD alpha = beta;
    if (delta < INF) {
      if (delta != 0) {
        for (int u = 0; u < U; u++) {
          X[u] -= delta;
          Y[u] -= delta;
        }
        alpha = dd_add(beta, delta);
      }
    } else if (!first && t < Q) {
      // nothing finite in the strip yet: take the frame from the strip above, so that its values
      // enter as small numbers (the lanes hold only +∞, nothing to shift)
      int q = io.inLo[t] < INF ? t : (t >= 1 && io.inLo[t - 1] < INF ? t - 1 : -1);
      if (q >= 0) {
        alpha = dd_add(DD{io.inHi[q], 0.0}, io.inLo[q]);
        const double shift = (alpha.hi - beta.hi) + (alpha.lo - beta.lo);
        for (int u = 0; u < U; u++) Y[u] -= shift;  // (X is all +∞)
      }
    }
    const double kp = kap[tt];
    const double startVal = -(alpha.hi + alpha.lo);  // R = 0 in this frame
    // 2. lane 0's predecessors from the strip above, and start cells
    const int q0 = t;  // column of lane 0
    double up0 = INF, diag0 = INF, start0 = INF;
    if (q0 < Q) {
      if (first) {
        if (q0 == 0 || P.row0Starts) start0 = startVal;
      } else {
        up0 = dd_diff(io.inHi[q0], io.inLo[q0], alpha);
        if (q0 >= 1) diag0 = dd_diff(io.inHi[q0 - 1], io.inLo[q0 - 1], alpha);
        else if (P.col0Starts) start0 = startVal;
      }
    }
    const bool anyStart = start0 < INF || (P.col0Starts && t >= 1 && t < H);
    vd startv[U];
    if (anyStart) {
      for (int u = 0; u < U; u++) {
        const vd jv = splat(double(t - u * VL)) - li;
        startv[u] = sel(jv == 0.0, splat(P.col0Starts ? startVal : INF), splat(INF));
      }
      startv[0][0] = start0;
    }
    const double* cst = Cs + size_t(tt) * H;
    T* wst = W != nullptr ? W + size_t(t - P.tlo[s]) * NW * H : nullptr;
    // per-step additive constants of the general mode: (w − 1)·κ + penalty (absent step: +∞)
    const double aD = P.has[SLOT_D] ? (wD - 1) * kp + P.pen[SLOT_D] : INF;
    const double aU = P.has[SLOT_U] ? (wU - 1) * kp + P.pen[SLOT_U] : INF;
    const double aL = P.has[SLOT_L] ? (wL - 1) * kp + P.pen[SLOT_L] : INF;
    vd R[U];
    for (int u = 0; u < U; u++) {
      const vd c = loadd(cst + u * VL);
      const vd up = shift_in(X[u], u ? X[u - 1] : splat(up0));
      const vd dg = shift_in(Y[u], u ? Y[u - 1] : splat(diag0));
      const vd lf = X[u];
      if constexpr (MODE == MODE_HARD) {
        vd cand[3];
        cand[SLOT_D] = dg + wD * c + aD;
        cand[SLOT_U] = up + wU * c + aU;
        cand[SLOT_L] = lf + wL * c + aL;
        vd m = cand[P.order[0]];
        vd am = splat(0);
        for (int idx = 1; idx < P.K; idx++) {
          const vd v = cand[P.order[idx]];
          const vi lt = v < m;
          m = sel(lt, v, m);
          am = sel(lt, splat(double(idx)), am);
        }
        if (anyStart) {
          const vd v = startv[u] + c;
          const vi lt = v < m;
          m = sel(lt, v, m);
          am = sel(lt, splat(double(P.K)), am);
        }
        R[u] = m;
        if (arg != nullptr) {
          am = sel(m < INF, am, splat(255.0));
          uint8_t* a = arg + size_t(t - P.tlo[s]) * H + u * VL;
          for (int l = 0; l < VL; l++) a[l] = uint8_t(am[l]);
        }
      } else {
        vd d, o1, o2;
        vi isStart{};
        if constexpr (MODE == MODE_UNIT) {
          d = P.has[SLOT_D] ? dg : splat(INF);
          if (anyStart) d = vmin(d, startv[u]);
          if constexpr (THREE) {
            o1 = up;
            o2 = lf;
          } else {
            o1 = P.otherIsUp ? up : P.has[SLOT_L] ? lf : splat(INF);
          }
        } else {
          d = dg + wD * c + aD;
          if (anyStart) {
            isStart = startv[u] < INF;
            d = sel(isStart, startv[u] + c, d);
          }
          if constexpr (THREE) {
            o1 = up + wU * c + aU;
            o2 = lf + wL * c + aL;
          } else {
            o1 = P.otherIsUp ? up + wU * c + aU : lf + wL * c + aL;
          }
        }
        vd m = vmin(d, o1);
        if constexpr (THREE) m = vmin(m, o2);
        const vi fin = m < INF;
        const vd mz = sel(fin, m, splat(0));
        const vd ed = vexp_neg((mz - d) * ig);
        const vd e1 = vexp_neg((mz - o1) * ig);
        vd ssum = ed + e1;
        vd e2{};
        if constexpr (THREE) {
          e2 = vexp_neg((mz - o2) * ig);
          ssum += e2;
        }
        const vd s1 = sel(fin, ssum, splat(1));
        const vd lg = mz - gamma * vlog_ge1(s1);
        if constexpr (MODE == MODE_UNIT)
          R[u] = sel(fin, c + lg, splat(INF));
        else
          R[u] = sel(fin, lg, splat(INF));
        if (wst != nullptr) {
          const vd inv = 1.0 / s1;
          const vd pd = ed * inv, p1 = e1 * inv;
          T* wp = wst + u * VL;
          storev(wp, pd);
          storev(wp + H, p1);
          vd p2{};
          if constexpr (THREE) {
            p2 = e2 * inv;
            storev(wp + 2 * H, p2);
          }
          if constexpr (MODE == MODE_GEN) {
            vd wdv = splat(wD);
            if (anyStart) wdv = sel(isStart, splat(1), wdv);
            vd g = pd * wdv;
            if constexpr (THREE)
              g += p1 * wU + p2 * wL;
            else
              g += p1 * (P.otherIsUp ? wU : wL);
            storev(wp + (THREE ? 3 : 2) * H, g);
          }
        }
      }
    }
    for (int u = 0; u < U; u++) {
      Y[u] = X[u] - kp;
      X[u] = R[u];
    }
    beta = dd_add(alpha, kp);
    // 3. outputs: the last lane's row for the strip below, end cells
    if (io.outHi != nullptr) {
      const int qo = t - (H - 1);
      if (qo >= 0 && qo < Q) {
        io.outHi[qo] = beta.hi;
        io.outLo[qo] = beta.lo + X[U - 1][VL - 1];
      }
    }
    {
      const int k = t - (Q - 1);
      if (k >= 0 && k < H && i0 + k < P.R) {
        io.endHi[i0 + k] = beta.hi;
        io.endLo[i0 + k] = beta.lo + X[k / VL][k % VL];
      }
    }
    if (rowEndsHere) {
      const int q = t - kLast;
      if (q >= 0 && q < Q) {
        io.endColHi[q] = beta.hi;
        io.endColLo[q] = beta.lo + X[kLast / VL][kLast % VL];
      }
    }
  }
  for (int u = 0; u < U; u++) {
    stored(st.X + u * VL, X[u]);
    stored(st.Y + u * VL, Y[u]);
  }
  st.beta = beta;
}

/** Backward buffers of a tile: from the strip below (its lane-0 contributions) and for the strip above. */
struct BackIO {
  const double* inU;  // E(i0 + H, q)·W_up(i0 + H, q) per column; null for the last strip
  const double* inD;  // E(i0 + H, q)·W_diag(i0 + H, q)
  double* outU;       // this strip's lane 0 contributions for the strip above; null for strip 0
  double* outD;
  const double* endRowW;  // ∂value/∂R(r, Q − 1) per row
  const double* endColW;  // ∂value/∂R(R − 1, q) per column (rowEnds), or null
};

template <class T, int U, bool THREE, bool GSLOT>
void backwardTile(const Problem& P, int s, int t0, int t1, StripState& st, const T* W, const BackIO& io,
                  double* Es) {
  constexpr int H = U * VL;
  const int Q = P.Q;
  const int i0 = s * H;
  const int NW = P.NW;
  const int kLast = P.R - 1 - i0;
  const bool rowEndsHere = io.endColW != nullptr && kLast >= 0 && kLast < H;
  const bool upRoute = THREE || P.otherIsUp;    // the 2nd stored weight is the up step
  vd EL[U], EU[U], ED1[U], ED2[U];
  for (int u = 0; u < U; u++) {
    EL[u] = loadd(st.EL + u * VL);
    EU[u] = loadd(st.EU + u * VL);
    ED1[u] = loadd(st.ED1 + u * VL);
    ED2[u] = loadd(st.ED2 + u * VL);
  }
  for (int t = t1 - 1; t >= t0; t--) {
    const int qH = t - (H - 1);
    const double inU = (io.inU != nullptr && qH >= 0 && qH < Q) ? io.inU[qH] : 0.0;
    const double inD = (io.inD != nullptr && qH + 1 >= 0 && qH + 1 < Q) ? io.inD[qH + 1] : 0.0;
    vd E[U];
    for (int u = 0; u < U; u++) {
      E[u] = EL[u] + shift_down(ED2[u], u + 1 < U ? ED2[u + 1] : splat(inD));
      if (upRoute) E[u] += shift_down(EU[u], u + 1 < U ? EU[u + 1] : splat(inU));
    }
    {
      const int k = t - (Q - 1);
      if (k >= 0 && k < H && i0 + k < P.R) E[k / VL][k % VL] += io.endRowW[i0 + k];
    }
    if (rowEndsHere) {
      const int q = t - kLast;
      if (q >= 0 && q < Q) E[kLast / VL][kLast % VL] += io.endColW[q];
    }
    const T* wst = W + size_t(t - P.tlo[s]) * NW * H;
    double* es = Es + size_t(t - t0) * H;
    for (int u = 0; u < U; u++) {
      const T* wp = wst + u * VL;
      const vd ewd = E[u] * loadv(wp);
      const vd ew1 = E[u] * loadv(wp + H);
      ED2[u] = ED1[u];
      ED1[u] = ewd;
      if constexpr (THREE) {
        EU[u] = ew1;
        EL[u] = E[u] * loadv(wp + 2 * H);
      } else if (upRoute) {
        EU[u] = ew1;
      } else {
        EL[u] = ew1;
      }
      if constexpr (GSLOT)
        stored(es + u * VL, E[u] * loadv(wp + (THREE ? 3 : 2) * H));
      else
        stored(es + u * VL, E[u]);
    }
    if (io.outU != nullptr && t < Q) {
      io.outU[t] = upRoute ? EU[0][0] : 0.0;
      io.outD[t] = ED1[0][0];
    }
  }
  for (int u = 0; u < U; u++) {
    stored(st.EL + u * VL, EL[u]);
    stored(st.EU + u * VL, EU[u]);
    stored(st.ED1 + u * VL, ED1[u]);
    stored(st.ED2 + u * VL, ED2[u]);
  }
}

/** Write a tile's skewed gradient into the item's layout (scaled), cells in the matrix and band only. */
template <class T>
void unskewTile(const Problem& P, int s, int t0, int t1, const double* Es, T* G, double scale) {
  const int H = P.H;
  const int i0 = s * H;
  const int kmax = std::min(H, P.R - i0);
  for (int k = 0; k < kmax; k++) {
    const int r = i0 + k;
    int qa = std::max(t0 - k, 0), qb = std::min(t1 - 1 - k, P.Q - 1);
    if (P.banded) {
      qa = std::max(qa, int(P.qlo[r]));
      qb = std::min(qb, int(P.qhi[r]));
    }
    const double* src = Es + ptrdiff_t(k - t0) * H + k;
    if (!P.transposed) {
      T* dst = G + P.off + size_t(r) * P.gstride;
      for (int q = qa; q <= qb; q++) dst[q] = T(src[ptrdiff_t(q) * H] * scale);
    } else {
      T* dst = G + P.off + r;
      for (int q = qa; q <= qb; q++) dst[size_t(q) * P.gstride] = T(src[ptrdiff_t(q) * H] * scale);
    }
  }
}

template <class T>
using FwdFn = void (*)(const Problem&, int, int, int, StripState&, const double*, const double*, const TileIO&,
                       T*, uint8_t*);
template <class T>
using BwdFn = void (*)(const Problem&, int, int, int, StripState&, const T*, const BackIO&, double*);

template <class T, int U>
FwdFn<T> pickFwdU(int mode, bool three) {
  if (mode == MODE_HARD) return &forwardTile<T, U, MODE_HARD, true>;
  if (mode == MODE_UNIT) return three ? &forwardTile<T, U, MODE_UNIT, true> : &forwardTile<T, U, MODE_UNIT, false>;
  return three ? &forwardTile<T, U, MODE_GEN, true> : &forwardTile<T, U, MODE_GEN, false>;
}
template <class T>
FwdFn<T> pickFwd(int U, int mode, bool three) {
  if (U == 1) return pickFwdU<T, 1>(mode, three);
  if (U == 2) return pickFwdU<T, 2>(mode, three);
  return pickFwdU<T, 4>(mode, three);
}
template <class T, int U>
BwdFn<T> pickBwdU(bool three, bool gslot) {
  if (three) return gslot ? &backwardTile<T, U, true, true> : &backwardTile<T, U, true, false>;
  return gslot ? &backwardTile<T, U, false, true> : &backwardTile<T, U, false, false>;
}
template <class T>
BwdFn<T> pickBwd(int U, bool three, bool gslot) {
  if (U == 1) return pickBwdU<T, 1>(three, gslot);
  if (U == 2) return pickBwdU<T, 2>(three, gslot);
  return pickBwdU<T, 4>(three, gslot);
}

int chooseU(int R) {
  if (R <= VL) return 1;
  if (R <= 2 * VL) return 2;
  return 4;
}

/** Orient the item, map the steps onto slots, lay out strips and their storage. */
void setup(Problem& P, const ItemRef& it, const Options& o, const RunConfig& cfg, bool wantW, bool wantArg) {
  P.N = it.N;
  P.M = it.M;
  P.transposed = it.N > it.M;
  P.R = P.transposed ? it.M : it.N;
  P.Q = P.transposed ? it.N : it.M;
  P.off = it.off;
  P.gstride = it.stride;
  P.sr = P.transposed ? 1 : it.stride;
  P.sq = P.transposed ? it.stride : 1;
  P.banded = o.band >= 0;
  if (P.banded) {
    std::vector<int32_t> lo, hi;
    bandRows(it.N, it.M, o.band, lo, hi);
    if (P.transposed) {
      bandColumns(lo, hi, it.N, it.M, P.qlo, P.qhi);
    } else {
      P.qlo = std::move(lo);
      P.qhi = std::move(hi);
    }
  }
  P.col0Starts = o.openBegin && !P.transposed;
  P.row0Starts = o.openBegin && P.transposed;
  P.colEnds = o.openEnd && !P.transposed;
  P.rowEnds = o.openEnd && P.transposed;
  P.gamma = o.gamma;
  P.priorW = o.priorW;
  P.priorK = o.priorK;
  P.invR1 = P.R > 1 ? 1.0 / (P.R - 1) : 0;
  P.invQ1 = P.Q > 1 ? 1.0 / (P.Q - 1) : 0;
  P.K = o.K;
  for (int s = 0; s < 3; s++) {
    P.has[s] = false;
    P.w[s] = 1;
    P.pen[s] = 0;
    P.listedOf[s] = -1;
  }
  for (int k = 0; k < o.K; k++) {
    int dr = o.di[k], dq = o.dj[k];
    if (P.transposed) std::swap(dr, dq);
    const int slot = dr == 1 && dq == 1 ? SLOT_D : dr == 1 ? SLOT_U : SLOT_L;
    P.has[slot] = true;
    P.w[slot] = o.w[k];
    P.pen[slot] = o.p[k];
    P.listedOf[slot] = k;
    P.order[k] = slot;
  }
  P.three = P.has[SLOT_U] && P.has[SLOT_L];
  P.otherIsUp = P.has[SLOT_U];
  P.mode = o.gamma == 0 ? MODE_HARD : o.unitSteps ? MODE_UNIT : MODE_GEN;
  P.gslot = P.mode == MODE_GEN;
  P.NW = P.mode == MODE_HARD ? 1 : (P.three ? 3 : 2) + (P.gslot ? 1 : 0);
  P.U = cfg.forceU > 0 ? cfg.forceU : chooseU(P.R);
  P.H = P.U * VL;
  P.nStrips = (P.R + P.H - 1) / P.H;
  P.chunk = cfg.chunk > 0 ? cfg.chunk : DEFAULT_CHUNK;
  P.tlo.assign(P.nStrips, 0);
  P.thi.assign(P.nStrips, -1);
  P.wOff.assign(P.nStrips + 1, 0);
  size_t acc = 0;
  for (int s = 0; s < P.nStrips; s++) {
    const int i0 = s * P.H;
    const int kmax = std::min(P.H, P.R - i0);
    int lo = INT32_MAX, hi = -1;
    for (int k = 0; k < kmax; k++) {
      const int a = P.banded ? P.qlo[i0 + k] : 0;
      const int b = P.banded ? P.qhi[i0 + k] : P.Q - 1;
      if (a > b) continue;
      lo = std::min(lo, a + k);
      hi = std::max(hi, b + k);
    }
    if (hi >= 0) {
      P.tlo[s] = lo;
      P.thi[s] = hi;
    }
    P.wOff[s] = acc;
    const size_t steps = size_t(P.thi[s] - P.tlo[s] + 1);
    if (wantW) acc += steps * P.NW * P.H;
    else if (wantArg) acc += steps * P.H;
  }
  P.wOff[P.nStrips] = acc;
  P.wTotal = acc;
}

/** Spin briefly, then yield (the machine may have fewer cores than threads). */
inline void backoff(int& spins) {
  if (++spins < 64) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else {
    std::this_thread::yield();
  }
}

}  // namespace

bool stripEligible(const Options& o) {
  if (o.K < 1 || o.K > 3) return false;
  for (int k = 0; k < o.K; k++) {
    const int a = o.di[k], b = o.dj[k];
    if (!((a == 1 && b == 1) || (a == 1 && b == 0) || (a == 0 && b == 1))) return false;
  }
  return true;
}

ItemPlan planItem(int N, int M, const Options& o, const RunConfig& cfg) {
  ItemPlan p{};
  p.strip = cfg.forceKernel != 1 && stripEligible(o);
  if (!p.strip) {
    p.rows = N;
    p.cols = M;
    return p;
  }
  p.transposed = N > M;
  p.rows = p.transposed ? M : N;
  p.cols = p.transposed ? N : M;
  p.U = cfg.forceU > 0 ? cfg.forceU : chooseU(p.rows);
  p.H = p.U * VL;
  p.strips = (p.rows + p.H - 1) / p.H;
  return p;
}

template <class T>
void runStripItem(const T* C, const ItemRef& it, const Options& o, double* value, T* grad,
                  std::vector<int32_t>* path, const RunConfig& cfg, Pool* pool, int threads) {
  const bool hard = o.gamma == 0;
  const bool wantGrad = o.grad && grad != nullptr;
  const bool wantPath = hard && o.path && path != nullptr;
  const bool wantW = !hard && wantGrad;
  const bool wantArg = hard && (wantGrad || wantPath);
  Problem P;
  setup(P, it, o, cfg, wantW, wantArg);
  const int H = P.H, Q = P.Q, R = P.R, S = P.nStrips;
  std::vector<T> W(wantW ? P.wTotal : 0);
  std::vector<uint8_t> arg(wantArg ? P.wTotal : 0);
  // boundary buffers: S − 1 between strips, Q columns each, (hi, lo)
  std::vector<double> bHi(size_t(std::max(S - 1, 0)) * Q, 0.0), bLo(size_t(std::max(S - 1, 0)) * Q, INF);
  std::vector<double> endHi(R, 0.0), endLo(R, INF);
  std::vector<double> endColHi(P.rowEnds ? Q : 0, 0.0), endColLo(P.rowEnds ? Q : 0, INF);
  std::vector<StripState> states(S);
  for (auto& stt : states) {
    std::fill(stt.X, stt.X + MAXU * VL, INF);
    std::fill(stt.Y, stt.Y + MAXU * VL, INF);
    stt.beta = DD{};
    std::fill(stt.EL, stt.EL + MAXU * VL, 0.0);
    std::fill(stt.EU, stt.EU + MAXU * VL, 0.0);
    std::fill(stt.ED1, stt.ED1 + MAXU * VL, 0.0);
    std::fill(stt.ED2, stt.ED2 + MAXU * VL, 0.0);
  }
  const FwdFn<T> fwd = pickFwd<T>(P.U, P.mode, P.three);
  const BwdFn<T> bwd = pickBwd<T>(P.U, P.three, P.gslot);
  const int CH = P.chunk;

  auto tileIO = [&](int s) {
    TileIO io{};
    io.inHi = s > 0 ? bHi.data() + size_t(s - 1) * Q : nullptr;
    io.inLo = s > 0 ? bLo.data() + size_t(s - 1) * Q : nullptr;
    io.outHi = s + 1 < S ? bHi.data() + size_t(s) * Q : nullptr;
    io.outLo = s + 1 < S ? bLo.data() + size_t(s) * Q : nullptr;
    io.endHi = endHi.data();
    io.endLo = endLo.data();
    io.endColHi = endColHi.data();
    io.endColLo = endColLo.data();
    return io;
  };
  std::vector<double> endRowW(R, 0.0), endColW(P.rowEnds ? Q : 0, 0.0);
  auto backIO = [&](int s) {
    BackIO io{};
    // after the forward pass the boundary buffers hold the backward contributions (hi → U, lo → D)
    io.inU = s + 1 < S ? bHi.data() + size_t(s) * Q : nullptr;
    io.inD = s + 1 < S ? bLo.data() + size_t(s) * Q : nullptr;
    io.outU = s > 0 ? bHi.data() + size_t(s - 1) * Q : nullptr;
    io.outD = s > 0 ? bLo.data() + size_t(s - 1) * Q : nullptr;
    io.endRowW = endRowW.data();
    io.endColW = P.rowEnds ? endColW.data() : nullptr;
    return io;
  };

  auto fwdTile = [&](int s, int t0, int t1, std::vector<double>& Cs, std::vector<double>& kap) {
    buildTile<T>(P, C, s, t0, t1, Cs.data(), kap.data());
    fwd(P, s, t0, t1, states[s], Cs.data(), kap.data(), tileIO(s), wantW ? W.data() + P.wOff[s] : nullptr,
        wantArg ? arg.data() + P.wOff[s] : nullptr);
  };
  auto bwdTile = [&](int s, int t0, int t1, std::vector<double>& Es) {
    bwd(P, s, t0, t1, states[s], W.data() + P.wOff[s], backIO(s), Es.data());
    unskewTile<T>(P, s, t0, t1, Es.data(), grad, it.scale);
  };

  double raw = INF;
  // value and end weights (between the passes)
  auto finish = [&]() {
    const double* eh = P.rowEnds ? endColHi.data() : endHi.data();
    const double* el = P.rowEnds ? endColLo.data() : endLo.data();
    const int ne = P.rowEnds ? Q : R;
    if (P.colEnds || P.rowEnds) {
      raw = endValue(eh, el, ne, P.gamma);
      if (raw < INF) endWeights(eh, el, ne, P.gamma, P.rowEnds ? endColW.data() : endRowW.data());
    } else {
      raw = endHi[R - 1] + endLo[R - 1];
      endRowW[R - 1] = 1;
    }
    // the boundary buffers now carry the backward contributions
    std::fill(bHi.begin(), bHi.end(), 0.0);
    std::fill(bLo.begin(), bLo.end(), 0.0);
  };

  const size_t tileElems = size_t(CH + 1) * H;
  const bool tiled = threads > 1 && pool != nullptr && S > 1;
  if (!tiled) {
    std::vector<double> Cs(tileElems), kap(CH + 1), Es(wantW ? tileElems : 0);
    for (int s = 0; s < S; s++)
      for (int t0 = P.tlo[s]; t0 <= P.thi[s]; t0 += CH) fwdTile(s, t0, std::min(t0 + CH, P.thi[s] + 1), Cs, kap);
    finish();
    if (wantW && raw < INF)
      for (int s = S - 1; s >= 0; s--)
        for (int t1 = P.thi[s] + 1; t1 > P.tlo[s]; t1 -= CH) bwdTile(s, std::max(t1 - CH, P.tlo[s]), t1, Es);
  } else {
    // tile pipeline: a tile of strip s runs when strip s − 1 is far enough ahead (forward) / behind (backward)
    std::unique_ptr<std::atomic<int>[]> prog(new std::atomic<int>[S]);
    std::unique_ptr<std::atomic<bool>[]> busy(new std::atomic<bool>[S]);
    for (int s = 0; s < S; s++) {
      prog[s].store(P.tlo[s]);
      busy[s].store(false);
    }
    std::atomic<int> phase{0};
    std::atomic<int> arrived{0};
    const bool doBack = wantW;
    pool->run(threads, [&](int tid, int nthreads) {
      std::vector<double> Cs(tileElems), kap(CH + 1), Es(doBack ? tileElems : 0);
      // forward
      for (int spins = 0;;) {
        bool all = true, did = false;
        for (int s = 0; s < S; s++) {
          const int t0 = prog[s].load(std::memory_order_acquire);
          if (t0 > P.thi[s]) continue;
          all = false;
          const int t1 = std::min(t0 + CH, P.thi[s] + 1);
          if (s > 0) {
            const int need = std::min(t1 + H - 1, P.thi[s - 1] + 1);
            if (prog[s - 1].load(std::memory_order_acquire) < need) continue;
          }
          if (busy[s].exchange(true, std::memory_order_acq_rel)) continue;
          if (prog[s].load(std::memory_order_acquire) != t0) {
            busy[s].store(false, std::memory_order_release);
            continue;
          }
          fwdTile(s, t0, t1, Cs, kap);
          prog[s].store(t1, std::memory_order_release);
          busy[s].store(false, std::memory_order_release);
          did = true;
          break;
        }
        if (all) break;
        if (did) spins = 0;
        else backoff(spins);
      }
      // barrier; thread 0 computes the value and end weights
      arrived.fetch_add(1, std::memory_order_acq_rel);
      if (tid == 0) {
        for (int spins = 0; arrived.load(std::memory_order_acquire) < nthreads;) backoff(spins);
        finish();
        for (int s = 0; s < S; s++) prog[s].store(P.thi[s], std::memory_order_relaxed);
        phase.store(raw < INF && doBack ? 1 : 2, std::memory_order_release);
      } else {
        for (int spins = 0; phase.load(std::memory_order_acquire) == 0;) backoff(spins);
      }
      if (phase.load(std::memory_order_acquire) != 1) return;
      // backward: prog[s] = highest step still to do (descending)
      for (int spins = 0;;) {
        bool all = true, did = false;
        for (int s = S - 1; s >= 0; s--) {
          const int t1 = prog[s].load(std::memory_order_acquire) + 1;
          if (t1 <= P.tlo[s]) continue;
          all = false;
          const int t0 = std::max(t1 - CH, P.tlo[s]);
          if (s + 1 < S) {
            const int need = std::max(t0 - H, P.tlo[s + 1] - 1);
            if (prog[s + 1].load(std::memory_order_acquire) > need) continue;
          }
          if (busy[s].exchange(true, std::memory_order_acq_rel)) continue;
          if (prog[s].load(std::memory_order_acquire) + 1 != t1) {
            busy[s].store(false, std::memory_order_release);
            continue;
          }
          bwdTile(s, t0, t1, Es);
          prog[s].store(t0 - 1, std::memory_order_release);
          busy[s].store(false, std::memory_order_release);
          did = true;
          break;
        }
        if (all) break;
        if (did) spins = 0;
        else backoff(spins);
      }
    });
  }
  (void)R;

  if (hard && raw < INF && (wantGrad || wantPath)) {
    // backtrack in oriented coordinates from the end cell
    int r = R - 1, q = Q - 1;
    if (P.colEnds) r = endArgmin(endHi.data(), endLo.data(), R);
    if (P.rowEnds) q = endArgmin(endColHi.data(), endColLo.data(), Q);
    std::vector<int32_t> rev;
    for (;;) {
      const int i = P.transposed ? q : r, j = P.transposed ? r : q;
      rev.push_back(i);
      rev.push_back(j);
      const int s = r / H, k = r % H, t = q + k;
      const int a = arg[P.wOff[s] + size_t(t - P.tlo[s]) * H + k];
      if (wantGrad) {
        T& g = grad[it.off + size_t(i) * it.stride + j];
        g = T(double(g) + (a == o.K ? 1.0 : o.w[a]) * it.scale);
      }
      if (a >= o.K) break;
      const int slot = P.order[a];
      if (slot == SLOT_D) {
        r--;
        q--;
      } else if (slot == SLOT_U) {
        r--;
      } else {
        q--;
      }
    }
    if (path != nullptr) {
      path->clear();
      for (ptrdiff_t p = ptrdiff_t(rev.size()) - 2; p >= 0; p -= 2) {
        path->push_back(rev[p]);
        path->push_back(rev[p + 1]);
      }
    }
  } else if (wantPath) {
    path->clear();
  }
  *value = raw * it.scale;
}

template void runStripItem<double>(const double*, const ItemRef&, const Options&, double*, double*,
                                   std::vector<int32_t>*, const RunConfig&, Pool*, int);
template void runStripItem<float>(const float*, const ItemRef&, const Options&, double*, float*,
                                  std::vector<int32_t>*, const RunConfig&, Pool*, int);

}  // namespace cw
