#!/usr/bin/env python3
"""Simulator throughput: arcadence on 1 and 2 threads against the fair NumPy model and C.

    python3 Benchmarks/numpy/bench.py [--runs 3] [--also OTHER_BINARY ...]

Runs Benchmarks/numpy/bench-throughput.yaml (5,000 open invoices sampled from the large benchmark
store, 90 days, 2,000 paths, the observed policy) end to end:

 1. the store .bench/store-50000-24.sqlite (generated and imported once if missing, as
    `make bench` does);
 2. `arcadence calibrate --out .bench/calibration-throughput.yaml` (the file the scenario
    names, so both implementations read the same parameters);
 3. `arcadence simulate ... --portfolio-out .bench/numpy/portfolio.csv` (the start state);
 4. --runs rounds of: arcadence on 1 thread, on 2 threads, NumPy (interleaved, so that other
    load on a shared machine hits all three alike);
 5. check.py on the outputs (statistical agreement);
 6. a summary table, printed and written to Benchmarks/numpy/results.md.

Seconds are the simulation only (store load, calibration and file reading excluded), as
reported by each side: `arcadence simulate` prints them on stderr, simulate.py in its JSON.
Throughput = invoice-days / seconds, using the fastest run (the least disturbed on a shared
machine); medians are shown too.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.join(ROOT, "Benchmarks", "numpy")
SCENARIO = "Benchmarks/numpy/bench-throughput.yaml"
CALIBRATION = ".bench/calibration-throughput.yaml"
OUT = ".bench/numpy"
NOTE = re.compile(r"([\d.]+) s \(([\d.]+) s CPU\), ([\d,]+) invoice-days")


def sh(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, check=True, text=True, **kw)


def ours(binary, store, threads, json_out):
    """One arcadence run: (seconds, CPU seconds, invoice-days)."""
    with open(os.path.join(ROOT, json_out), "w") as f:
        p = sh([binary, "simulate", SCENARIO, "--db", store, "--threads", str(threads),
                "--format", "json"], stdout=f, stderr=subprocess.PIPE)
    m = NOTE.search(p.stderr)
    if not m:
        sys.exit(f"no timing line from {binary}: {p.stderr}")
    return float(m.group(1)), float(m.group(2)), int(m.group(3).replace(",", ""))


REFERENCES = {   # name: (script, extra arguments, output stem)
    "fair": (os.path.join(HERE, "fair.py"), ["--chunk"], "fair"),
    "c": (os.path.join(ROOT, "Benchmarks", "c", "run.py"), [], "c"),
    "dense": (os.path.join(HERE, "simulate.py"), ["--chunk"], "numpy"),
}


def reference_run(name, chunk):
    """One run of a reference (fair NumPy, C, dense NumPy): (seconds, CPU seconds,
    invoice-days)."""
    script, extra, stem = REFERENCES[name]
    sh([sys.executable, script, SCENARIO, "--calibration", CALIBRATION, "--portfolio",
        f"{OUT}/portfolio.csv", *([extra[0], str(chunk)] if extra else []),
        "--out", f"{OUT}/{stem}.json", "--samples", f"{OUT}/{stem}.npz"],
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = json.load(open(os.path.join(ROOT, OUT, f"{stem}.json")))["throughput"]
    return t["seconds"], t["cpu_seconds"], t["invoice_days"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--store", default=".bench/store-50000-24.sqlite")
    ap.add_argument("--binary", default=".build/release/arcadence")
    ap.add_argument("--also", action="append", default=[],
                    help="another arcadence binary to time the same way (e.g. a build "
                         "before a change)")
    ap.add_argument("--chunk", type=int, default=500, help="NumPy paths per chunk")
    ap.add_argument("--no-write", action="store_true", help="do not write results.md")
    ap.add_argument("--dense", action="store_true",
                    help="also time the first-round dense NumPy model (simulate.py)")
    a = ap.parse_args()
    os.makedirs(os.path.join(ROOT, OUT), exist_ok=True)
    binary = a.binary
    if not os.path.exists(os.path.join(ROOT, binary)):
        sh(["swift", "build", "-c", "release"])
    if not os.path.exists(os.path.join(ROOT, a.store)):
        data = ".bench/data-50000-24"
        print(f"building {a.store} once (generate + import, as `make bench`)", file=sys.stderr)
        if not os.path.exists(os.path.join(ROOT, data, "tasks.csv")):
            sh([binary, "generate", "--out", data, "--customers", "50000", "--months", "24",
                "--seed", "1", "--reps", "60", "--teams", "6"])
        sh([binary, "import", data, "--db", a.store])
    sh([binary, "calibrate", "--db", a.store, "--out", CALIBRATION], stdout=subprocess.DEVNULL)
    sh([binary, "simulate", SCENARIO, "--db", a.store, "--paths", "1", "--threads", "1",
        "--portfolio-out", f"{OUT}/portfolio.csv", "--format", "json"],
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    binaries = [binary] + a.also
    results = {}
    for r in range(a.runs):
        for b in binaries:
            for t in (1, 2):
                results.setdefault((b, t), []).append(
                    ours(b, a.store, t, f"{OUT}/ours-{t}.json" if b == binary
                         else f"{OUT}/other-{t}.json"))
        for name in ("fair", "c") + (("dense",) if a.dense else ()):
            results.setdefault((name, 1), []).append(reference_run(name, a.chunk))
        print(f"round {r + 1} of {a.runs} done", file=sys.stderr)

    same = open(os.path.join(ROOT, OUT, "ours-1.json")).read() == \
        open(os.path.join(ROOT, OUT, "ours-2.json")).read()
    check = subprocess.run(
        [sys.executable, os.path.join(HERE, "check.py"), f"{OUT}/ours-1.json",
         f"{OUT}/fair.json", f"{OUT}/fair.npz"], cwd=ROOT, text=True, capture_output=True)
    equal = subprocess.run(
        [sys.executable, os.path.join(ROOT, "Benchmarks", "c", "equal.py"),
         f"{OUT}/ours-1.json", f"{OUT}/c.json"], cwd=ROOT, text=True, capture_output=True)

    def row(key):
        v = results[key]
        wall = [x[0] for x in v]
        cpu = [x[1] for x in v]
        days = v[0][2]
        return min(wall), statistics.median(wall), min(cpu), days, days / min(wall)

    np_best = row(("fair", 1))
    c_best = row(("c", 1))
    lines = ["| implementation | threads | invoice-days | fastest s | median s | CPU s | "
             "M invoice-days/s | × fair NumPy | × C |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for b in binaries:
        for t in (1, 2):
            w, med, cpu, days, thr = row((b, t))
            name = "arcadence" if b == binary else f"arcadence ({b})"
            lines.append(f"| {name} | {t} | {days:,} | {w:.2f} | {med:.2f} | {cpu:.2f} | "
                         f"{thr / 1e6:.1f} | {thr / np_best[4]:.1f} | {thr / c_best[4]:.2f} |")
    names = {"fair": f"fair NumPy {__import__('numpy').__version__} (chunk {a.chunk})",
             "c": "C (gcc -O3)", "dense": f"dense NumPy (first round, chunk {a.chunk})"}
    for key in ("fair", "c") + (("dense",) if a.dense else ()):
        w, med, cpu, days, thr = row((key, 1))
        lines.append(f"| {names[key]} | 1 | {days:,} | {w:.2f} | {med:.2f} | {cpu:.2f} | "
                     f"{thr / 1e6:.1f} | {thr / np_best[4]:.1f} | {thr / c_best[4]:.2f} |")
    scaling = [f"{b if b != binary else 'arcadence'}: 2 threads / 1 thread = "
               f"{row((b, 2))[4] / row((b, 1))[4]:.2f}" for b in binaries]
    nominal = 5000 * 90 * 2000
    load = os.getloadavg()
    machine = (f"{os.cpu_count()} cores, {platform.platform()}, Python "
               f"{platform.python_version()}, load average at the end "
               f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    text = "\n".join([
        "# Simulator throughput against NumPy",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')} · {machine}.",
        f"Scenario {SCENARIO}: 5,000 open invoices × 90 days × 2,000 paths "
        f"({nominal:,} nominal invoice-days), observed policy. {a.runs} runs each, "
        "interleaved; throughput from the fastest run.",
        "",
        *lines,
        "",
        "Scaling: " + "; ".join(scaling) + ".",
        f"Our JSON at 1 and 2 threads is {'byte-identical' if same else 'DIFFERENT'}.",
        "",
        f"The C reference against ours (c/equal.py): {equal.stdout.strip()}.",
        "",
        "Statistical agreement of the fair NumPy model (check.py):",
        "",
        "```",
        check.stdout.rstrip(),
        "```",
        "",
    ])
    print(text)
    if not a.no_write:
        with open(os.path.join(HERE, "results.md"), "w") as f:
            f.write(text)
    return check.returncode or equal.returncode


if __name__ == "__main__":
    sys.exit(main())
