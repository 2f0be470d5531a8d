// Portable SIMD over doubles with GCC/Clang vector extensions: one vector type `vd` of VL doubles whose
// width follows the target the addon is compiled for (-march=native by default, see docs/native.md):
// AVX-512 → 8 lanes, AVX/AVX2 → 4, SSE2 / NEON → 2. No intrinsics, so the same code builds on x86-64 and
// arm64. exp / log are written out here (vectorised, ~1 ulp) because libm has no vector entry points
// that both compilers inline.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define CW_VBYTES 64
#elif defined(__AVX__)
#define CW_VBYTES 32
#else
#define CW_VBYTES 16
#endif

namespace cw {

/** Doubles per vector. */
constexpr int VL = CW_VBYTES / 8;

typedef double vd __attribute__((vector_size(CW_VBYTES)));
typedef int64_t vi __attribute__((vector_size(CW_VBYTES)));
typedef float vf __attribute__((vector_size(CW_VBYTES / 2)));

constexpr double INF = std::numeric_limits<double>::infinity();

inline vd splat(double x) { return vd{} + x; }
inline vi splati(int64_t x) { return vi{} + x; }

/** m ? a : b per lane (m: all-ones / all-zeros lanes from a comparison). */
inline vd sel(vi m, vd a, vd b) {
#if defined(__clang__)
  return (vd)(((vi)a & m) | ((vi)b & ~m));
#else
  return m ? a : b;
#endif
}
inline vd vmin(vd a, vd b) {
#if defined(__clang__)
  return sel(a < b, a, b);
#else
  return a < b ? a : b;
#endif
}

inline vd vmax(vd a, vd b) {
#if defined(__clang__)
  return sel(a > b, a, b);
#else
  return a > b ? a : b;
#endif
}

inline vd loadd(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void stored(double* p, vd v) { std::memcpy(p, &v, sizeof v); }
inline vd loadv(const double* p) { return loadd(p); }
inline vd loadv(const float* p) {
  vf f;
  std::memcpy(&f, p, sizeof f);
  return __builtin_convertvector(f, vd);
}
inline void storev(double* p, vd v) { stored(p, v); }
inline void storev(float* p, vd v) {
  vf f = __builtin_convertvector(v, vf);
  std::memcpy(p, &f, sizeof f);
}

namespace detail {
template <size_t... I>
inline vd shift_in(vd x, vd prev, std::index_sequence<I...>) {
  return __builtin_shufflevector(x, prev, 2 * VL - 1, static_cast<int>(I)...);
}
template <size_t... I>
inline vd shift_down(vd x, vd next, std::index_sequence<I...>) {
  return __builtin_shufflevector(x, next, static_cast<int>(I + 1)...);
}
template <size_t... I>
inline vd iota(std::index_sequence<I...>) {
  return vd{static_cast<double>(I)...};
}
}  // namespace detail

/** [prev[VL−1], x[0], …, x[VL−2]]: every lane takes its lower neighbour, lane 0 the last lane of prev. */
inline vd shift_in(vd x, vd prev) { return detail::shift_in(x, prev, std::make_index_sequence<VL - 1>{}); }
/** [x[1], …, x[VL−1], next[0]]: every lane takes its upper neighbour, the last lane next's lane 0. */
inline vd shift_down(vd x, vd next) { return detail::shift_down(x, next, std::make_index_sequence<VL>{}); }
/** [0, 1, …, VL−1]. */
inline vd lane_index() { return detail::iota(std::make_index_sequence<VL>{}); }

/** base[idx[l]] where mask[l], else +∞ (masked lanes are not read, so their index may be anything). */
inline vd gather(const double* base, vi idx, vi mask) {
#if defined(__AVX512F__)
  __m512i ix, mk;
  std::memcpy(&ix, &idx, 64);
  std::memcpy(&mk, &mask, 64);
  const __m512d r = _mm512_mask_i64gather_pd(_mm512_set1_pd(INF), _mm512_test_epi64_mask(mk, mk), ix, base, 8);
  vd out;
  std::memcpy(&out, &r, 64);
  return out;
#elif defined(__AVX2__)
  __m256i ix;
  __m256d mk;
  std::memcpy(&ix, &idx, 32);
  std::memcpy(&mk, &mask, 32);
  const __m256d r = _mm256_mask_i64gather_pd(_mm256_set1_pd(INF), base, ix, mk, 8);
  vd out;
  std::memcpy(&out, &r, 32);
  return out;
#else
  vd out;
  for (int l = 0; l < VL; l++) out[l] = mask[l] ? base[idx[l]] : INF;
  return out;
#endif
}
inline vd gather(const float* base, vi idx, vi mask) {
#if defined(__AVX512F__)
  __m512i ix, mk;
  std::memcpy(&ix, &idx, 64);
  std::memcpy(&mk, &mask, 64);
  const __m256 r = _mm512_mask_i64gather_ps(_mm256_set1_ps(float(INF)), _mm512_test_epi64_mask(mk, mk), ix, base, 4);
  vf f;
  std::memcpy(&f, &r, 32);
  return __builtin_convertvector(f, vd);
#elif defined(__AVX2__)
  __m256i ix, mk;
  std::memcpy(&ix, &idx, 32);
  std::memcpy(&mk, &mask, 32);
  const __m128i m32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(mk, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0)));
  const __m128 r = _mm256_mask_i64gather_ps(_mm_set1_ps(float(INF)), base, ix, _mm_castsi128_ps(m32), 4);
  vf f;
  std::memcpy(&f, &r, 16);
  return __builtin_convertvector(f, vd);
#else
  vd out;
  for (int l = 0; l < VL; l++) out[l] = mask[l] ? double(base[idx[l]]) : INF;
  return out;
#endif
}

/** base[idx[l]] = v[l] where mask[l] (lanes must not share an index). */
inline void scatter(double* base, vi idx, vi mask, vd v) {
#if defined(__AVX512F__)
  __m512i ix, mk;
  __m512d x;
  std::memcpy(&ix, &idx, 64);
  std::memcpy(&mk, &mask, 64);
  std::memcpy(&x, &v, 64);
  _mm512_mask_i64scatter_pd(base, _mm512_test_epi64_mask(mk, mk), ix, x, 8);
#else
  for (int l = 0; l < VL; l++)
    if (mask[l]) base[idx[l]] = v[l];
#endif
}
inline void scatter(float* base, vi idx, vi mask, vd v) {
#if defined(__AVX512F__)
  __m512i ix, mk;
  std::memcpy(&ix, &idx, 64);
  std::memcpy(&mk, &mask, 64);
  const vf f = __builtin_convertvector(v, vf);
  __m256 x;
  std::memcpy(&x, &f, 32);
  _mm512_mask_i64scatter_ps(base, _mm512_test_epi64_mask(mk, mk), ix, x, 4);
#else
  for (int l = 0; l < VL; l++)
    if (mask[l]) base[idx[l]] = float(v[l]);
#endif
}

/** Minimum over the lanes. */
inline double hmin(vd x) {
#if CW_VBYTES == 64
  vd y = vmin(x, __builtin_shufflevector(x, x, 4, 5, 6, 7, 0, 1, 2, 3));
  y = vmin(y, __builtin_shufflevector(y, y, 2, 3, 0, 1, 6, 7, 4, 5));
  y = vmin(y, __builtin_shufflevector(y, y, 1, 0, 3, 2, 5, 4, 7, 6));
  return y[0];
#elif CW_VBYTES == 32
  vd y = vmin(x, __builtin_shufflevector(x, x, 2, 3, 0, 1));
  y = vmin(y, __builtin_shufflevector(y, y, 1, 0, 3, 2));
  return y[0];
#else
  return x[0] < x[1] ? x[0] : x[1];
#endif
}

/** Bit pattern of 1.5·2^52: adding it rounds a double of magnitude < 2^51 to an integer in the low bits. */
constexpr double ROUND_MAGIC = 6755399441055744.0;

/**
 * e^x for x ≤ 0, per lane. Arguments below −700 (and −∞) give exactly 0, so no subnormal is ever
 * produced (e^−700 ≈ 1e−304; such soft-min weights are far below anything that can reach a result).
 * x = k·ln2 + r, |r| ≤ ln2/2, e^r by its Taylor series to r^13 (truncation < 5e-18), 2^k from the
 * exponent bits. Relative error ≤ 2 ulp (tested against std::exp).
 */
inline vd vexp_neg(vd x) {
  const vi tiny = x < -700.0;
  x = sel(tiny, splat(-700.0), x);
  const vd t = x * 1.4426950408889634 + ROUND_MAGIC;  // k + magic
  const vd k = t - ROUND_MAGIC;
  const vd r = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
  // Estrin-style evaluation of Σ_{n≤13} r^n / n!
  const vd r2 = r * r;
  const vd r4 = r2 * r2;
  const vd r8 = r4 * r4;
  const vd p01 = 1.0 + r;
  const vd p23 = 0.5 + r * (1.0 / 6);
  const vd p45 = (1.0 / 24) + r * (1.0 / 120);
  const vd p67 = (1.0 / 720) + r * (1.0 / 5040);
  const vd p89 = (1.0 / 40320) + r * (1.0 / 362880);
  const vd pab = (1.0 / 3628800) + r * (1.0 / 39916800);
  const vd pcd = (1.0 / 479001600) + r * (1.0 / 6227020800.0);
  const vd p03 = p01 + r2 * p23;
  const vd p47 = p45 + r2 * p67;
  const vd p8b = p89 + r2 * pab;
  const vd p07 = p03 + r4 * p47;
  const vd p8d = p8b + r4 * pcd;
  const vd p = p07 + r8 * p8d;
  // 2^k: k sits in the low bits of t's mantissa; k ∈ [−1010, 0] so k + 1023 is a normal exponent
  vi ti;
  std::memcpy(&ti, &t, sizeof ti);
  vi magic_bits;
  const vd mv = splat(ROUND_MAGIC);
  std::memcpy(&magic_bits, &mv, sizeof magic_bits);
  const vi e = (ti - magic_bits + 1023) << 52;
  vd scale;
  std::memcpy(&scale, &e, sizeof scale);
  return sel(tiny, splat(0.0), p * scale);
}

/**
 * ln(s) for s ≥ 1 (finite), per lane: s = 2^e·f with f ∈ [√½, √2), ln f = 2·atanh(u), u = (f−1)/(f+1),
 * |u| ≤ 0.172, series to u^21 (truncation < 1e-18). Absolute error ≤ 2 ulp of ln s.
 */
inline vd vlog_ge1(vd s) {
  vi bits;
  std::memcpy(&bits, &s, sizeof bits);
  vi ebits = (bits >> 52) - 1023;
  const vi mant = (bits & 0x000FFFFFFFFFFFFFLL) | 0x3FF0000000000000LL;
  vd f;
  std::memcpy(&f, &mant, sizeof f);
  const vi big = f > 1.4142135623730951;
  f = sel(big, f * 0.5, f);
  ebits = ebits - big;  // big lanes are −1: e + 1
  // int64 → double without a vector convert instruction (not in AVX2): via the magic constant
  const vd mv = splat(ROUND_MAGIC);
  vi mb;
  std::memcpy(&mb, &mv, sizeof mb);
  const vi eb = ebits + mb;
  vd ed;
  std::memcpy(&ed, &eb, sizeof ed);
  ed = ed - ROUND_MAGIC;
  const vd u = (f - 1.0) / (f + 1.0);
  // Σ_{n=0..10} z^n / (2n+1), z = u², by Estrin's scheme
  const vd z = u * u;
  const vd z2 = z * z;
  const vd z4 = z2 * z2;
  const vd z8 = z4 * z4;
  const vd q01 = 1.0 + z * (1.0 / 3);
  const vd q23 = (1.0 / 5) + z * (1.0 / 7);
  const vd q45 = (1.0 / 9) + z * (1.0 / 11);
  const vd q67 = (1.0 / 13) + z * (1.0 / 15);
  const vd q89 = (1.0 / 17) + z * (1.0 / 19);
  const vd q03 = q01 + z2 * q23;
  const vd q47 = q45 + z2 * q67;
  const vd q8a = q89 + z2 * (1.0 / 21);
  const vd q = q03 + z4 * q47 + z8 * q8a;
  return ed * 0.6931471805599453 + 2.0 * u * q;
}

/** (hi, lo) double-double accumulator: exact running sums of the frame offsets of the strip kernel. */
struct DD {
  double hi = 0;
  double lo = 0;
};
/** a + x, with the rounding error of the high part carried into lo (Knuth's two-sum). */
inline DD dd_add(DD a, double x) {
  const double s = a.hi + x;
  const double bb = s - a.hi;
  const double err = (a.hi - (s - bb)) + (x - bb);
  const double lo = a.lo + err;
  const double hi = s + lo;
  return DD{hi, lo - (hi - s)};
}
/** a + b for two double-doubles. */
inline DD dd_add_dd(DD a, DD b) {
  const DD s = dd_add(DD{a.hi, a.lo + b.lo}, b.hi);
  return s;
}
/** The double nearest to (v.hi + v.lo) − a, accurate when v and a are close (Sterbenz on the hi parts). */
inline double dd_diff(double vhi, double vlo, DD a) { return (vhi - a.hi) + (vlo - a.lo); }

}  // namespace cw
