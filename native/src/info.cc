// What this build targets and what the machine it runs on offers (for `chordwarp doctor`).
#include <sstream>
#include <string>
#include <thread>

#include "dtw.h"
#include "simd.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace cw {

namespace {
std::string quote(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) o += c;
  }
  return o + "\"";
}
}  // namespace

std::string buildInfoJson() {
  std::ostringstream o;
  o << "{\"simdBytes\":" << CW_VBYTES << ",\"lanesF64\":" << VL << ",\"isa\":[";
  const char* sep = "";
  auto add = [&](const char* name) {
    o << sep << quote(name);
    sep = ",";
  };
#ifdef __SSE2__
  add("sse2");
#endif
#ifdef __AVX__
  add("avx");
#endif
#ifdef __AVX2__
  add("avx2");
#endif
#ifdef __FMA__
  add("fma");
#endif
#ifdef __AVX512F__
  add("avx512f");
#endif
#ifdef __AVX512DQ__
  add("avx512dq");
#endif
#ifdef __ARM_NEON
  add("neon");
#endif
  o << "],\"compiler\":";
#if defined(__clang__)
  o << quote(std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  o << quote(std::string("gcc ") + __VERSION__);
#else
  o << quote("unknown");
#endif
#ifdef CW_MARCH
  o << ",\"march\":" << quote(CW_MARCH);
#endif
#ifdef CW_WITH_CUDA
  o << ",\"cuda\":true";
#else
  o << ",\"cuda\":false";
#endif
  o << ",\"built\":" << quote(__DATE__ " " __TIME__) << "}";
  return o.str();
}

std::string cpuFeaturesJson() {
  std::ostringstream o;
  o << "{\"hardwareThreads\":" << std::thread::hardware_concurrency();
#if defined(__x86_64__) || defined(__i386__)
  unsigned int regs[12] = {};
  std::string brand;
  if (__get_cpuid(0x80000000, &regs[0], &regs[1], &regs[2], &regs[3]) && regs[0] >= 0x80000004) {
    for (unsigned int leaf = 0; leaf < 3; leaf++)
      __get_cpuid(0x80000002 + leaf, &regs[leaf * 4], &regs[leaf * 4 + 1], &regs[leaf * 4 + 2], &regs[leaf * 4 + 3]);
    brand.assign(reinterpret_cast<const char*>(regs), 48);
    brand = brand.c_str();
    while (!brand.empty() && brand.back() == ' ') brand.pop_back();
  }
  o << ",\"model\":" << quote(brand) << ",\"features\":[";
  __builtin_cpu_init();
  const char* sep = "";
  auto feat = [&](const char* name, bool on) {
    if (!on) return;
    o << sep << quote(name);
    sep = ",";
  };
  feat("sse4.2", __builtin_cpu_supports("sse4.2"));
  feat("avx", __builtin_cpu_supports("avx"));
  feat("avx2", __builtin_cpu_supports("avx2"));
  feat("fma", __builtin_cpu_supports("fma"));
  feat("avx512f", __builtin_cpu_supports("avx512f"));
  feat("avx512dq", __builtin_cpu_supports("avx512dq"));
  feat("avx512vl", __builtin_cpu_supports("avx512vl"));
  o << "]";
#else
  o << ",\"model\":\"\",\"features\":[]";
#endif
  o << "}";
  return o.str();
}

}  // namespace cw
