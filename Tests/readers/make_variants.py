#!/usr/bin/env python3
"""Writes a sample collection form the ways clerks' tools write it, for Renju's reading tests.

usage: make_variants.py SOURCE_FORM.xlsx OUTDIR

The source is a township's collection form (examples/xiji/2025Q3/…-吉强镇.xlsx). Every variant
holds the same figures in another layout, by another writer, or in another package shape;
OUTDIR/expected.json says, for each, what a correct reader must find:

  {"file", "kind": "figures" | "refused", "rules": [rule ids that must be reported],
   "forbid": [rule ids that must not be], "figures": {code: {title: value}} (every figure, as the
   file shows it), "missing": [[code, title]] (cells whose value cannot be known),
   "signoff_dates": {role: "YYYY-MM-DD"}}

The figures are the source's, read here with openpyxl; each plain variant is read back with
openpyxl (data_only=True, percent-formatted cells as shown) and must hold them, so a wrong
generator fails here and not in Renju's tests. Formula cells are expected to hold what the
formula gives (computed here, Excel's rounding); XlsxWriter's cached 0 is not what a clerk sees.
"""
import datetime, decimal, io, json, os, re, shutil, sys, zipfile

import openpyxl
from openpyxl.utils import get_column_letter
import xlsxwriter

SRC, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)

# ---- the source form -------------------------------------------------------------------------
src = openpyxl.load_workbook(SRC)
ws0 = src["数据"]
rows = [list(r) for r in ws0.iter_rows(values_only=True)]
hdr_i = next(i for i, r in enumerate(rows) if r and r[0] == "区划代码")
TITLES = [t for t in rows[hdr_i] if t is not None]
DATA = [r[:len(TITLES)] for r in rows[hdr_i + 1:] if r and isinstance(r[0], str) and r[0].isdigit()]
TITLE_ROWS = rows[:hdr_i]
FOOTER = next(r[0] for r in rows if r and isinstance(r[0], str) and "单位负责人" in r[0])
SIGN = [list(r) for r in src["签字"].iter_rows(values_only=True)] if "签字" in src.sheetnames else []
PERIOD_TEXT = next(c for r in TITLE_ROWS for c in r if isinstance(c, str) and "报告期" in c)
RATE_COLS = [i for i, t in enumerate(TITLES) if "率" in t]


def as_figure(v):
    if v == "是":
        return 1
    if v == "否":
        return 0
    return v


TRUTH = {r[0]: {TITLES[i]: as_figure(r[i]) for i in range(2, len(TITLES)) if r[i] is not None} for r in DATA}
expected = []


def expect(file, kind="figures", rules=(), forbid=(), figures=None, missing=(), signoff_dates=None, note=""):
    e = {"file": file, "kind": kind, "rules": list(rules), "forbid": list(forbid), "note": note}
    if kind == "figures":
        e["figures"] = figures if figures is not None else TRUTH
        e["missing"] = [list(m) for m in missing]
    if signoff_dates:
        e["signoff_dates"] = signoff_dates
    expected.append(e)


def shown(cell):
    """The value a cell shows, as openpyxl reads it: percent-formatted numbers ×100."""
    v = cell.value
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", cell.number_format):
        return float(decimal.Decimal(repr(v)) * 100)
    return v


def read_back(path, header_rows=1, first_data_offset=1):
    """openpyxl's reading of a written variant: code → title → value (source titles by position)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["数据"]
    out = {}
    for r in ws.iter_rows():
        code = r[0].value
        if isinstance(code, str) and code.isdigit() and len(code) == 12:
            out[code] = {TITLES[i]: as_figure(shown(r[i])) for i in range(2, len(TITLES)) if r[i].value is not None}
    return out


def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    return a == b


def verify(path, figures=None):
    got = read_back(path)
    want = figures or TRUTH
    for code, vals in want.items():
        for t, v in vals.items():
            g = got.get(code, {}).get(t)
            if not same(g, v):
                sys.exit(f"generator error: {os.path.basename(path)} {code} {t}: openpyxl reads {g!r}, expected {v!r}")


# ---- writers ---------------------------------------------------------------------------------
GROUPS = [("基本情况", ["总户数"]), ("厕所革命", ["卫生厕所", "新建改建公厕"]), ("污水治理", ["生活污水"]),
          ("道路", ["通村", "已硬化"]), ("生活垃圾", ["生活垃圾", "新增垃圾"]), ("其他", [""])]


def group_of(title):
    for g, prefixes in GROUPS:
        if any(title.startswith(p) for p in prefixes):
            return g
    return "其他"


def sub_title(title, group):
    # Under 生活垃圾 the sub-titles drop the group's words: 生活垃圾 / 产生量（吨）.
    return title[len("生活垃圾"):] if group == "生活垃圾" and title.startswith("生活垃圾") else title


def openpyxl_form(path, *, titles=None, two_level=False, column_numbers=False, units_row=False, percent=None, formulas=False,
                  shared_rates=False, drafts=(), date1904=False, unsupported=None, extra_sheets=()):
    wb = openpyxl.Workbook()
    if date1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "数据"
    for name, state, change in drafts:
        d = wb.create_sheet(name, 0)
        d.sheet_state = state
        write_plain(d, change=change)
    for name, values_rows, period_text in extra_sheets:
        e = wb.create_sheet(name)
        e.append([TITLE_ROWS[0][0]])
        e.append([None, None, None, period_text])
        e.append(TITLES)
        for r in values_rows:
            e.append(r)
    titles = titles or TITLES
    for r in TITLE_ROWS:
        ws.append(list(r))
    top = len(TITLE_ROWS) + 1
    if two_level:
        groups = [group_of(t) for t in TITLES]
        ws.append(["区划代码", "单位名称"] + groups[2:])
        ws.append([None, None] + [sub_title(t, g) for t, g in zip(titles[2:], groups[2:])])
        ws.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
        ws.merge_cells(start_row=top, start_column=2, end_row=top + 1, end_column=2)
        c = 3
        while c <= len(TITLES):
            g = groups[c - 1]
            e = c
            while e + 1 <= len(TITLES) and groups[e] == g:
                e += 1
            for k in range(c + 1, e + 1):
                ws.cell(row=top, column=k).value = None
            if e > c:
                ws.merge_cells(start_row=top, start_column=c, end_row=top, end_column=e)
            c = e + 1
    else:
        ws.append(list(titles))
    if units_row:
        ws.append([None, None] + [t[t.index("（") + 1:-1] if "（" in t else None for t in TITLES[2:]])
    if column_numbers:
        ws.append(["甲", "乙"] + list(range(1, len(TITLES) - 1)))
    first = ws.max_row + 1
    last = first + len(DATA) - 1
    figures = json.loads(json.dumps(TRUTH))
    for k, r in enumerate(DATA):
        ws.append(list(r))
    for k, r in enumerate(DATA):
        row = first + k
        for i in range(2, len(TITLES)):
            cell = ws.cell(row=row, column=i + 1)
            if percent and i in RATE_COLS and isinstance(r[i], (int, float)):
                cell.value = float(decimal.Decimal(repr(r[i])) / 100)
                cell.number_format = percent
        if formulas:
            for i in range(2, len(TITLES)):
                col = get_column_letter(i + 1)
                if i in RATE_COLS:
                    num, den = rate_parts(i)
                    f = f"=ROUND({get_column_letter(num + 1)}{row}/{get_column_letter(den + 1)}{row}*100,2)"
                    if shared_rates:
                        f = f"=ROUND({get_column_letter(num + 1)}{first}/{get_column_letter(den + 1)}{first}*100,2)"
                    # Shared: the anchor holds the formula, the cells below a placeholder made a shared child later.
                    ws.cell(row=row, column=i + 1).value = f if not shared_rates or k == 0 else 0
                    figures[r[0]][TITLES[i]] = excel_round(100 * figures[r[0]][TITLES[num]] / figures[r[0]][TITLES[den]], 2)
                elif k == 0 and isinstance(r[i], (int, float)) and "覆盖" not in TITLES[i]:
                    ws.cell(row=row, column=i + 1).value = f"=SUM({col}{first + 1}:{col}{last})"
                    figures[r[0]][TITLES[i]] = float(sum(decimal.Decimal(repr(figures[x[0]][TITLES[i]])) for x in DATA[1:]))
    missing = []
    if unsupported:
        ws.cell(row=first, column=3).value = unsupported
        del figures[DATA[0][0]][TITLES[2]]
        missing.append((DATA[0][0], TITLES[2]))
    ws.append([])
    ws.append([FOOTER])
    if SIGN:
        s = wb.create_sheet("签字")
        for r in SIGN:
            r = list(r)
            if r and r[0] != "区划代码" and isinstance(r[4], str):
                r[4] = datetime.datetime.strptime(r[4], "%Y-%m-%d")
            s.append(r)
            if isinstance(r[4], datetime.datetime):
                s.cell(row=s.max_row, column=5).number_format = "yyyy-mm-dd"
    wb.save(path)
    return figures, missing, first


def write_plain(ws, change=None):
    for r in TITLE_ROWS:
        ws.append(list(r))
    ws.append(TITLES)
    for r in DATA:
        r = list(r)
        if change and r[0] == change[0]:
            r[change[1]] = change[2]
        ws.append(r)


def rate_parts(i):
    t = TITLES[i]
    pairs = {"卫生厕所普及率": ("卫生厕所户数", "总户数"), "生活污水治理率": ("生活污水得到治理户数", "总户数"),
             "通村公路硬化率": ("已硬化公路里程", "通村通组公路里程"), "生活垃圾集中收运率": ("生活垃圾集中收运量", "生活垃圾产生量"),
             "生活垃圾无害化处理率": ("生活垃圾无害化处理量", "生活垃圾产生量")}
    for k, (n, d) in pairs.items():
        if t.startswith(k):
            return (next(j for j, x in enumerate(TITLES) if x.startswith(n)), next(j for j, x in enumerate(TITLES) if x.startswith(d)))
    raise KeyError(t)


def excel_round(x, n):
    q = decimal.Decimal(repr(float("%.15g" % x))).quantize(decimal.Decimal(1).scaleb(-n), rounding=decimal.ROUND_HALF_UP)
    return float(q)


def xlsxwriter_form(path, *, titles=None, rich=False, percent=None, formulas=False, formula_values=False,
                    constant_memory=False, two_level=False):
    wb = xlsxwriter.Workbook(path, {"constant_memory": constant_memory})
    ws = wb.add_worksheet("数据")
    pct = wb.add_format({"num_format": percent}) if percent else None
    bold = wb.add_format({"bold": True})
    r0 = 0
    for r in TITLE_ROWS:
        for c, v in enumerate(r):
            if v is not None:
                ws.write(r0, c, v)
        r0 += 1
    titles = titles or TITLES
    if two_level:
        groups = [group_of(t) for t in TITLES]
        ws.merge_range(r0, 0, r0 + 1, 0, "区划代码")
        ws.merge_range(r0, 1, r0 + 1, 1, "单位名称")
        c = 2
        while c < len(TITLES):
            e = c
            while e + 1 < len(TITLES) and groups[e + 1] == groups[c]:
                e += 1
            if e > c:
                ws.merge_range(r0, c, r0, e, groups[c])
            else:
                ws.write(r0, c, groups[c])
            c = e + 1
        for c in range(2, len(TITLES)):
            ws.write(r0 + 1, c, sub_title(titles[c], groups[c]))
        r0 += 2
    else:
        for c, t in enumerate(titles):
            if rich and "（" in t:
                a, b = t.split("（", 1)
                ws.write_rich_string(r0, c, bold, a, "（" + b)
            else:
                ws.write(r0, c, t)
        r0 += 1
    first = r0
    figures = json.loads(json.dumps(TRUTH))
    findings = []
    for k, r in enumerate(DATA):
        row = first + k
        for c, v in enumerate(r):
            if v is None:
                continue
            if formulas and c in RATE_COLS:
                num, den = rate_parts(c)
                val = excel_round(100 * figures[r[0]][TITLES[num]] / figures[r[0]][TITLES[den]], 2)
                f = f"=ROUND({get_column_letter(num + 1)}{row + 1}/{get_column_letter(den + 1)}{row + 1}*100,2)"
                if formula_values:
                    ws.write_formula(row, c, f, None, val)
                else:
                    ws.write_formula(row, c, f)
                    if val != 0:
                        findings.append("format.formula_stale")
                figures[r[0]][TITLES[c]] = val
            elif percent and c in RATE_COLS and isinstance(v, (int, float)):
                ws.write_number(row, c, float(decimal.Decimal(repr(v)) / 100), pct)
            elif c == 0:
                ws.write_string(row, c, v)
            else:
                ws.write(row, c, v)
    ws.write(first + len(DATA) + 1, 0, FOOTER)
    wb.close()
    return figures, findings


# ---- package rewriting -----------------------------------------------------------------------
def rewrite(src_path, dst_path, rename=lambda n: n, transform=lambda n, d: d, compression=zipfile.ZIP_DEFLATED, order=None):
    with zipfile.ZipFile(src_path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    if order:
        items = order(items)
    with zipfile.ZipFile(dst_path, "w", compression) as out:
        for name, data in items:
            data = transform(name, data)
            info = zipfile.ZipInfo(rename(name), date_time=(2025, 10, 8, 9, 0, 0))
            info.compress_type = compression
            if any(ord(ch) > 127 for ch in rename(name)):
                info.flag_bits |= 0x800
            out.writestr(info, data)


def sub_bytes(pattern, repl):
    def t(name, data, pattern=pattern, repl=repl):
        return re.sub(pattern.encode(), repl.encode(), data) if name.endswith((".xml", ".rels")) else data
    return t


def utf16(names, bom=True, big=False):
    def t(name, data):
        if name not in names:
            return data
        text = data.decode("utf-8")
        text = re.sub(r'encoding="[^"]*"', 'encoding="UTF-16"', text)
        if not text.startswith("<?xml"):
            text = '<?xml version="1.0" encoding="UTF-16"?>' + text
        enc = "utf-16-be" if big else "utf-16-le"
        return ((b"\xfe\xff" if big else b"\xff\xfe") if bom else b"") + text.encode(enc)
    return t


def chain(*ts):
    def t(name, data):
        for f in ts:
            data = f(name, data)
        return data
    return t


def path(name):
    return os.path.join(OUT, name)


# ---- the variants ----------------------------------------------------------------------------
base = path("plain-openpyxl.xlsx")
figs, _, _ = openpyxl_form(base)
verify(base)
expect("plain-openpyxl.xlsx", forbid=["format.unknown_column", "completeness.missing_value"],
       signoff_dates={"填表人": "2025-10-03", "统计负责人": "2025-10-05", "单位负责人": "2025-10-08"})

figs, _ = xlsxwriter_form(path("plain-xlsxwriter.xlsx"))
verify(path("plain-xlsxwriter.xlsx"))
expect("plain-xlsxwriter.xlsx", forbid=["format.unknown_column"])
xlsxwriter_form(path("inline-strings-xlsxwriter.xlsx"), constant_memory=True)
verify(path("inline-strings-xlsxwriter.xlsx"))
expect("inline-strings-xlsxwriter.xlsx", forbid=["format.unknown_column"], note="constant_memory: inline strings")

openpyxl_form(path("two-level-header-openpyxl.xlsx"), two_level=True)
verify(path("two-level-header-openpyxl.xlsx"))
expect("two-level-header-openpyxl.xlsx", forbid=["format.unknown_column", "completeness.missing_value", "format.bad_code"])
openpyxl_form(path("two-level-header-column-numbers.xlsx"), two_level=True, column_numbers=True)
verify(path("two-level-header-column-numbers.xlsx"))
expect("two-level-header-column-numbers.xlsx", forbid=["format.unknown_column", "completeness.missing_value", "format.bad_code"],
       note="甲 乙 1 2 3 … row under the header")
xlsxwriter_form(path("two-level-header-xlsxwriter.xlsx"), two_level=True)
verify(path("two-level-header-xlsxwriter.xlsx"))
expect("two-level-header-xlsxwriter.xlsx", forbid=["format.unknown_column", "completeness.missing_value"])

openpyxl_form(path("header-units-row.xlsx"), titles=[t.split("（")[0] for t in TITLES], units_row=True)
verify(path("header-units-row.xlsx"))
expect("header-units-row.xlsx", forbid=["format.unknown_column", "completeness.missing_value", "format.bad_code"],
       note="titles without units, a row of units under them")

broken = [t.replace("（", "\n（", 1) if k % 3 == 0 else t.replace("（", "\r\n（", 1) if k % 3 == 1 else t
          for k, t in enumerate(TITLES)]
broken[0], broken[1] = "区划\n代码", "单位\n名称"
openpyxl_form(path("header-line-breaks-openpyxl.xlsx"), titles=broken)
verify(path("header-line-breaks-openpyxl.xlsx"))
expect("header-line-breaks-openpyxl.xlsx", forbid=["format.unknown_column", "completeness.missing_value"])
xlsxwriter_form(path("header-rich-text-xlsxwriter.xlsx"), rich=True)
verify(path("header-rich-text-xlsxwriter.xlsx"))
expect("header-rich-text-xlsxwriter.xlsx", forbid=["format.unknown_column", "completeness.missing_value"])
# Excel's own escape for a carriage return in shared strings: _x000D_ before the line feed.
rewrite(base, path("header-x000D-escape.xlsx"),
        transform=lambda n, d: d.replace("（户）".encode(), "_x000D_\n（户）".encode()) if n.endswith("sharedStrings.xml") else d)
expect("header-x000D-escape.xlsx", forbid=["format.unknown_column", "completeness.missing_value"])

for name, fmt in [("percent-format-openpyxl.xlsx", "0.00%"), ("percent-format-custom.xlsx", "0.0%;[Red]-0.0%")]:
    openpyxl_form(path(name), percent=fmt)
    verify(path(name))
    expect(name, forbid=["identity.rate", "range.rate", "aggregate.sum"])
xlsxwriter_form(path("percent-format-xlsxwriter.xlsx"), percent="0.00%")
verify(path("percent-format-xlsxwriter.xlsx"))
expect("percent-format-xlsxwriter.xlsx", forbid=["identity.rate"])
# A literal, quoted "%" does not scale: 74.64 stays 74.64.
wb = openpyxl.load_workbook(base)
for row in wb["数据"].iter_rows():
    for i in RATE_COLS:
        if isinstance(row[i].value, (int, float)) and row[0].value != "区划代码":
            row[i].number_format = '0.00"%"'
wb.save(path("percent-literal-format.xlsx"))
verify(path("percent-literal-format.xlsx"))
expect("percent-literal-format.xlsx", forbid=["identity.rate"])

for name, state in [("hidden-draft-sheet.xlsx", "hidden"), ("very-hidden-draft-sheet.xlsx", "veryHidden")]:
    village = DATA[1]
    openpyxl_form(path(name), drafts=[("草稿", state, (village[0], 2, village[2] + 10))])
    expect(name, rules=["format.conflicting_value"], note="a draft sheet before the real one, differing in one figure")
openpyxl_form(path("draft-sheet-identical.xlsx"), drafts=[("副本", "visible", None)])
expect("draft-sheet-identical.xlsx", rules=["format.given_twice"], forbid=["format.conflicting_value"])

# A code list for drop-downs (区划代码, 单位名称, no figures) as the first sheet: it claims nothing.
wb = openpyxl.load_workbook(base)
codes = wb.create_sheet("代码表", 0)
codes.append(["区划代码", "单位名称"])
for r in DATA:
    codes.append([r[0], r[1]])
wb.save(path("code-list-sheet-first.xlsx"))
expect("code-list-sheet-first.xlsx", forbid=["format.given_twice", "format.conflicting_value", "format.no_period"])

openpyxl_form(path("date1904.xlsx"), date1904=True)
verify(path("date1904.xlsx"))
expect("date1904.xlsx", signoff_dates={"填表人": "2025-10-03", "统计负责人": "2025-10-05", "单位负责人": "2025-10-08"})

figs, _, _ = openpyxl_form(path("formulas-openpyxl.xlsx"), formulas=True)
expect("formulas-openpyxl.xlsx", figures=figs, forbid=["format.formula_no_value", "format.formula_stale"],
       note="SUM total row and ROUND rates, no cached values")
figs, _, first = openpyxl_form(path("formulas-shared.xlsx"), formulas=True, shared_rates=True)


def share(name, data):
    if not name.startswith("xl/worksheets/sheet1"):
        return data
    text = data.decode("utf-8")
    # Each rate column: the first data row's formula becomes a shared formula over the column.
    last = first + len(DATA) - 1
    for i in RATE_COLS:
        col = get_column_letter(i + 1)
        text = re.sub(rf'(<c r="{col}{first}"[^>]*>)<f>([^<]*)</f>',
                      lambda m: f'{m.group(1)}<f t="shared" ref="{col}{first}:{col}{last}" si="{i}">{m.group(2)}</f>', text)
        for row in range(first + 1, last + 1):
            text = re.sub(rf'<c r="{col}{row}"([^>]*)/>', rf'<c r="{col}{row}"\1><f t="shared" si="{i}"/></c>', text)
            text = re.sub(rf'<c r="{col}{row}"([^>]*)><v>[^<]*</v></c>', rf'<c r="{col}{row}"\1><f t="shared" si="{i}"/></c>', text)
    return text.encode("utf-8")


tmp = path("formulas-shared.tmp")
shutil.move(path("formulas-shared.xlsx"), tmp)
rewrite(tmp, path("formulas-shared.xlsx"), transform=share)
os.remove(tmp)
expect("formulas-shared.xlsx", figures=figs, forbid=["format.formula_no_value"], note="shared formulas down the rate columns")
figs, stale = xlsxwriter_form(path("formulas-xlsxwriter-cached-zero.xlsx"), formulas=True)
expect("formulas-xlsxwriter-cached-zero.xlsx", figures=figs, rules=sorted(set(stale)), forbid=["identity.rate"],
       note="XlsxWriter's cached 0: the formula's result is read, and the stale value named")
figs, _ = xlsxwriter_form(path("formulas-xlsxwriter-cached.xlsx"), formulas=True, formula_values=True)
expect("formulas-xlsxwriter-cached.xlsx", figures=figs, forbid=["format.formula_stale", "format.formula_no_value"])
figs, missing, _ = openpyxl_form(path("formula-unsupported.xlsx"), unsupported="=SUMPRODUCT(C7:C13,C7:C13)")
expect("formula-unsupported.xlsx", figures=figs, missing=missing, rules=["format.formula_no_value"])

# Package shapes.
rewrite(base, path("package-workbook-elsewhere.xlsx"),
        rename=lambda n: {"xl/workbook.xml": "xl/main.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/main.xml.rels"}.get(n, n),
        transform=sub_bytes(r"/?xl/workbook\.xml", "xl/main.xml"))
expect("package-workbook-elsewhere.xlsx")
rewrite(base, path("package-absolute-targets.xlsx"), transform=lambda n, d: re.sub(
    rb'Target="(?!/)([^"]+)"', lambda m: b'Target="/xl/' + m.group(1) + b'"', d) if n == "xl/_rels/workbook.xml.rels" else d)
expect("package-absolute-targets.xlsx")
rewrite(base, path("package-backslash-names.xlsx"), rename=lambda n: n.replace("/", "\\"))
expect("package-backslash-names.xlsx")
rewrite(base, path("package-name-case.xlsx"), rename=lambda n: n.upper() if n.startswith("xl/worksheets") else n)
expect("package-name-case.xlsx")
rewrite(base, path("package-percent-encoded-name.xlsx"),
        rename=lambda n: "xl/worksheets/数据表.xml" if n == "xl/worksheets/sheet1.xml" else n,
        transform=lambda n, d: d.replace(b"worksheets/sheet1.xml", b"worksheets/%E6%95%B0%E6%8D%AE%E8%A1%A8.xml")
        if n.endswith(".rels") or n == "[Content_Types].xml" else d)
expect("package-percent-encoded-name.xlsx")
rewrite(base, path("package-utf8-part-name.xlsx"),
        rename=lambda n: "xl/worksheets/数据表.xml" if n == "xl/worksheets/sheet1.xml" else n,
        transform=lambda n, d: d.replace(b"worksheets/sheet1.xml", "worksheets/数据表.xml".encode())
        if n.endswith(".rels") or n == "[Content_Types].xml" else d)
expect("package-utf8-part-name.xlsx")
rewrite(base, path("package-utf16-bom.xlsx"), transform=utf16({"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"}))
expect("package-utf16-bom.xlsx")
rewrite(base, path("package-utf16be-no-bom.xlsx"),
        transform=utf16({"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"}, bom=False, big=True))
expect("package-utf16be-no-bom.xlsx")
rewrite(base, path("package-stored-reordered.xlsx"), compression=zipfile.ZIP_STORED, order=lambda items: list(reversed(items)))
expect("package-stored-reordered.xlsx")
# A sheet listed in the workbook whose part is not in the package: said, never read as empty.
rewrite(base, path("package-missing-sheet.xlsx"), rename=lambda n: "xl/worksheets/gone.xml" if n == "xl/worksheets/sheet1.xml" else n)
expect("package-missing-sheet.xlsx", kind="refused", rules=["format.missing_sheet"])

# Refusals: what it is, and to save it as .xlsx.
try:
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile
    with open(base, "rb") as f, open(path("password-protected.xlsx"), "wb") as out:
        OOXMLFile(f).encrypt("1234", out)
    expect("password-protected.xlsx", kind="refused", rules=["format.password_protected"])
except Exception as e:  # msoffcrypto-tool missing: say so, the other variants still count
    print(f"note: no password-protected variant ({e})", file=sys.stderr)
try:
    import xlwt
    book = xlwt.Workbook()
    sheet = book.add_sheet("数据")
    for r, row in enumerate([TITLES] + DATA):
        for c, v in enumerate(row):
            if v is not None:
                sheet.write(r, c, v)
    book.save(path("old-format.xls"))
    shutil.copy(path("old-format.xls"), path("wps-format.et"))
    shutil.copy(path("old-format.xls"), path("old-format-named-xlsx.xlsx"))
    expect("old-format.xls", kind="refused", rules=["format.unsupported_file"])
    expect("wps-format.et", kind="refused", rules=["format.unsupported_file"])
    expect("old-format-named-xlsx.xlsx", kind="refused", rules=["format.unsupported_file"])
except ImportError as e:
    print(f"note: no .xls variants ({e})", file=sys.stderr)
with zipfile.ZipFile(path("opendocument.ods"), "w") as z:
    z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
    z.writestr("content.xml", "<office:document-content/>")
expect("opendocument.ods", kind="refused", rules=["format.unsupported_file"])
with zipfile.ZipFile(path("binary-workbook.xlsb"), "w") as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("_rels/.rels", '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>')
    z.writestr("xl/workbook.bin", b"\x83\x01\x00")
expect("binary-workbook.xlsb", kind="refused", rules=["format.unsupported_file"])
with zipfile.ZipFile(path("apple.numbers"), "w") as z:
    z.writestr("Index/Document.iwa", b"\x00\x01")
    z.writestr("Metadata/Properties.plist", b"<plist/>")
expect("apple.numbers", kind="refused", rules=["format.unsupported_file"])

with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    json.dump({"source": os.path.basename(SRC), "variants": expected}, f, ensure_ascii=False, indent=1)
print(f"{len(expected)} variants written to {OUT}")
