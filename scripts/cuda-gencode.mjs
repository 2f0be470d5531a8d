// Prints the nvcc -gencode flags for a comma-separated list of SM versions ("75,80,90"): SASS for each,
// plus PTX of the newest so that later GPUs can JIT-compile it. Used by native/binding.gyp.
const archs = (process.argv[2] ?? '75,80,86,89,90')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => /^\d+$/.test(s))
if (archs.length === 0) throw new Error('cuda-gencode: no architectures given')
const flags = archs.flatMap((a) => ['-gencode', `arch=compute_${a},code=sm_${a}`])
const last = archs[archs.length - 1]
flags.push('-gencode', `arch=compute_${last},code=compute_${last}`)
process.stdout.write(flags.join(' '))
