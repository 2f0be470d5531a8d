"""Reference for bench/dtw.mjs: soft-DTW forward + backward in numba, float64, one thread.

The issue's reference row "numba float64, backward reusing the forward's soft-min weights": the forward
pass stores the three soft-min weights of every cell (log-sum-exp with the minimum factored out), the
backward pass (seed Alg. 2) multiplies them, exp-free. Same problem as the TS benchmark: seed steps,
gamma (default 1), uniform random costs in [0, 1).

usage: /usr/bin/python3 bench/dtw_numba.py 5x150x16,1x3000x200 [runs] [gamma]   -> JSON list on stdout
"""
import json
import math
import sys
import time

import numpy as np
from numba import njit


@njit(cache=False, fastmath=False)
def sdtw_fwd_bwd(C, gamma, W, E):
    N, M = C.shape
    R = np.full((N + 1, M + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, N + 1):
        for j in range(1, M + 1):
            d = R[i - 1, j - 1]
            u = R[i - 1, j]
            l = R[i, j - 1]
            m = min(d, u, l)
            if m == np.inf:
                R[i, j] = np.inf
                W[i, j, 0] = 0.0
                W[i, j, 1] = 0.0
                W[i, j, 2] = 0.0
                continue
            ed = math.exp(-(d - m) / gamma)
            eu = math.exp(-(u - m) / gamma)
            el = math.exp(-(l - m) / gamma)
            s = ed + eu + el
            R[i, j] = C[i - 1, j - 1] + m - gamma * math.log(s)
            W[i, j, 0] = ed / s
            W[i, j, 1] = eu / s
            W[i, j, 2] = el / s
    E[:, :] = 0.0
    E[N, M] = 1.0
    for i in range(N, 0, -1):
        for j in range(M, 0, -1):
            e = 0.0
            if i < N and j < M:
                e += E[i + 1, j + 1] * W[i + 1, j + 1, 0]
            if i < N:
                e += E[i + 1, j] * W[i + 1, j, 1]
            if j < M:
                e += E[i, j + 1] * W[i, j + 1, 2]
            if i == N and j == M:
                e = 1.0
            E[i, j] = e
    return R[N, M]


def main():
    sizes = [tuple(int(v) for v in s.split('x')) for s in sys.argv[1].split(',')]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    gamma = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    rng = np.random.default_rng(0)
    # compile once
    Cw = rng.random((4, 3))
    sdtw_fwd_bwd(Cw, 1.0, np.zeros((5, 4, 3)), np.zeros((6, 5)))
    out = []
    for B, N, M in sizes:
        Cs = [rng.random((N, M)) for _ in range(B)]
        W = np.zeros((N + 2, M + 2, 3))
        E = np.zeros((N + 2, M + 2))
        best = float('inf')
        for _ in range(runs):
            t = time.perf_counter()
            for C in Cs:
                sdtw_fwd_bwd(C, gamma, W, E)
            best = min(best, time.perf_counter() - t)
        ms = best * 1e3
        out.append({'backend': 'numba', 'dtype': 'float64', 'threads': 1, 'B': B, 'N': N, 'M': M,
                    'ms': round(ms, 3), 'mcellsPerS': round(B * N * M / best / 1e6, 2)})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
