"""Checks npu-benchmark's JSON report (docs/benchmark.md): every field is
there, and the relations that hold whatever the machine's speed.

usage: check_benchmark.py REPORT.json [--blob] [--cache] [--ort]
Prints "benchmark report ok" or the first problem (exit 1).
"""
import json
import sys


def fail(msg):
    print("benchmark report: " + msg)
    sys.exit(1)


def positive(obj, key, where):
    v = obj.get(key)
    if not isinstance(v, (int, float)) or v <= 0:
        fail(f"{where}.{key} is {v!r}, not a positive number")
    return v


def stat(r, key, runs):
    s = r.get(key)
    if not isinstance(s, dict):
        fail(f"{key} is {s!r}")
    if len(s.get("runs", [])) != runs:
        fail(f"{key} has {len(s.get('runs', []))} runs, not {runs}")
    values = sorted(s["runs"])
    mid = len(values) // 2
    median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    if abs(s["median"] - median) > 1e-9 * max(1, median):
        fail(f"{key}.median {s['median']} is not the median of {values}")
    return s["median"]


def breakdown(b, where, compiles, phases):
    if not isinstance(b, dict):
        fail(f"{where} is {b!r}")
    for key in ("runtime_init_ms", "load_and_initialize_ms",
                "first_inference_ms", "run_process_ms"):
        positive(b, key, where)
    if compiles:
        names = [p["name"] for p in b.get("compile_phases", [])]
        for name in phases:
            if name not in names:
                fail(f"{where}.compile_phases has no '{name}' (has {names})")
        total = positive(b, "compile_ms", where)
        if sum(p["ms"] for p in b["compile_phases"]) > total * 1.0001 + 0.01:
            fail(f"{where}: the compile phases add up to more than compile_ms")
        if positive(b, "compile_process_ms", where) < total:
            fail(f"{where}: the compile process took less than its compile")


def main():
    path, flags = sys.argv[1], set(sys.argv[2:])
    r = json.load(open(path))
    blob, cache, ort = "--blob" in flags, "--cache" in flags, "--ort" in flags
    runs = r["runs"]
    for key in ("model", "device", "perf_hint"):
        if not isinstance(r.get(key), str) or not r[key]:
            fail(f"{key} is {r.get(key)!r}")
    fil = stat(r, "fil_ms", runs)
    if blob:
        if r["feil_ms"] is not None:
            fail("a blob has no FEIL")
    else:
        feil = stat(r, "feil_ms", runs)
        # Every FEIL run is its FIL run plus a compile.
        for f, l in zip(r["feil_ms"]["runs"], r["fil_ms"]["runs"]):
            if f <= l:
                fail(f"a FEIL run ({f} ms) is not above its FIL run ({l} ms)")
        if feil <= fil:
            fail(f"FEIL {feil} <= FIL {fil}")
    breakdown(r["breakdown"], "breakdown", not blob,
              ["create context", "read model", "grouped", "addressed",
               "blob serialization", "write blob"])
    if cache:
        stat(r, "fil_cache_hit_ms", runs)
        breakdown(r["cache_hit_breakdown"], "cache_hit_breakdown", True,
                  ["cache key", "cache read", "write blob"])
        names = [p["name"] for p in r["cache_hit_breakdown"]["compile_phases"]]
        if "read model" in names:
            fail("a cache hit read the model")
    elif r["fil_cache_hit_ms"] is not None:
        fail("fil_cache_hit_ms without --cache-dir")
    m = r["with_modelled_first_inference"]
    if blob != (m["feil_ms"] is None):
        fail(f"with_modelled_first_inference.feil_ms is {m['feil_ms']!r}")
    positive(m, "fil_ms", "with_modelled_first_inference")
    if not blob and m["feil_ms"] <= m["fil_ms"]:
        fail("with_modelled_first_inference: FEIL <= FIL")
    s = r["steady_state"]
    positive(s, "modelled_npu_latency_us", "steady_state")
    positive(s, "modelled_cycles", "steady_state")
    positive(s, "throughput_per_s", "steady_state")
    positive(s, "throughput_requests", "steady_state")
    if r["iterations"] > 1:
        positive(s, "host_ms_per_inference", "steady_state")
    if ort:
        o = r["ort"]
        for key in ("session_create_ms", "first_run_ms", "total_ms"):
            positive(o, key, "ort")
        ratios = r["ratios"]
        if abs(ratios["fil_over_ort"] - fil / o["total_ms"]) > 1e-6 * fil:
            fail("fil_over_ort is not FIL / ORT")
        if ratios["feil_over_ort"] <= ratios["fil_over_ort"]:
            fail("feil_over_ort <= fil_over_ort")
    elif r["ort"] is not None or r["ratios"] is not None:
        fail("ort results without ONNX Runtime")
    props = r["properties"]
    positive(props["model"], "tiles_in_use", "properties.model")
    positive(props["device"], "max_tiles", "properties.device")
    if props["model"]["tiles_in_use"] > props["device"]["max_tiles"]:
        fail("more tiles in use than the device has")
    print("benchmark report ok")


main()
