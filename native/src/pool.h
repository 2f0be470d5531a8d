// A small persistent thread pool: `run(n, fn)` calls fn(tid, nthreads) on the calling thread (tid 0) and
// n − 1 workers and returns when all have finished. One job at a time: a call that finds the pool busy
// (another async DTW call) runs fn on its own thread only, with nthreads = 1, so calls never wait on each
// other. Workers run with denormals flushed to zero (see FpuGuard).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cw {

/** Flush-to-zero / denormals-are-zero for the scope (x86 MXCSR; a no-op elsewhere), restored on exit. */
class FpuGuard {
 public:
  FpuGuard();
  ~FpuGuard();
  FpuGuard(const FpuGuard&) = delete;
  FpuGuard& operator=(const FpuGuard&) = delete;

 private:
  unsigned saved_;
};

class Pool {
 public:
  /** The process-wide pool (workers are created on first use, up to the largest n asked). */
  static Pool& instance();
  void run(int n, const std::function<void(int tid, int nthreads)>& fn);
  ~Pool();

 private:
  Pool() = default;
  void worker(int id);
  void ensure(int workers);

  std::mutex jobLock_;  // held for a whole job
  std::mutex m_;
  std::condition_variable cv_;
  std::condition_variable doneCv_;
  std::vector<std::thread> threads_;
  const std::function<void(int, int)>* fn_ = nullptr;
  int active_ = 0;  // workers taking part in the current job
  int nthreads_ = 1;
  int pending_ = 0;
  unsigned long gen_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace cw
