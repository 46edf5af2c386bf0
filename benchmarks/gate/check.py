#!/usr/bin/env python3
"""The CI regression gate's comparison: figures now against the baseline.

    check.py BASELINE CURRENT [--update] [--all] [--only PREFIX]
             [--name NAME] [--update-hint TEXT]

BASELINE and CURRENT are JSON files {"figures": {"MODEL/TARGET/PRECISION/
FIGURE": number}} (benchmarks/gate/baseline.json; scripts/gate.sh writes
CURRENT). Prints a table of figure, baseline, now, change and verdict (by
default only the rows that are not plainly "ok"; --all prints every row)
and a summary. Exit status 1 if a figure got worse beyond its tolerance or
is missing, 0 otherwise (improvements and new figures are reported, never
fail). With --update, prints the same report, then writes CURRENT's
figures to BASELINE (created if missing) and exits 0. --only PREFIX
compares only the figures whose name starts with PREFIX (with --update,
the baseline's other figures are kept). The accuracy table's check
(scripts/accuracy.sh, docs/accuracy.md) uses the same comparison with its
own figures and --name accuracy.

Tolerances, by FIGURE (docs/benchmark.md, "Regression gate"):
deterministic figures (the compiler and the cost model, not the host) are
tight; the timing ratios to ONNX Runtime measured in the same run are
noisy on a shared machine and fail only beyond twice the baseline.
"""
import argparse
import json
import math
import os
import sys

# FIGURE: (better, kind, tolerance). better: 'lower' or 'higher'. kind:
# 'rel' -- worse by more than tolerance x baseline fails; 'abs' -- worse by
# more than tolerance fails; 'factor' -- worse than baseline x tolerance
# (or / tolerance) fails, and only better than baseline / tolerance counts as
# an improvement (the rest is noise); 'info' -- reported, never fails.
RULES = {
    'modelled_latency_us': ('lower', 'rel', 0.01),
    'blob_bytes': ('lower', 'rel', 0.01),
    'cmx_peak_bytes': ('lower', 'abs', 0),
    'ddr_scratch_bytes': ('lower', 'rel', 0.01),
    'ddr_traffic_bytes': ('lower', 'rel', 0.01),
    'cosine': ('higher', 'abs', 0.002),
    'feil_over_ort': ('lower', 'factor', 2.0),
    'fil_over_ort': ('lower', 'factor', 2.0),
}
# The accuracy table (docs/accuracy.md): figures of deterministic compiles
# and simulations against ONNX Runtime, so the tolerances only absorb ONNX
# Runtime's last-bit differences between hosts. 'info' figures (how many
# lines were read) give the others their context and never fail.
for _prefix in ('ocr_', 'ocr_print_'):
    RULES.update({
        _prefix + 'lines': ('higher', 'info', 0),
        _prefix + 'lines_same_pct': ('higher', 'abs', 0),
        _prefix + 'lines_same_nospace_pct': ('higher', 'abs', 0),
        _prefix + 'cer_pct': ('lower', 'abs', 0.01),
        _prefix + 'cer_nospace_pct': ('lower', 'abs', 0.01),
    })
for _prefix in ('oww_', 'oww_cpu_mel_'):
    RULES.update({
        _prefix + 'max_score_diff': ('lower', 'abs', 0.001),
        _prefix + 'detection_diff_frames': ('lower', 'abs', 0),
    })
for _figure in ('det_mask_iou', 'det_mask_iou_min', 'det_cosine_min'):
    RULES[_figure] = ('higher', 'abs', 0.001)
# The OCR figures measure the device's text against ONNX Runtime float's,
# whose spaces on these pages sit at the edge of its decisions; ONNX
# Runtime's float results differ between hosts' CPUs, and so do the
# recogniser's calibration crops, cut from float's boxes (docs/accuracy.md).
# accuracy.py records a fingerprint of float's lines and of the OCR
# calibration samples per scope, SCOPE/float/ocr_reference; where it is not
# the baseline's (or either has none), that scope's text figures are
# reported, not compared.

RULES['ocr_reference'] = ('higher', 'reference', 0)
REFERENCE = 'float/ocr_reference'


def tolerance_text(rule):
    better, kind, tol = rule
    sign = '+' if better == 'lower' else '-'
    if kind == 'rel':
        return '%s%g%%' % (sign, tol * 100)
    if kind == 'abs':
        return '%s%g' % (sign, tol)
    return '%s%g' % ('x' if better == 'lower' else '/', tol)


def fmt(v, sign=''):
    """Whole numbers (bytes) in full, others to 6 significant digits."""
    if v is None:
        return '-'
    if math.isfinite(v) and float(v).is_integer() and abs(v) < 1e15:
        return ('%' + sign + 'd') % v
    return ('%' + sign + '.6g') % v


def judge(name, base, now):
    """(verdict, change text, failed) of one figure."""
    rule = RULES.get(name.rsplit('/', 1)[-1])
    if rule is None:
        return 'UNKNOWN FIGURE', '', True
    if base is None:
        return 'new', '', False
    if now is None:
        return 'MISSING', '', True
    if not (math.isfinite(base) and math.isfinite(now)):
        if math.isfinite(base):
            return 'REGRESSED (not a finite number)', '', True
        return ('ok', '', False) if not math.isfinite(now) else ('improved', '', False)
    better, kind, tol = rule
    if kind == 'reference':
        return ('ok', '', False) if now == base else (
            'changed (float text or calibration differs)', '', False)
    if kind == 'info':
        return ('ok' if now == base else 'changed (informative)'), fmt(now - base, '+'), False
    worse = now - base if better == 'lower' else base - now
    if kind == 'rel':
        limit = tol * abs(base)
    elif kind == 'abs':
        limit = tol
    else:
        limit = base * (tol - 1) if better == 'lower' else base - base / tol
    diff = now - base
    change = fmt(diff, '+')
    if kind != 'abs' and base:
        change += ' (%+.2f%%)' % (100.0 * diff / abs(base))
    if worse > limit + 1e-9 * abs(base):  # not a rounding error
        return 'REGRESSED (tolerance %s)' % tolerance_text(rule), change, True
    if kind == 'factor':
        improved = now < base / tol if better == 'lower' else now > base * tol
    else:
        improved = worse < 0
    if improved:
        return 'improved', change, False
    if worse > 0:
        return 'ok (within %s)' % tolerance_text(rule), change, False
    return 'ok', change, False




def load(path):
    with open(path) as f:
        data = json.load(f)
    figs = data.get('figures') if isinstance(data, dict) else None
    if not isinstance(figs, dict):
        raise ValueError('%s: no "figures" object' % path)
    return figs


def text_not_comparable(name, base, now):
    """Whether OCR text figure `name` (SCOPE/CONFIG/ocr_...) is measured
    against another reference (float's lines, the OCR calibration samples)
    than the baseline's."""
    parts = name.split('/')
    if len(parts) != 3 or not parts[2].startswith('ocr_') or parts[2] == 'ocr_reference':
        return False
    if RULES.get(parts[2], (None, 'info'))[1] == 'info':
        return False
    key = parts[0] + '/' + REFERENCE
    return base.get(key) is None or now.get(key) is None or base[key] != now[key]


def report(base, now, show_all, label='gate'):
    """Prints the table and the summary; returns the regressed figures."""
    rows, regressed, improved, new = [], [], [], []
    not_compared = 0
    for name in sorted(set(base) | set(now)):
        if (base.get(name) is not None and now.get(name) is not None and
                text_not_comparable(name, base, now)):
            verdict, change, failed = 'not compared (reference differs)', fmt(
                now[name] - base[name], '+'), False
            not_compared += 1
        else:
            verdict, change, failed = judge(name, base.get(name), now.get(name))
        if failed:
            regressed.append(name)
        elif verdict == 'improved':
            improved.append(name)
        elif verdict == 'new':
            new.append(name)
        if show_all or verdict != 'ok':
            rows.append((name, fmt(base.get(name)), fmt(now.get(name)), change, verdict))
    header = ('figure', 'baseline', 'now', 'change', 'verdict')
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(5)]
    # The header only above rows (found by a review: printed alone).
    for r in ([header] + rows) if rows else []:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print('%s: %d figures compared, %d regressed, %d improved, %d new' %
          (label, len(set(base) | set(now)), len(regressed), len(improved), len(new)))
    if not_compared:
        print('%s: %d OCR text figures not compared: float\'s lines or the OCR '
              'calibration samples differ from where the baseline was recorded (%s)' %
              (label, not_compared, REFERENCE))
    return regressed, improved, new


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('baseline')
    ap.add_argument('current')
    ap.add_argument('--update', action='store_true',
                    help="write CURRENT's figures to BASELINE (after the report against it)")
    ap.add_argument('--all', action='store_true', help='print every figure')
    ap.add_argument('--only', metavar='PREFIX', default='',
                    help='compare only the figures whose name starts with PREFIX')
    ap.add_argument('--name', default='gate', help='the name in the messages')
    ap.add_argument('--update-hint', default='scripts/gate.sh --update '
                    '(and commit benchmarks/gate/baseline.json)',
                    help='how to record an intended change')
    a = ap.parse_args()
    try:
        now = load(a.current)
        base = load(a.baseline) if not a.update or os.path.exists(a.baseline) else {}
    except (OSError, ValueError) as e:
        print('%s: error: %s' % (a.name, e), file=sys.stderr)
        return 2
    kept = {k: v for k, v in base.items() if not k.startswith(a.only)}
    base = {k: v for k, v in base.items() if k.startswith(a.only)}
    now = {k: v for k, v in now.items() if k.startswith(a.only)}
    regressed, improved, new = report(base, now, a.all, a.name)
    if a.update:
        kept.update(now)
        with open(a.baseline, 'w') as f:
            json.dump({'figures': dict(sorted(kept.items()))}, f, indent=1)
            f.write('\n')
        print('%s: wrote %d figures to %s' % (a.name, len(now), a.baseline))
        return 0
    if improved or new:
        print('%s: if the change is intended, record it: %s' % (a.name, a.update_hint))
    if regressed:
        print('%s: FAILED: %s' % (a.name, ', '.join(regressed)))
        return 1
    print('%s: passed' % a.name)
    return 0


if __name__ == '__main__':
    sys.exit(main())
