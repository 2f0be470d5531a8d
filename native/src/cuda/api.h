// The CUDA backend as the addon sees it. Implemented in dtw.cu when the addon is built with nvcc
// (CW_WITH_CUDA), else by stub.cc, which says why it is absent.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "../dtw.h"

namespace cw {
namespace cuda {

struct Device {
  std::string name;
  size_t totalMemory = 0;
  std::string cc;  // compute capability "9.0"
  int sms = 0;
};

struct Probe {
  bool compiled = false;   // the addon contains the CUDA kernels
  bool available = false;  // compiled and at least one device usable
  std::string reason;      // why not available (empty when available)
  int runtimeVersion = 0;
  int driverVersion = 0;
  std::vector<Device> devices;
};

/** What the CUDA runtime reports (cached after the first call). */
Probe probe();

/** Whether the CUDA kernels can run these options (soft DTW, steps within (1,1), (1,0), (0,1)); else why. */
bool supports(const Options& o, std::string& why);

/**
 * Run a batch on device 0: copies the items' costs (packed, N·M each) to the device, runs the forward,
 * end and backward kernels, copies values and gradients back into `out`.
 * @returns false with `err` (CUDA error or unsupported options)
 */
bool run(const Batch& batch, const Options& opts, Output& out, std::string& err);

}  // namespace cuda
}  // namespace cw
