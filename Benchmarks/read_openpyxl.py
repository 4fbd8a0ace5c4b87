#!/usr/bin/env python3
"""openpyxl's time to read every cell of a workbook (read-only mode, its fastest), for comparison
with `renju-bench read`.   usage: read_openpyxl.py FILE"""
import sys, time
import openpyxl

t = time.perf_counter()
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
n = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        n += sum(1 for v in row if v is not None)
s = time.perf_counter() - t
print(f"openpyxl: {n} cells in {s:.2f} s, {n / s:.0f} cells/s")
