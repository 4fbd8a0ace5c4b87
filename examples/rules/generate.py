#!/usr/bin/env python3
"""Writes 审核公式-示例.xlsx: the prefecture's 审核公式 workbook in the form `renju rules import` reads
(docs/SPEC.md §5), with rules that catch the sample county's planted problems.
Usage: python3 examples/rules/generate.py   (needs openpyxl)"""
import os
import openpyxl
from openpyxl.styles import Font

rows = [
    ("序号", "审核公式", "审核类型", "适用层级", "说明", "生效报告期", "停用报告期"),
    (1, "[卫生厕所户数]<=[总户数]", "强制性", "全部", "卫生厕所户数不大于总户数", None, None),
    (2, "[保洁员]>=0", "强制性", "村", "保洁员人数不能为负", None, None),
    (3, "ABS([通村公路硬化率]-ROUND([已硬化公路里程]/[通村通组公路里程]*100,2))<=0.1", "强制性", "全部", "硬化率与里程一致", None, None),
    (4, "[总户数]=SUM下级([总户数])", "强制性", "乡镇", "乡镇总户数等于各村之和", None, None),
    (5, "［卫生厕所户数］＞＝上期（［卫生厕所户数］）", "核实性", "村", "卫生厕所户数一般不减少", "2025Q3", None),
    (6, "IF([总户数]>0,[保洁员]>=1)", "核实性", "村", "有农户的村应有保洁员", None, None),
    (7, "[累计投入资金]>=上年同期([累计投入资金])*0.5", "提示性", "县", "投入不应骤减", None, None),
]
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "审核公式"
for r in rows:
    ws.append(list(r))
for c in ws[1]:
    c.font = Font(bold=True)
for col, width in zip("ABCDEFG", [6, 60, 10, 10, 28, 12, 12]):
    ws.column_dimensions[col].width = width
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "审核公式-示例.xlsx")
wb.save(out)
print(out)
