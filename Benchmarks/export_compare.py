#!/usr/bin/env python3
"""Writing a 1,000,000-cell sheet: `renju-bench export` against the plain C program that does the
same with libxlsxwriter and nothing else (Benchmarks/export_baseline.c, compiled here when
missing), alternately in one run. Prints each side's times, the medians and their ratio (issue
34's goal: Renju within 1.05x of the C program).

usage: python3 Benchmarks/export_compare.py [RENJU_BENCH] [--rounds N]   (default .build/release/renju-bench, 7)
"""
import os
import re
import statistics
import subprocess
import sys

argv = sys.argv[1:]
rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 7
args = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--rounds")]
bench = args[0] if args else ".build/release/renju-bench"
baseline = "/tmp/renju-export-baseline"
if not os.path.exists(baseline):
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "xlsxwriter"], capture_output=True, text=True, check=True).stdout.split()
    subprocess.run(["cc", "-O2", "-o", baseline, os.path.join(os.path.dirname(__file__), "export_baseline.c")] + flags, check=True)

swift, c = [], []
for _ in range(rounds):
    out = subprocess.run([bench, "export", "--cells", "1000000", "--out", "/tmp/renju-export-swift.xlsx"], capture_output=True, text=True, check=True).stdout
    swift.append(float(re.search(r"\): ([0-9.]+) s", out).group(1)))
    out = subprocess.run([baseline, "1000000", "/tmp/renju-export-c.xlsx"], capture_output=True, text=True, check=True).stdout
    c.append(float(re.search(r"in ([0-9.]+) s", out).group(1)))
print("renju  " + " ".join(f"{x:.2f}" for x in swift) + f"   median {statistics.median(swift):.3f} s")
print("C      " + " ".join(f"{x:.2f}" for x in c) + f"   median {statistics.median(c):.3f} s")
ratios = sorted(s / b for s, b in zip(swift, c))
print(f"Renju / C: median of the medians {statistics.median(swift) / statistics.median(c):.3f}x; round by round {ratios[0]:.2f}-{ratios[-1]:.2f}x (goal <= 1.05)")
