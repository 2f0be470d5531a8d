#include "pool.h"

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define CW_HAVE_MXCSR 1
#endif

namespace cw {

FpuGuard::FpuGuard() : saved_(0) {
#ifdef CW_HAVE_MXCSR
  saved_ = _mm_getcsr();
  _mm_setcsr(saved_ | 0x8040);  // FTZ (bit 15) | DAZ (bit 6)
#endif
}

FpuGuard::~FpuGuard() {
#ifdef CW_HAVE_MXCSR
  _mm_setcsr(saved_);
#endif
}

Pool& Pool::instance() {
  // never destroyed: worker threads must not be joined during static destruction of a Node addon
  static Pool* p = new Pool();
  return *p;
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> g(m_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void Pool::ensure(int workers) {
  while (int(threads_.size()) < workers) {
    const int id = int(threads_.size()) + 1;
    threads_.emplace_back([this, id] { worker(id); });
  }
}

void Pool::worker(int id) {
  FpuGuard fpu;
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(int, int)>* fn;
    int n;
    {
      std::unique_lock<std::mutex> g(m_);
      cv_.wait(g, [&] { return stop_ || (gen_ != seen && id < nthreads_); });
      if (stop_) return;
      seen = gen_;
      fn = fn_;
      n = nthreads_;
    }
    try {
      (*fn)(id, n);
    } catch (...) {
      std::lock_guard<std::mutex> g(m_);
      if (!error_) error_ = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> g(m_);
      if (--pending_ == 0) doneCv_.notify_all();
    }
  }
}

void Pool::run(int n, const std::function<void(int, int)>& fn) {
  std::unique_lock<std::mutex> job(jobLock_, std::try_to_lock);
  if (n <= 1 || !job.owns_lock()) {
    fn(0, 1);
    return;
  }
  {
    std::lock_guard<std::mutex> g(m_);
    ensure(n - 1);
    fn_ = &fn;
    nthreads_ = n;
    pending_ = n - 1;
    error_ = nullptr;
    ++gen_;
  }
  cv_.notify_all();
  std::exception_ptr mine;
  try {
    fn(0, n);
  } catch (...) {
    mine = std::current_exception();
  }
  std::exception_ptr theirs;
  {
    std::unique_lock<std::mutex> g(m_);
    doneCv_.wait(g, [&] { return pending_ == 0; });
    theirs = error_;
    fn_ = nullptr;
    nthreads_ = 1;
  }
  if (mine) std::rethrow_exception(mine);
  if (theirs) std::rethrow_exception(theirs);
}

}  // namespace cw
