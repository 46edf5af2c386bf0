"""Checks a --precision=mixed --fp16-if-faster compile (npu-compile-mixed.test).

usage: check_fp16_if_faster.py REPORT.json WRITTEN.blob MIXED.blob FP16.blob RUN.log

The report's "blob" names the precision written and both modelled
latencies; the written blob is byte for byte the mixed one (compiled with
--fp16-if-faster=false) or the --precision=fp16 one, the one with the lower
latency (fp16 on a tie); npu-run's modelled latency (RUN.log) is the
report's figure for it.
"""
import json
import re
import sys

report, written, mixed, fp16, log = sys.argv[1:6]
blob = json.load(open(report))["blob"]
mixed_us, fp16_us = blob["modelled_us_mixed"], blob["modelled_us_fp16"]
expected = "fp16" if fp16_us <= mixed_us else "mixed"
if blob["precision"] != expected:
    sys.exit(f"wrote {blob['precision']}, expected {expected}: {blob}")
data = open(written, "rb").read()
same = open(fp16 if expected == "fp16" else mixed, "rb").read()
if data != same:
    sys.exit(f"the written blob is not the {expected} compile's")
match = re.search(r"modelled NPU latency: \d+ cycles = ([0-9.]+) us", open(log).read())
if not match:
    sys.exit("npu-run printed no modelled latency")
measured = float(match.group(1))
want = fp16_us if expected == "fp16" else mixed_us
if abs(measured - want) > 0.01:
    sys.exit(f"npu-run measured {measured} us, the compile reported {want} us")
print(f"ok: {expected} ({mixed_us:.2f} us mixed, {fp16_us:.2f} us fp16)")
