// Host-side plan of the CUDA backend: how a batch is cut into warp strips, where every buffer lives in
// one device allocation, and the launch configuration. Plain C++ (no CUDA headers), compiled into every
// build of the addon so that it is unit-tested on machines without a GPU (tests/unit/dtw-native/cuda-plan).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cw {
namespace cuda {

/** Rows per strip: one warp, one row per lane. */
constexpr int STRIP_ROWS = 32;
/** Steps between two progress publications of a strip (and the look-ahead a dependent strip waits for). */
constexpr int CHUNK = 32;
/** Warps per block of the persistent strip kernels. */
constexpr int WARPS_PER_BLOCK = 4;

struct PlanInput {
  int B = 0;
  const int32_t* n = nullptr;
  const int32_t* m = nullptr;
  int elemBytes = 8;     // 8 float64, 4 float32 (storage of cost, grad and weights)
  bool grad = true;      // store weights for the backward pass
  bool hard = false;     // (not run on the GPU; kept for the sizing tests)
  bool threeSlots = true;
  bool gslot = false;    // weights/penalties: one more stored value per cell (∂R/∂C)
  int smCount = 132;     // multiprocessors of the device (sizes the persistent grid)
};

/** Offsets are in elements of their buffer; bytes are totals of the single device allocation. */
struct Plan {
  int stripRows = STRIP_ROWS;
  int chunk = CHUNK;
  int64_t totalStrips = 0;
  int blocks = 0;
  int threadsPerBlock = 0;
  int storedPerCell = 0;  // weights stored per cell
  // per item
  std::vector<int64_t> itemRows, itemCols;   // oriented R (short axis), Q
  std::vector<int64_t> itemStrip0;           // first global strip of the item [B + 1]
  std::vector<int64_t> costOffset;           // packed cost / grad offset [B + 1] (elements)
  std::vector<int64_t> endOffset;            // end values offset [B + 1] (max(R, Q) per item)
  // per strip
  std::vector<int64_t> stripItem, stripRow0, stripTransposed;
  std::vector<int64_t> weightOffset;         // [totalStrips + 1] (elements of the storage type)
  std::vector<int64_t> boundaryOffset;       // [totalStrips + 1] (doubles, per array hi / lo)
  // sizes
  int64_t costBytes = 0, weightBytes = 0, boundaryBytes = 0, endBytes = 0, flagBytes = 0, bytes = 0;
};

/** An item as the kernels see it (oriented: R rows = the short axis, Q columns). Plain data, copied to the GPU. */
struct HostItem {
  long long costOff;  // packed offset of the item's N×M costs / gradients
  long long bandOff;  // offset of its R row intervals in bandLo / bandHi (−1: no band)
  long long colOff;   // offset of its Q column entries (κ_q, G_q)
  long long endOff;   // offset of its max(R, Q) end entries
  int N, M, R, Q;
  int transposed;
  int strip0, nStrips;
  double scale;
};

/** The per-item tables the kernels read: items, bands (oriented rows), column frames. */
struct Tables {
  std::vector<HostItem> items;
  std::vector<int> bandLo, bandHi;  // concatenated per banded item (oriented row intervals)
  std::vector<double> kap;          // κ_q per item column: the first finite cost of the column (0 if none)
  std::vector<double> Ghi, Glo;     // G_q = Σ κ as an exact double-double running sum
};

/**
 * Build the tables of a batch from the host costs (same frames as the CPU strip kernel).
 * @param cost the batch's costs (double or float, `elemBytes`), items at offset[b] with row stride[b]
 * @param band Sakoe–Chiba radius (< 0: none); normalize 0 none, 1 N, 2 M, 3 N+M
 */
void makeTables(const Plan& plan, const PlanInput& in, const void* cost, const double* offset,
                const int32_t* stride, double band, int normalize, Tables& t);

/**
 * Lay out a batch. Memory is Σ over items of their own sizes (no padding to the largest item):
 * cost + grad 2·N·M·e, weights ⌈R/32⌉·32·(Q + 31)·k·e, boundaries 2·⌈R/32⌉·Q·8, ends 3·max(R, Q)·8.
 * @returns false with `err` set when a size does not fit the index types
 */
bool makePlan(const PlanInput& in, Plan& plan, std::string& err);

}  // namespace cuda
}  // namespace cw
