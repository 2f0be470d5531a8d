#include "plan.h"

#include <algorithm>
#include <cmath>

#include "../host.h"

namespace cw {
namespace cuda {

namespace {
int64_t alignUp(int64_t x, int64_t a) { return (x + a - 1) / a * a; }
}  // namespace

bool makePlan(const PlanInput& in, Plan& p, std::string& err) {
  p = Plan{};
  if (in.B < 1) {
    err = "empty batch";
    return false;
  }
  if (in.elemBytes != 4 && in.elemBytes != 8) {
    err = "elemBytes must be 4 or 8";
    return false;
  }
  const int B = in.B;
  p.storedPerCell = in.hard ? 0 : in.grad ? (in.threeSlots ? 3 : 2) + (in.gslot ? 1 : 0) : 0;
  p.itemRows.resize(B);
  p.itemCols.resize(B);
  p.itemStrip0.assign(B + 1, 0);
  p.costOffset.assign(B + 1, 0);
  p.endOffset.assign(B + 1, 0);
  int64_t strips = 0, cells = 0, ends = 0;
  for (int b = 0; b < B; b++) {
    const int64_t N = in.n[b], M = in.m[b];
    if (N < 1 || M < 1) {
      err = "item " + std::to_string(b) + ": empty";
      return false;
    }
    const bool tr = N > M;
    const int64_t R = tr ? M : N, Q = tr ? N : M;
    if (Q > (int64_t(1) << 30)) {
      err = "item " + std::to_string(b) + ": a sequence longer than 2^30 is not supported by the CUDA backend";
      return false;
    }
    p.itemRows[b] = R;
    p.itemCols[b] = Q;
    p.itemStrip0[b] = strips;
    p.costOffset[b] = cells;
    p.endOffset[b] = ends;
    strips += (R + STRIP_ROWS - 1) / STRIP_ROWS;
    cells += N * M;
    ends += std::max(R, Q);
  }
  p.itemStrip0[B] = strips;
  p.costOffset[B] = cells;
  p.endOffset[B] = ends;
  p.totalStrips = strips;
  p.stripItem.resize(strips);
  p.stripRow0.resize(strips);
  p.stripTransposed.resize(strips);
  p.weightOffset.assign(strips + 1, 0);
  p.boundaryOffset.assign(strips + 1, 0);
  int64_t w = 0, bd = 0;
  for (int b = 0; b < B; b++) {
    const int64_t S = p.itemStrip0[b + 1] - p.itemStrip0[b];
    const int64_t Q = p.itemCols[b];
    for (int64_t s = 0; s < S; s++) {
      const int64_t g = p.itemStrip0[b] + s;
      p.stripItem[g] = b;
      p.stripRow0[g] = s * STRIP_ROWS;
      p.stripTransposed[g] = in.n[b] > in.m[b] ? 1 : 0;
      p.weightOffset[g] = w;
      p.boundaryOffset[g] = bd;
      // steps of a strip: Q + 31 (the skew); every lane stores its weights per step
      w += (Q + STRIP_ROWS - 1) * STRIP_ROWS * p.storedPerCell;
      bd += Q;  // this strip's last row, read by the next strip of the item
    }
  }
  p.weightOffset[strips] = w;
  p.boundaryOffset[strips] = bd;
  const int64_t e = in.elemBytes;
  p.costBytes = alignUp(cells * e, 256) * (in.grad ? 2 : 1);
  p.weightBytes = alignUp(w * e, 256);
  p.boundaryBytes = alignUp(bd * 8, 256) * 2;
  p.endBytes = alignUp(ends * 8, 256) * 3;
  p.flagBytes = alignUp(strips * 4, 256) * 2 + alignUp(int64_t(B) * 8, 256) + 256;
  p.bytes = p.costBytes + p.weightBytes + p.boundaryBytes + p.endBytes + p.flagBytes;
  p.threadsPerBlock = 32 * WARPS_PER_BLOCK;
  const int64_t wantBlocks = (strips + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK;
  p.blocks = int(std::max<int64_t>(1, std::min<int64_t>(wantBlocks, int64_t(std::max(in.smCount, 1)) * 8)));
  return true;
}

void makeTables(const Plan& plan, const PlanInput& in, const void* cost, const double* offset,
                const int32_t* stride, double band, int normalize, Tables& t) {
  const int B = in.B;
  t = Tables{};
  t.items.resize(B);
  long long col = 0;
  for (int b = 0; b < B; b++) {
    HostItem& it = t.items[b];
    it.N = in.n[b];
    it.M = in.m[b];
    it.transposed = it.N > it.M;
    it.R = int(plan.itemRows[b]);
    it.Q = int(plan.itemCols[b]);
    it.costOff = plan.costOffset[b];
    it.endOff = plan.endOffset[b];
    it.strip0 = int(plan.itemStrip0[b]);
    it.nStrips = int(plan.itemStrip0[b + 1] - plan.itemStrip0[b]);
    it.scale = 1.0 / normalizer(normalize, it.N, it.M);
    it.colOff = col;
    std::vector<int32_t> lo, hi;
    if (band >= 0) {
      bandRows(it.N, it.M, band, lo, hi);
      if (it.transposed) {
        std::vector<int32_t> clo, chi;
        bandColumns(lo, hi, it.N, it.M, clo, chi);
        lo.swap(clo);
        hi.swap(chi);
      }
      it.bandOff = (long long)t.bandLo.size();
      t.bandLo.insert(t.bandLo.end(), lo.begin(), lo.end());
      t.bandHi.insert(t.bandHi.end(), hi.begin(), hi.end());
    } else {
      it.bandOff = -1;
    }
    // κ_q: the first finite cost of each oriented column within the band (as the CPU kernel)
    const size_t off = size_t(offset[b]);
    const int st = stride[b];
    std::vector<double> kq(it.Q, 0.0);
    std::vector<char> done(it.Q, 0);
    int left = it.Q;
    for (int r = 0; r < it.R && left > 0; r++) {
      const int a = it.bandOff >= 0 ? lo[r] : 0, z = it.bandOff >= 0 ? hi[r] : it.Q - 1;
      for (int q = a; q <= z; q++) {
        if (done[q]) continue;
        const size_t idx = it.transposed ? off + size_t(q) * st + r : off + size_t(r) * st + q;
        const double c = in.elemBytes == 8 ? static_cast<const double*>(cost)[idx]
                                           : double(static_cast<const float*>(cost)[idx]);
        if (c < INFINITY) {
          kq[q] = c;
          done[q] = 1;
          left--;
        }
      }
    }
    double gh = 0, gl = 0;
    for (int q = 0; q < it.Q; q++) {
      // two-sum: gh + gl is the exact running sum
      const double s = gh + kq[q], bb = s - gh, e = (gh - (s - bb)) + (kq[q] - bb);
      gl += e;
      gh = s + gl;
      gl -= gh - s;
      t.kap.push_back(kq[q]);
      t.Ghi.push_back(gh);
      t.Glo.push_back(gl);
    }
    col += it.Q;
  }
  if (t.bandLo.empty()) {
    t.bandLo.push_back(0);
    t.bandHi.push_back(0);
  }
  t.kap.push_back(0);
  t.Ghi.push_back(0);
  t.Glo.push_back(0);
}

}  // namespace cuda
}  // namespace cw
