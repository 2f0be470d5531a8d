# Reference values from Debian's python3-mir-eval for tests/unit/eval/*.test.ts.
# stdin: {"cases": [{"ref": [[s, e, label], ...], "est": [[s, e, label], ...]}],
#         "pairs": {"ref": [...labels], "est": [...labels]}}
# stdout: {"cases": [{scores, zeroLength, mergedRef, mergedEst, adjusted, deviation, deviationTrim}],
#          "pairs": {metric: [scores]}}
import json
import sys
import warnings

import numpy as np
import mir_eval

warnings.simplefilter('ignore')
METRICS = ['thirds', 'thirds_inv', 'triads', 'triads_inv', 'tetrads', 'tetrads_inv', 'root', 'mirex',
           'majmin', 'majmin_inv', 'sevenths', 'sevenths_inv']


def split(segs):
    return np.array([[s[0], s[1]] for s in segs], dtype=float), [s[2] for s in segs]


def nan_to_none(x):
    return None if x != x else float(x)


def case(c):
    ri, rl = split(c['ref'])
    ei, el = split(c['est'])
    out = {'zeroLength': False}
    try:
        out['scores'] = {k: float(v) for k, v in mir_eval.chord.evaluate(ri, list(rl), ei, list(el)).items()}
    except ValueError:
        # mir_eval rejects the zero-length interval its own adjust_intervals created: score the rest as
        # mir_eval does, segmentation on the merged intervals without zero-length ones.
        out['zeroLength'] = True
        ai, al = mir_eval.util.adjust_intervals(ei, list(el), ri.min(), ri.max(), 'N', 'N')
        mr = mir_eval.chord.merge_chord_intervals(ri, rl)
        me = mir_eval.chord.merge_chord_intervals(ai, al)
        me = me[me[:, 1] > me[:, 0]]
        iv, rl2, el2 = mir_eval.util.merge_labeled_intervals(ri, list(rl), ai, al)
        d = mir_eval.util.intervals_to_durations(iv)
        s = {m: float(mir_eval.chord.weighted_accuracy(getattr(mir_eval.chord, m)(rl2, el2), d)) for m in METRICS}
        s['underseg'] = float(mir_eval.chord.underseg(mr, me))
        s['overseg'] = float(mir_eval.chord.overseg(mr, me))
        s['seg'] = min(s['underseg'], s['overseg'])
        out['scores'] = s
    ai, al = mir_eval.util.adjust_intervals(ei, list(el), ri.min(), ri.max(), 'N', 'N')
    out['adjusted'] = [[float(a), float(b), l] for (a, b), l in zip(ai, al)]
    out['mergedRef'] = mir_eval.chord.merge_chord_intervals(ri, rl).tolist()
    out['mergedEst'] = mir_eval.chord.merge_chord_intervals(ai, al).tolist()
    if (ei[:, 1] > ei[:, 0]).all():
        a, b = mir_eval.segment.deviation(ri, ei)
        out['deviation'] = [nan_to_none(a), nan_to_none(b)]
        a, b = mir_eval.segment.deviation(ri, ei, trim=True)
        out['deviationTrim'] = [nan_to_none(a), nan_to_none(b)]
    return out


data = json.load(sys.stdin)
res = {'cases': [case(c) for c in data.get('cases', [])]}
if 'pairs' in data:
    p = data['pairs']
    res['pairs'] = {m: getattr(mir_eval.chord, m)(p['ref'], p['est']).tolist() for m in METRICS}
json.dump(res, sys.stdout)
