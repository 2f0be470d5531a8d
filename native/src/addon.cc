// N-API entry points (node-addon-api): the DTW engine over typed arrays, synchronously (`run`, usable
// inside a tfjs customGrad) or on the libuv thread pool (`runAsync`, a Promise; the JS thread is free
// while it runs), plus build / CPU / CUDA information for `chordwarp doctor`. The JS side
// (src/backend/native/backend.ts) allocates the outputs, so the addon writes straight into them.
#include <napi.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/api.h"
#include "cuda/plan.h"
#include "dtw.h"

namespace {

using cw::Batch;
using cw::Dtype;
using cw::Options;
using cw::Output;
using cw::RunConfig;

constexpr const char* ADDON_VERSION = "0.1.0";

template <class A>
A typed(const Napi::Object& o, const char* key) {
  const Napi::Value v = o.Get(key);
  if (!v.IsTypedArray()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a typed array");
  return v.As<A>();
}

double num(const Napi::Object& o, const char* key, double dflt) {
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

bool flag(const Napi::Object& o, const char* key, bool dflt) {
  const Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return dflt;
  return v.ToBoolean().Value();
}

Options parseOptions(const Napi::Object& o) {
  Options r;
  r.gamma = num(o, "gamma", 1);
  auto di = typed<Napi::Int32Array>(o, "stepDi");
  auto dj = typed<Napi::Int32Array>(o, "stepDj");
  auto w = typed<Napi::Float64Array>(o, "stepWeight");
  auto p = typed<Napi::Float64Array>(o, "stepPenalty");
  const size_t K = di.ElementLength();
  if (K < 1 || K > 32 || dj.ElementLength() != K || w.ElementLength() != K || p.ElementLength() != K)
    throw Napi::RangeError::New(o.Env(), "steps: 1 to 32 steps with di, dj, weight, penalty each");
  r.K = int(K);
  for (size_t k = 0; k < K; k++) {
    r.di[k] = di[k];
    r.dj[k] = dj[k];
    r.w[k] = w[k];
    r.p[k] = p[k];
  }
  r.unitSteps = flag(o, "unitSteps", true);
  r.band = num(o, "band", -1);
  r.openBegin = flag(o, "openBegin", false);
  r.openEnd = flag(o, "openEnd", false);
  r.priorW = num(o, "priorW", 0);
  r.priorK = num(o, "priorK", 0);
  r.normalize = int(num(o, "normalize", 0));
  r.grad = flag(o, "grad", true);
  r.path = flag(o, "path", true);
  return r;
}

/** Everything one call needs, with the JS arrays kept alive (async) by references. */
struct Call {
  Batch batch;
  Options opts;
  RunConfig cfg;
  Output out;
  std::vector<std::vector<int32_t>> paths;
  bool wantPaths = false;
  std::vector<Napi::Reference<Napi::Value>> keep;

  void parse(const Napi::Object& a, bool hold) {
    Napi::Env env = a.Env();
    const Napi::Value cost = a.Get("cost");
    if (!cost.IsTypedArray()) throw Napi::TypeError::New(env, "cost must be a Float64Array or Float32Array");
    const auto ta = cost.As<Napi::TypedArray>();
    if (ta.TypedArrayType() == napi_float64_array) {
      batch.dtype = Dtype::F64;
      batch.cost = ta.As<Napi::Float64Array>().Data();
    } else if (ta.TypedArrayType() == napi_float32_array) {
      batch.dtype = Dtype::F32;
      batch.cost = ta.As<Napi::Float32Array>().Data();
    } else {
      throw Napi::TypeError::New(env, "cost must be a Float64Array or Float32Array");
    }
    batch.costLen = ta.ElementLength();
    auto n = typed<Napi::Int32Array>(a, "n");
    auto m = typed<Napi::Int32Array>(a, "m");
    auto offset = typed<Napi::Float64Array>(a, "offset");
    auto stride = typed<Napi::Int32Array>(a, "stride");
    auto values = typed<Napi::Float64Array>(a, "values");
    const size_t B = n.ElementLength();
    if (m.ElementLength() != B || offset.ElementLength() != B || stride.ElementLength() != B ||
        values.ElementLength() != B)
      throw Napi::RangeError::New(env, "n, m, offset, stride and values must have one entry per item");
    batch.B = int(B);
    batch.n = n.Data();
    batch.m = m.Data();
    batch.offset = offset.Data();
    batch.stride = stride.Data();
    out.values = values.Data();
    const Napi::Value g = a.Get("grad");
    if (g.IsTypedArray()) {
      const auto gt = g.As<Napi::TypedArray>();
      if (gt.TypedArrayType() != ta.TypedArrayType() || gt.ElementLength() != ta.ElementLength())
        throw Napi::TypeError::New(env, "grad must have the type and length of cost");
      out.grad = gt.TypedArrayType() == napi_float64_array ? static_cast<void*>(gt.As<Napi::Float64Array>().Data())
                                                            : static_cast<void*>(gt.As<Napi::Float32Array>().Data());
    }
    const Napi::Value ov = a.Get("opts");
    if (!ov.IsObject()) throw Napi::TypeError::New(env, "opts must be an object");
    opts = parseOptions(ov.As<Napi::Object>());
    if (out.grad == nullptr) opts.grad = false;
    cfg.threads = int(num(a, "threads", 1));
    cfg.forceKernel = int(num(a, "forceKernel", 0));
    cfg.forceSchedule = int(num(a, "forceSchedule", 0));
    cfg.forceU = int(num(a, "forceU", 0));
    cfg.chunk = int(num(a, "chunk", 0));
    wantPaths = opts.gamma == 0 && opts.path;
    out.paths = wantPaths ? &paths : nullptr;
    if (hold)
      for (const char* k : {"cost", "n", "m", "offset", "stride", "values", "grad"}) {
        const Napi::Value v = a.Get(k);
        if (v.IsObject()) keep.push_back(Napi::Persistent(v));
      }
  }

  Napi::Value result(Napi::Env env) {
    if (!wantPaths) return env.Null();
    Napi::Array arr = Napi::Array::New(env, paths.size());
    for (size_t i = 0; i < paths.size(); i++) {
      Napi::Int32Array p = Napi::Int32Array::New(env, paths[i].size());
      for (size_t k = 0; k < paths[i].size(); k++) p[k] = paths[i][k];
      arr.Set(uint32_t(i), p);
    }
    return arr;
  }
};

/** run(args): synchronous; returns the paths (hard DTW with path) or null. */
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "run(args) expects an object");
  Call call;
  call.parse(info[0].As<Napi::Object>(), false);
  try {
    cw::runBatch(call.batch, call.opts, call.out, call.cfg);
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "native DTW: out of memory (the gradient needs ~3 stored weights per cell)");
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  return call.result(env);
}

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, std::unique_ptr<Call> call, bool cuda)
      : Napi::AsyncWorker(env), call_(std::move(call)), cuda_(cuda), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      if (cuda_) {
        std::string err;
        if (!cw::cuda::run(call_->batch, call_->opts, call_->out, err)) SetError(err);
      } else {
        cw::runBatch(call_->batch, call_->opts, call_->out, call_->cfg);
      }
    } catch (const std::bad_alloc&) {
      SetError("native DTW: out of memory (the gradient needs ~3 stored weights per cell)");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(call_->result(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  std::unique_ptr<Call> call_;
  bool cuda_;
  Napi::Promise::Deferred deferred_;
};

/** runAsync(args): the same on the libuv thread pool; resolves to the paths or null. */
Napi::Value RunAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "runAsync(args) expects an object");
  auto call = std::make_unique<Call>();
  call->parse(info[0].As<Napi::Object>(), true);
  auto* w = new RunWorker(env, std::move(call), false);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

/** plan(N, M, args): which kernel and strip layout an item gets (tests, docs). */
Napi::Value Plan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int N = info[0].As<Napi::Number>().Int32Value();
  const int M = info[1].As<Napi::Number>().Int32Value();
  const Napi::Object a = info[2].As<Napi::Object>();
  const Options o = parseOptions(a.Get("opts").As<Napi::Object>());
  RunConfig cfg;
  cfg.forceKernel = int(num(a, "forceKernel", 0));
  cfg.forceU = int(num(a, "forceU", 0));
  const cw::ItemPlan p = cw::planItem(N, M, o, cfg);
  Napi::Object r = Napi::Object::New(env);
  r.Set("kernel", p.strip ? "strip" : "generic");
  r.Set("transposed", p.transposed);
  r.Set("rows", p.rows);
  r.Set("cols", p.cols);
  r.Set("U", p.U);
  r.Set("H", p.H);
  r.Set("strips", p.strips);
  return r;
}

Napi::Value CudaProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cw::cuda::Probe p = cw::cuda::probe();
  Napi::Object r = Napi::Object::New(env);
  r.Set("compiled", p.compiled);
  r.Set("available", p.available);
  r.Set("reason", p.reason);
  r.Set("runtimeVersion", p.runtimeVersion);
  r.Set("driverVersion", p.driverVersion);
  Napi::Array devs = Napi::Array::New(env, p.devices.size());
  for (size_t i = 0; i < p.devices.size(); i++) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", p.devices[i].name);
    d.Set("totalMemory", double(p.devices[i].totalMemory));
    d.Set("computeCapability", p.devices[i].cc);
    d.Set("multiprocessors", p.devices[i].sms);
    devs.Set(uint32_t(i), d);
  }
  r.Set("devices", devs);
  return r;
}

/** cudaRunAsync(args): the CUDA backend (rejects with the reason when there is no device). */
Napi::Value CudaRunAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto call = std::make_unique<Call>();
  call->parse(info[0].As<Napi::Object>(), true);
  auto* w = new RunWorker(env, std::move(call), true);
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

Napi::Value CudaRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Call call;
  call.parse(info[0].As<Napi::Object>(), false);
  std::string err;
  if (!cw::cuda::run(call.batch, call.opts, call.out, err)) throw Napi::Error::New(env, err);
  return call.result(env);
}

/**
 * cudaPlan(n, m, {dtype, grad}): the CUDA host plan (strips, tickets, buffer offsets, bytes, launch
 * configuration) computed on the CPU; tested without a GPU.
 */
Napi::Value CudaPlan(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto n = info[0].As<Napi::Int32Array>();
  auto m = info[1].As<Napi::Int32Array>();
  const Napi::Object a = info[2].As<Napi::Object>();
  cw::cuda::PlanInput in;
  in.B = int(n.ElementLength());
  in.n = n.Data();
  in.m = m.Data();
  in.elemBytes = a.Get("dtype").ToString().Utf8Value() == "float32" ? 4 : 8;
  in.grad = flag(a, "grad", true);
  in.hard = flag(a, "hard", false);
  in.threeSlots = flag(a, "threeSlots", true);
  in.gslot = flag(a, "gslot", false);
  in.smCount = int(num(a, "smCount", 132));
  cw::cuda::Plan p;
  std::string err;
  if (!cw::cuda::makePlan(in, p, err)) throw Napi::RangeError::New(env, err);
  Napi::Object r = Napi::Object::New(env);
  r.Set("stripRows", p.stripRows);
  r.Set("chunk", p.chunk);
  r.Set("totalStrips", double(p.totalStrips));
  r.Set("blocks", p.blocks);
  r.Set("threadsPerBlock", p.threadsPerBlock);
  r.Set("bytes", double(p.bytes));
  r.Set("weightBytes", double(p.weightBytes));
  r.Set("boundaryBytes", double(p.boundaryBytes));
  r.Set("costBytes", double(p.costBytes));
  auto arr = [&](const std::vector<int64_t>& v) {
    Napi::Float64Array out = Napi::Float64Array::New(env, v.size());
    for (size_t i = 0; i < v.size(); i++) out[i] = double(v[i]);
    return out;
  };
  r.Set("itemStrip0", arr(p.itemStrip0));
  r.Set("stripItem", arr(p.stripItem));
  r.Set("stripRow0", arr(p.stripRow0));
  r.Set("stripOriented", arr(p.stripTransposed));
  r.Set("weightOffset", arr(p.weightOffset));
  r.Set("boundaryOffset", arr(p.boundaryOffset));
  r.Set("costOffset", arr(p.costOffset));
  r.Set("itemRows", arr(p.itemRows));
  r.Set("itemCols", arr(p.itemCols));
  return r;
}

/**
 * cudaTables(args): the per-item tables the CUDA kernels read (orientation, strips, band intervals,
 * column frames κ / G), built on the CPU from a batch as `run` takes it. For tests.
 */
Napi::Value CudaTables(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Call call;
  call.parse(info[0].As<Napi::Object>(), false);
  cw::cuda::PlanInput in;
  in.B = call.batch.B;
  in.n = call.batch.n;
  in.m = call.batch.m;
  in.elemBytes = call.batch.dtype == Dtype::F64 ? 8 : 4;
  cw::cuda::Plan plan;
  std::string err;
  if (!cw::cuda::makePlan(in, plan, err)) throw Napi::RangeError::New(env, err);
  cw::cuda::Tables t;
  cw::cuda::makeTables(plan, in, call.batch.cost, call.batch.offset, call.batch.stride, call.opts.band,
                       call.opts.normalize, t);
  Napi::Object r = Napi::Object::New(env);
  Napi::Array items = Napi::Array::New(env, t.items.size());
  for (size_t b = 0; b < t.items.size(); b++) {
    const auto& it = t.items[b];
    Napi::Object o = Napi::Object::New(env);
    o.Set("R", it.R);
    o.Set("Q", it.Q);
    o.Set("transposed", bool(it.transposed));
    o.Set("costOff", double(it.costOff));
    o.Set("bandOff", double(it.bandOff));
    o.Set("colOff", double(it.colOff));
    o.Set("endOff", double(it.endOff));
    o.Set("strip0", it.strip0);
    o.Set("nStrips", it.nStrips);
    o.Set("scale", it.scale);
    items.Set(uint32_t(b), o);
  }
  r.Set("items", items);
  auto f64 = [&](const std::vector<double>& v) {
    Napi::Float64Array a = Napi::Float64Array::New(env, v.size());
    for (size_t i = 0; i < v.size(); i++) a[i] = v[i];
    return a;
  };
  auto i32 = [&](const std::vector<int>& v) {
    Napi::Int32Array a = Napi::Int32Array::New(env, v.size());
    for (size_t i = 0; i < v.size(); i++) a[i] = v[i];
    return a;
  };
  r.Set("bandLo", i32(t.bandLo));
  r.Set("bandHi", i32(t.bandHi));
  r.Set("kap", f64(t.kap));
  r.Set("Ghi", f64(t.Ghi));
  r.Set("Glo", f64(t.Glo));
  return r;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", ADDON_VERSION);
  exports.Set("buildInfo", Napi::String::New(env, cw::buildInfoJson()));
  exports.Set("cpuFeatures", Napi::Function::New(env, [](const Napi::CallbackInfo& i) {
                return Napi::String::New(i.Env(), cw::cpuFeaturesJson());
              }));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("runAsync", Napi::Function::New(env, RunAsync));
  exports.Set("plan", Napi::Function::New(env, Plan));
  exports.Set("cudaProbe", Napi::Function::New(env, CudaProbe));
  exports.Set("cudaRun", Napi::Function::New(env, CudaRun));
  exports.Set("cudaRunAsync", Napi::Function::New(env, CudaRunAsync));
  exports.Set("cudaPlan", Napi::Function::New(env, CudaPlan));
  exports.Set("cudaTables", Napi::Function::New(env, CudaTables));
  return exports;
}

}  // namespace

NODE_API_MODULE(chordwarp_native, Init)
