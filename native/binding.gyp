# The chordwarp_native addon (N-API, node-addon-api). Built by scripts/build-native.mjs, which passes:
#   -Dmarch=<arch>       the -march of the kernels (default "native": this machine's SIMD; see docs/native.md)
#   -Dcuda_home=<dir>    a CUDA toolkit with nvcc to compile src/cuda/dtw.cu (empty: CPU-only addon)
#   -Dcuda_archs=<list>  nvcc -gencode list, e.g. "75,80,86,89,90" (SASS) + PTX of the last
{
  "variables": {
    "march%": "native",
    "cuda_home%": "",
    "cuda_archs%": "75,80,86,89,90"
  },
  "targets": [
    {
      "target_name": "chordwarp_native",
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "sources": [
        "src/addon.cc",
        "src/run.cc",
        "src/strip.cc",
        "src/generic.cc",
        "src/pool.cc",
        "src/info.cc",
        "src/cuda/plan.cc"
      ],
      "defines": ["NAPI_VERSION=8", "CW_MARCH=\"<(march)\""],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-Wall", "-Wno-unused-function"],
      "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
      "conditions": [
        ["march != 'none'", {
          "cflags_cc": ["-march=<(march)"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["-march=<(march)"]}
        }],
        ["OS == 'mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "GCC_OPTIMIZATION_LEVEL": "3",
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES"
          }
        }],
        ["cuda_home == ''", {
          "sources": ["src/cuda/stub.cc"]
        }, {
          "sources": ["src/cuda/dtw.cu"],
          "defines": ["CW_WITH_CUDA"],
          "include_dirs": ["<(cuda_home)/include"],
          "libraries": ["<(cuda_home)/lib64/libcudart_static.a", "-ldl", "-lrt", "-lpthread"],
          "rules": [
            {
              "rule_name": "nvcc",
              "extension": "cu",
              "inputs": ["<(RULE_INPUT_PATH)", "src/cuda/api.h", "src/cuda/plan.h", "src/dtw.h"],
              "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o"],
              "action": [
                "<(cuda_home)/bin/nvcc", "-std=c++17", "-O3", "-Xcompiler", "-fPIC", "-DCW_WITH_CUDA",
                "--expt-relaxed-constexpr", "-lineinfo",
                "<!@(node ../scripts/cuda-gencode.mjs <(cuda_archs))",
                "-c", "<(RULE_INPUT_PATH)", "-o", "<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o"
              ],
              "message": "nvcc <(RULE_INPUT_PATH)",
              "process_outputs_as_sources": 1
            }
          ]
        }]
      ]
    }
  ]
}
