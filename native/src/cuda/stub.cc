// The CUDA backend of an addon built without nvcc: never available, and says why.
#include "api.h"

#ifndef CW_CUDA_ABSENT_REASON
#define CW_CUDA_ABSENT_REASON "the addon was built without CUDA (see native/build/build-info.json)"
#endif

namespace cw {
namespace cuda {

Probe probe() {
  Probe p;
  p.compiled = false;
  p.available = false;
  p.reason = CW_CUDA_ABSENT_REASON;
  return p;
}

bool supports(const Options&, std::string& why) {
  why = CW_CUDA_ABSENT_REASON;
  return false;
}

bool run(const Batch&, const Options&, Output&, std::string& err) {
  err = CW_CUDA_ABSENT_REASON;
  return false;
}

}  // namespace cuda
}  // namespace cw
