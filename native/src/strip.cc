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
#ifdef CW_TRACE
#include <chrono>
#include <cstdio>
#endif

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
constexpr int TILE_BUF_DOUBLES = 3072;

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
  // column frames: κ_q = a cost of column q (its first finite one; 0 if none), G_q = G_{q−1} + κ_q as an
  // exact running sum; a cell (r, q) is stored as T = R(r, q) − G_q
  std::vector<double> kapRev;  // κ reversed and padded: kapRev[kPad − q] = κ_q (0 outside 0 … Q−1)
  int kPad;
  std::vector<DD> G;
  std::vector<int> tlo, thi;   // step range of each strip
  std::vector<size_t> wOff;    // element offset of each strip's weights (or args)
  size_t wTotal;
  int chunk;
};

/** A strip's state between tiles. */
struct alignas(64) StripState {
  double X[MAXU * VL];
  double Y[MAXU * VL];
  // backward
  double EL[MAXU * VL];
  double EU[MAXU * VL];
  double ED1[MAXU * VL];
  double ED2[MAXU * VL];
};

/**
 * Forward: a tile's costs copied into a small buffer that stays in L1: the cells of strip s
 * that steps [t0, t1) touch, columns q ∈ [t0 − H + 1, t1 − 1]. Natural orientation: buf[k·Wd + q − qb0]
 * (a contiguous run of row i0 + k per lane); transposed: buf[(q − qb0)·H + k] (a contiguous run of
 * original row q). Lane k reads cell (i0 + k, t − k) at base[k] + t·inc and admits columns lo[k] … hi[k]
 * (band and matrix; rows past R admit none).
 */
struct FwdLanes {
  vi base[MAXU];
  vd lo[MAXU];
  vd hi[MAXU];
  vd kk[MAXU];    // k
  vd rowS[MAXU];  // r / (R − 1), for the diagonal prior
  int64_t inc;
  int qb0;        // first column in the buffer: t0 − (H − 1)
  int Wd;         // natural: buffer row length
};

/** Buffer elements a tile of `chunk` steps needs. */
inline size_t fwdBufElems(int H, int chunk) { return size_t(chunk + H - 1) * H; }

void makeFwdLanes(const Problem& P, int s, int t0, int t1, FwdLanes& L) {
  const int H = P.H;
  const int i0 = s * H;
  L.qb0 = t0 - (H - 1);
  L.Wd = t1 - t0 + H - 1;
  L.inc = P.transposed ? H : 1;
  for (int k = 0; k < H; k++) {
    const int u = k / VL, l = k % VL;
    const int r = i0 + k;
    L.kk[u][l] = k;
    L.base[u][l] = P.transposed ? -int64_t(L.qb0) * H - int64_t(k) * (H - 1) : int64_t(k) * (L.Wd - 1) - L.qb0;
    if (r < P.R) {
      L.lo[u][l] = P.banded ? P.qlo[r] : 0;
      L.hi[u][l] = P.banded ? P.qhi[r] : P.Q - 1;
      L.rowS[u][l] = r * P.invR1;
    } else {
      L.lo[u][l] = 1;
      L.hi[u][l] = 0;
      L.rowS[u][l] = 0;
    }
  }
}

/** Copy the tile's costs into buf (contiguous runs; cells outside the matrix are left unset). */
template <class T>
void copyTile(const Problem& P, const T* C, int s, const FwdLanes& L, int t0, int t1, T* buf) {
  const int H = P.H, i0 = s * H;
  const int kmax = std::min(H, P.R - i0);
  if (P.transposed) {
    const int qa = std::max(L.qb0, 0), qb = std::min(t1 - 1, P.Q - 1);
    for (int q = qa; q <= qb; q++) {
      T* __restrict d = buf + size_t(q - L.qb0) * H;
      const T* __restrict src = C + P.off + size_t(q) * P.sq + i0;
      for (int k = 0; k < kmax; k++) d[k] = src[k];
    }
  } else {
    for (int k = 0; k < kmax; k++) {
      const int qa = std::max(t0 - k, 0), qb = std::min(t1 - 1 - k, P.Q - 1);
      if (qa <= qb)
        std::memcpy(buf + size_t(k) * L.Wd + (qa - L.qb0), C + P.off + size_t(i0 + k) * P.sr + qa,
                    sizeof(T) * (qb - qa + 1));
    }
  }
}

/**
 * Backward: a tile's gradient in a small skewed buffer that stays in L1: sk[(t − t0)·H + k] is cell
 * (i0 + k, t − k) of step t, so a step's lanes are contiguous; storeTile copies the admitted cells out.
 */
/** Buffer elements a tile of `chunk` steps needs. */
inline size_t tileBufElems(int H, int chunk) { return size_t(chunk) * H; }

/** Columns [qa, qb] of lane k that steps [t0, t1) cover, within the matrix and band (qa > qb: none). */
inline void laneRange(const Problem& P, int r, int k, int t0, int t1, int& qa, int& qb) {
  qa = std::max(t0 - k, 0);
  qb = std::min(t1 - 1 - k, P.Q - 1);
  if (P.banded) {
    qa = std::max(qa, int(P.qlo[r]));
    qb = std::min(qb, int(P.qhi[r]));
  }
}

/** Write the cells steps [t0, t1) computed (in the matrix and band) from the skewed sk into G. */
template <class T>
void storeTile(const Problem& P, int s, int t0, int t1, const double* sk, T* G) {
  const int H = P.H, i0 = s * H;
  const int kmax = std::min(H, P.R - i0);
  if (P.transposed) {
    const int qa = std::max(t0 - (H - 1), 0), qb = std::min(t1 - 1, P.Q - 1);
    for (int q = qa; q <= qb; q++) {
      int ka = std::max(0, t0 - q), kb = std::min(kmax - 1, t1 - 1 - q);
      if (P.banded) {
        // rows whose band holds q form one run (lo, hi are nondecreasing)
        while (ka <= kb && P.qhi[i0 + ka] < q) ka++;
        while (kb >= ka && P.qlo[i0 + kb] > q) kb--;
      }
      T* dst = G + P.off + size_t(q) * P.sq + i0;
      const double* src = sk + ptrdiff_t(q - t0) * H;
      for (int k = ka; k <= kb; k++) dst[k] = T(src[ptrdiff_t(k) * (H + 1)]);
    }
  } else {
    for (int k = 0; k < kmax; k++) {
      int qa, qb;
      laneRange(P, i0 + k, k, t0, t1, qa, qb);
      T* dst = G + P.off + size_t(i0 + k) * P.sr;
      const double* src = sk + ptrdiff_t(k - t0) * H + k;
      for (int q = qa; q <= qb; q++) dst[q] = T(src[ptrdiff_t(q) * H]);
    }
  }
}

/** Reusable per-thread storage (weights, args): grows, never zero-filled; big blocks are freed after use. */
struct Scratch {
  std::unique_ptr<unsigned char[]> p;
  size_t cap = 0;
  void* get(size_t bytes) {
    if (bytes > cap) {
      p.reset();
      p.reset(new unsigned char[bytes]);
      cap = bytes;
    }
    return p.get();
  }
  void trim(size_t keep) {
    if (cap > keep) {
      p.reset();
      cap = 0;
    }
  }
};
thread_local Scratch tlsWeights;
constexpr size_t KEEP_SCRATCH_BYTES = size_t(256) << 20;

/** Boundary / output buffers a tile uses. */
struct TileIO {
  const double* in;    // strip above: T of its last row per column; null for strip 0
  double* out;         // this strip's last row, for the strip below; null for the last strip
  double* endHi;       // R(r, Q − 1) per row r
  double* endLo;
  double* endColHi;    // R(R − 1, q) per column q (rowEnds)
  double* endColLo;
};

/** R = G_q + x of an end cell as (hi, lo), +∞ as (0, +∞). */
inline void endCell(DD G, double x, double& hi, double& lo) {
  if (!(x < INF)) {
    hi = 0;
    lo = INF;
    return;
  }
  const DD e = dd_add(G, x);
  hi = e.hi;
  lo = e.lo;
}

template <class T, int U, int MODE, bool THREE>
void forwardTile(const Problem& P, int s, int t0, int t1, StripState& st, const T* C, const TileIO& io, T* W,
                 uint8_t* arg, T* buf) {
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
  FwdLanes L;
  makeFwdLanes(P, s, t0, t1, L);
  copyTile(P, C, s, L, t0, t1, buf);
  vd X[U], Y[U];
  for (int u = 0; u < U; u++) {
    X[u] = loadd(st.X + u * VL);
    Y[u] = loadd(st.Y + u * VL);
  }
  const double wD = P.w[SLOT_D], wU = P.w[SLOT_U], wL = P.w[SLOT_L];
  const double* kapRev = P.kapRev.data();
  for (int t = t0; t < t1; t++) {
    // lane k is at column q = t − k; its soft-min runs in frame G_{q−1}, its result is stored in G_q
    vd cv[U], kq[U];
    {
      const vd tv = splat(double(t));
      const vi tinc = splati(int64_t(t) * L.inc);
      for (int u = 0; u < U; u++) {
        kq[u] = loadd(kapRev + (P.kPad - t + u * VL));  // κ_{t − k} of lanes k = u·VL …
        const vd jv = tv - L.kk[u];
        const vi ok = (jv >= L.lo[u]) & (jv <= L.hi[u]);
        vd c = gather(buf, L.base[u] + tinc, ok);
        if (P.priorW != 0) {
          const vd d = L.rowS[u] - jv * P.invQ1;
          c += sel(ok, P.priorW * (1.0 - vexp_neg(-(d * d) * P.priorK)), splat(0));
        }
        cv[u] = c - kq[u];
      }
    }
    // lane 0's predecessors from the strip above, and start cells (R = 0 is −G_{q−1} in frame G_{q−1})
    const int q0 = t;
    double up0 = INF, diag0 = INF, start0 = INF;
    if (q0 < Q) {
      if (first) {
        if (q0 == 0) start0 = 0;
        else if (P.row0Starts) start0 = -(P.G[q0 - 1].hi + P.G[q0 - 1].lo);
      } else {
        up0 = io.in[q0];  // in G_q0; + κ below like every up
        if (q0 >= 1) diag0 = io.in[q0 - 1];
        else if (P.col0Starts) start0 = 0;
      }
    }
    const bool anyStart = start0 < INF || (P.col0Starts && t >= 1 && t < H);
    vd startv[U];
    if (anyStart) {
      for (int u = 0; u < U; u++) {
        const vd jv = splat(double(t - u * VL)) - li;
        startv[u] = sel(jv == 0.0, splat(P.col0Starts ? 0.0 : INF), splat(INF));
      }
      startv[0][0] = start0;
    }
    T* wst = W != nullptr ? W + size_t(t - P.tlo[s]) * NW * H : nullptr;
    vd R[U];
    for (int u = 0; u < U; u++) {
      const vd c = cv[u];
      const vd up = shift_in(X[u], u ? X[u - 1] : splat(up0)) + kq[u];  // from G_q to G_{q−1}
      const vd dg = shift_in(Y[u], u ? Y[u - 1] : splat(diag0));
      const vd lf = X[u];
      if constexpr (MODE == MODE_HARD) {
        vd cand[3];
        // general candidates in frame G_q: pred + w·(c − κ) + (w − 1)·κ + penalty
        cand[SLOT_D] = P.has[SLOT_D] ? dg + wD * c + ((wD - 1) * kq[u] + P.pen[SLOT_D]) : splat(INF);
        cand[SLOT_U] = P.has[SLOT_U] ? up + wU * c + ((wU - 1) * kq[u] + P.pen[SLOT_U]) : splat(INF);
        cand[SLOT_L] = P.has[SLOT_L] ? lf + wL * c + ((wL - 1) * kq[u] + P.pen[SLOT_L]) : splat(INF);
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
          d = P.has[SLOT_D] ? dg + wD * c + ((wD - 1) * kq[u] + P.pen[SLOT_D]) : splat(INF);
          if (anyStart) {
            isStart = startv[u] < INF;
            d = sel(isStart, startv[u] + c, d);
          }
          const vd cu = up + wU * c + ((wU - 1) * kq[u] + P.pen[SLOT_U]);
          const vd cl = lf + wL * c + ((wL - 1) * kq[u] + P.pen[SLOT_L]);
          if constexpr (THREE) {
            o1 = cu;
            o2 = cl;
          } else {
            o1 = P.otherIsUp ? cu : P.has[SLOT_L] ? cl : splat(INF);
          }
        }
        vd ed, e1, e2{}, ssum, m;
        vi fin;
        vd mz;
        if constexpr (THREE) {
          // only the two candidates that are not the minimum need an exp (the minimum's is 1): with
          // a = min(d, o1), b = max(d, o1), the minimum is min(a, o2) and the others are max(a, o2) and b;
          // weights are mapped back by equality (ties get equal weights, +∞ gets 0)
          const vd a = vmin(d, o1), b = vmax(d, o1);
          m = vmin(a, o2);
          fin = m < INF;
          mz = sel(fin, m, splat(0));
          const vd x = vmax(a, o2);
          const vd ex = vexp_neg((mz - x) * ig);
          const vd eb = vexp_neg((mz - b) * ig);
          const vd one = splat(1.0);
          ed = sel(d == mz, one, sel(d == b, eb, ex));
          e1 = sel(o1 == mz, one, sel(o1 == b, eb, ex));
          e2 = sel(o2 == mz, one, ex);
          ssum = sel(fin, one + ex + eb, splat(0));
          ed = sel(fin, ed, splat(0));
          e1 = sel(fin, e1, splat(0));
          e2 = sel(fin, e2, splat(0));
        } else {
          m = vmin(d, o1);
          fin = m < INF;
          mz = sel(fin, m, splat(0));
          ed = vexp_neg((mz - d) * ig);
          e1 = vexp_neg((mz - o1) * ig);
          ssum = ed + e1;
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
      Y[u] = X[u];
      X[u] = R[u];
    }
    // outputs: the last lane's row for the strip below, end cells
    if (io.out != nullptr) {
      const int qo = t - (H - 1);
      if (qo >= 0 && qo < Q) io.out[qo] = X[U - 1][VL - 1];
    }
    {
      const int k = t - (Q - 1);
      if (k >= 0 && k < H && i0 + k < P.R) endCell(P.G[Q - 1], X[k / VL][k % VL], io.endHi[i0 + k], io.endLo[i0 + k]);
    }
    if (rowEndsHere) {
      const int q = t - kLast;
      if (q >= 0 && q < Q) endCell(P.G[q], X[kLast / VL][kLast % VL], io.endColHi[q], io.endColLo[q]);
    }
  }
  for (int u = 0; u < U; u++) {
    stored(st.X + u * VL, X[u]);
    stored(st.Y + u * VL, Y[u]);
  }
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
void backwardTile(const Problem& P, int s, int t0, int t1, StripState& st, const T* W, const BackIO& io, T* G,
                  double scale, double* buf) {
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
    double* sk = buf + size_t(t - t0) * H;
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
      // ∂value/∂C = scale·E·∂R/∂C, skewed; storeTile writes the admitted cells into the item's layout
      if constexpr (GSLOT)
        stored(sk + u * VL, E[u] * loadv(wp + (THREE ? 3 : 2) * H) * scale);
      else
        stored(sk + u * VL, E[u] * scale);
    }
    if (io.outU != nullptr && t < Q) {
      io.outU[t] = upRoute ? EU[0][0] : 0.0;
      io.outD[t] = ED1[0][0];
    }
  }
  storeTile(P, s, t0, t1, buf, G);
  for (int u = 0; u < U; u++) {
    stored(st.EL + u * VL, EL[u]);
    stored(st.EU + u * VL, EU[u]);
    stored(st.ED1 + u * VL, ED1[u]);
    stored(st.ED2 + u * VL, ED2[u]);
  }
}

template <class T>
using FwdFn = void (*)(const Problem&, int, int, int, StripState&, const T*, const TileIO&, T*, uint8_t*, T*);
template <class T>
using BwdFn = void (*)(const Problem&, int, int, int, StripState&, const T*, const BackIO&, T*, double, double*);

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

template <class T>
inline double costAt(const T* C, size_t idx) {
  return double(C[idx]);
}

/** Orient the item, map the steps onto slots, lay out strips and their storage. */
template <class T>
void setup(Problem& P, const T* C, const ItemRef& it, const Options& o, const RunConfig& cfg, bool wantW,
           bool wantArg) {
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
  // column frames (see Problem): κ_q = the first finite cost of column q. Any κ gives the same result;
  // a cost of the column keeps c − κ_q small when costs are large and alike, which is where precision matters
  {
    std::vector<double> kap(P.Q, 0.0);
    std::vector<char> done(P.Q, 0);
    int left = P.Q;
    for (int r = 0; r < P.R && left > 0; r++) {
      const int a = P.banded ? P.qlo[r] : 0, b = P.banded ? P.qhi[r] : P.Q - 1;
      for (int q = a; q <= b; q++) {
        if (done[q]) continue;
        const double c = costAt(C, P.off + size_t(r) * P.sr + size_t(q) * P.sq);
        if (c < INF) {
          kap[q] = c;
          done[q] = 1;
          left--;
        }
      }
    }
    const int maxH = MAXU * VL;
    P.kPad = P.Q + maxH;
    P.kapRev.assign(size_t(P.Q) + 3 * maxH, 0.0);
    for (int q = 0; q < P.Q; q++) P.kapRev[P.kPad - q] = kap[q];
    P.G.assign(P.Q, DD{});
    DD g{};
    for (int q = 0; q < P.Q; q++) {
      g = dd_add(g, kap[q]);
      P.G[q] = g;
    }
  }
  P.U = cfg.forceU > 0 ? cfg.forceU : chooseU(P.R);
  P.H = P.U * VL;
  P.nStrips = (P.R + P.H - 1) / P.H;
  // a tile's cost buffer ((chunk + H − 1)·H elements) should stay in L1: ~24 KB of doubles
  P.chunk = cfg.chunk > 0 ? cfg.chunk : std::max(32, (TILE_BUF_DOUBLES / P.H - P.H + 1) / 8 * 8);
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
  setup(P, C, it, o, cfg, wantW, wantArg);
  const int H = P.H, Q = P.Q, R = P.R, S = P.nStrips;
  // weights (soft) or argmin steps (hard), from this thread's reusable scratch
  T* W = nullptr;
  uint8_t* arg = nullptr;
  if (wantW) W = static_cast<T*>(tlsWeights.get(P.wTotal * sizeof(T)));
  if (wantArg) arg = static_cast<uint8_t*>(tlsWeights.get(P.wTotal));
  struct Trim {
    ~Trim() { tlsWeights.trim(KEEP_SCRATCH_BYTES); }
  } trim;
  // boundary buffers: S − 1 between strips, Q columns each, (hi, lo)
  // S − 1 boundaries between strips, Q columns each: forward T of the upper strip's last row (+∞ = none),
  // backward the lower strip's contributions E·W_up (bU) and E·W_diag (bD)
  std::vector<double> bU(size_t(std::max(S - 1, 0)) * Q, INF), bD(size_t(std::max(S - 1, 0)) * Q, 0.0);
  std::vector<double> endHi(R, 0.0), endLo(R, INF);
  std::vector<double> endColHi(P.rowEnds ? Q : 0, 0.0), endColLo(P.rowEnds ? Q : 0, INF);
  std::vector<StripState> states(S);
  for (auto& stt : states) {
    std::fill(stt.X, stt.X + MAXU * VL, INF);
    std::fill(stt.Y, stt.Y + MAXU * VL, INF);
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
    io.in = s > 0 ? bU.data() + size_t(s - 1) * Q : nullptr;
    io.out = s + 1 < S ? bU.data() + size_t(s) * Q : nullptr;
    io.endHi = endHi.data();
    io.endLo = endLo.data();
    io.endColHi = endColHi.data();
    io.endColLo = endColLo.data();
    return io;
  };
  std::vector<double> endRowW(R, 0.0), endColW(P.rowEnds ? Q : 0, 0.0);
  auto backIO = [&](int s) {
    BackIO io{};
    io.inU = s + 1 < S ? bU.data() + size_t(s) * Q : nullptr;
    io.inD = s + 1 < S ? bD.data() + size_t(s) * Q : nullptr;
    io.outU = s > 0 ? bU.data() + size_t(s - 1) * Q : nullptr;
    io.outD = s > 0 ? bD.data() + size_t(s - 1) * Q : nullptr;
    io.endRowW = endRowW.data();
    io.endColW = P.rowEnds ? endColW.data() : nullptr;
    return io;
  };

  auto fwdTile = [&](int s, int t0, int t1, T* cbuf) {
    fwd(P, s, t0, t1, states[s], C, tileIO(s), wantW ? W + P.wOff[s] : nullptr, wantArg ? arg + P.wOff[s] : nullptr,
        cbuf);
  };
  auto bwdTile = [&](int s, int t0, int t1, double* buf) {
    bwd(P, s, t0, t1, states[s], W + P.wOff[s], backIO(s), grad, it.scale, buf);
  };
  const size_t bufElems = tileBufElems(H, CH), cbufElems = fwdBufElems(H, CH);

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
      raw = endLo[R - 1] < INF ? endHi[R - 1] + endLo[R - 1] : INF;
      endRowW[R - 1] = 1;
    }
    // the boundary buffers now carry the backward contributions
    std::fill(bU.begin(), bU.end(), 0.0);
    std::fill(bD.begin(), bD.end(), 0.0);
  };

  const bool tiled = threads > 1 && pool != nullptr && S > 1;
  if (!tiled) {
    std::vector<double> buf(bufElems);
    std::vector<T> cbuf(cbufElems);
    for (int s = 0; s < S; s++)
      for (int t0 = P.tlo[s]; t0 <= P.thi[s]; t0 += CH) fwdTile(s, t0, std::min(t0 + CH, P.thi[s] + 1), cbuf.data());
    finish();
    if (wantW && raw < INF)
      for (int s = S - 1; s >= 0; s--)
        for (int t1 = P.thi[s] + 1; t1 > P.tlo[s]; t1 -= CH)
          bwdTile(s, std::max(t1 - CH, P.tlo[s]), t1, buf.data());
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
#ifdef CW_TRACE
      auto T0 = std::chrono::steady_clock::now();
      double tBusy = 0, waitB = 0;
      int tiles = 0;
      struct Rep {
        int tid;
        double* busy;
        double* waitB;
        int* tiles;
        std::chrono::steady_clock::time_point t0;
        ~Rep() {
          fprintf(stderr, "tid %d: tiles %d busy %.2f ms, barrier %.2f ms, wall %.2f ms\n", tid, *tiles, *busy, *waitB,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
      } rep{tid, &tBusy, &waitB, &tiles, T0};
#define CW_T(...) __VA_ARGS__
#else
#define CW_T(...)
#endif
      std::vector<double> buf(bufElems);
      std::vector<T> cbuf(cbufElems);
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
          CW_T(auto a = std::chrono::steady_clock::now());
          fwdTile(s, t0, t1, cbuf.data());
          CW_T(tBusy += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count(); tiles++);
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
      CW_T(auto wb = std::chrono::steady_clock::now());
      arrived.fetch_add(1, std::memory_order_acq_rel);
      if (tid == 0) {
        for (int spins = 0; arrived.load(std::memory_order_acquire) < nthreads;) backoff(spins);
        finish();
        for (int s = 0; s < S; s++) prog[s].store(P.thi[s], std::memory_order_relaxed);
        phase.store(raw < INF && doBack ? 1 : 2, std::memory_order_release);
      } else {
        for (int spins = 0; phase.load(std::memory_order_acquire) == 0;) backoff(spins);
      }
      CW_T(waitB += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wb).count());
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
          CW_T(auto a = std::chrono::steady_clock::now());
          bwdTile(s, t0, t1, buf.data());
          CW_T(tBusy += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count(); tiles++);
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
