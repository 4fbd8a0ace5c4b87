#!/usr/bin/env python3
"""Reading a 1,000,000-cell workbook: Renju against openpyxl (read-only mode, its fastest) and
python-calamine (Rust), alternately in one run, each reading every cell. Prints each tool's
median and the ratios the goals are stated in (issue 34: >= 15x openpyxl, >= 2.5x calamine, and
understanding the form within 1.3x of reading every cell).

usage: python3 Benchmarks/read_compare.py [RENJU_BENCH] [--file F] [--rounds N]
       (default .build/release/renju-bench, /tmp/renju-read-1m.xlsx written first if missing, 5 rounds)
python-calamine is skipped with a note when it is not installed (pip install python-calamine).
"""
import re
import statistics
import subprocess
import sys
import time

args = sys.argv[1:]
bench = next((a for a in args if not a.startswith("--") and args[args.index(a) - 1] not in ("--file", "--rounds")), ".build/release/renju-bench")
path = args[args.index("--file") + 1] if "--file" in args else "/tmp/renju-read-1m.xlsx"
rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 5


def renju():
    out = subprocess.run([bench, "read", "--file", path], capture_output=True, text=True, check=True).stdout
    cells = float(re.search(r"every cell read in ([0-9.]+) s", out).group(1))
    form = float(re.search(r"with the form understood ([0-9.]+) s", out).group(1))
    return cells, form


def openpyxl_read():
    import openpyxl
    t = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += sum(1 for v in row if v is not None)
    return time.perf_counter() - t, n


def calamine_read():
    from python_calamine import CalamineWorkbook
    t = time.perf_counter()
    wb = CalamineWorkbook.from_path(path)
    n = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            n += sum(1 for v in row if v != "")
    return time.perf_counter() - t, n


try:
    import python_calamine  # noqa: F401
    have_calamine = True
except ImportError:
    have_calamine = False
    print("python-calamine is not installed (pip install python-calamine): compared with openpyxl only")

renju()  # writes the workbook when missing, and warms the file cache
times = {"renju cells": [], "renju form": [], "openpyxl": [], "calamine": []}
counts = {}
for _ in range(rounds):
    c, f = renju()
    times["renju cells"].append(c); times["renju form"].append(f)
    s, counts["openpyxl"] = openpyxl_read(); times["openpyxl"].append(s)
    if have_calamine:
        s, counts["calamine"] = calamine_read(); times["calamine"].append(s)
med = {k: statistics.median(v) for k, v in times.items() if v}
for k, v in times.items():
    if v: print(f"{k:12s} " + " ".join(f"{x:.3f}" for x in v) + f"   median {med[k]:.3f} s" + (f"  ({counts[k]} cells)" if k in counts else ""))
print(f"every cell: {med['openpyxl'] / med['renju cells']:.1f}x openpyxl (goal >= 15)"
      + (f", {med['calamine'] / med['renju cells']:.2f}x python-calamine (goal >= 2.5)" if have_calamine else ""))
print(f"understanding the form: {med['renju form'] / med['renju cells']:.2f}x reading every cell (goal <= 1.3)")
