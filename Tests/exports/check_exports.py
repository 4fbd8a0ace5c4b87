#!/usr/bin/env python3
"""Checks Renju's Excel output with an independent reader (openpyxl):

- the prefecture's return of a county: merged two-level headers, numeric cells with number
  formats, one row per township plus 合计, totals equal to the sum of the townships, rates equal
  to the rates of the summed parts, the footer, the chart sheet, print setup;
- the blank collection form: data validation on every input column, protection, and a round trip —
  filled here with openpyxl, read back by Renju (`renju show`), same values;
- the findings workbook: highlighted cells with comments, and the 审核情况 sheet;
- imputation (`--impute`): a township that did not report estimated on the return with a comment
  on its name and each of its cells, the 合计 still the sum of the rows, a legend line under the
  table, the statuses in `renju impute`'s CSV and in the findings workbook's 插补值 sheet.

usage: check_exports.py RENJU_BINARY [DATASET_DIR]
Prints one line per check and a closing "N passed, N failed"; exit 1 on any failure.
"""
import csv, io, json, os, random, shutil, subprocess, sys, tempfile

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name} {detail}")


def run(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def rate(n, d):
    return None if not d else 100 * n / d


def check_return(binary, out, inputs, extra):
    r = run(binary, "export", "--out", out, *extra, *inputs)
    check("export writes the return", r.returncode in (0, 1) and os.path.exists(out), r.stderr)
    wb = openpyxl.load_workbook(out)
    ws = wb[wb.sheetnames[0]]
    check("the return has a chart sheet with a native bar chart", len(wb.sheetnames) == 2 and len(wb[wb.sheetnames[1]]._charts) == 1)
    # Find the indicator header row (区划代码) and the group row above it.
    hdr = next(r for r in range(1, 20) if ws.cell(r, 1).value == "区划代码")
    titles = {ws.cell(hdr, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(hdr, c).value}
    merged = [str(m) for m in ws.merged_cells.ranges]
    group_merges = [openpyxl.utils.cell.range_boundaries(m) for m in merged]
    group_merges = [b for b in group_merges if b[1] == hdr - 1 and b[3] == hdr - 1 and b[0] >= 3]
    check("two-level headers: groups merged above their indicators",
          len(group_merges) >= 5 and ws.cell(hdr - 1, 4).value == "厕所革命" and ws.cell(hdr, 4).value == "卫生厕所户数（户）",
          str(merged[:8]))
    check("the title is merged across the width", any(m.startswith("A1:") for m in merged))
    top = " ".join(str(ws.cell(r, c).value) for r in range(1, hdr) for c in range(1, ws.max_column + 1) if ws.cell(r, c).value)
    check("top-right block and 报告期 line", all(k in top for k in ["表号", "制定机关", "批准文号", "有效期至", "报告期", "填报单位"]), top)
    check("header rows repeat on printed pages; A4 landscape; fit to width",
          ws.print_title_rows is not None and ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
          and ws.sheet_properties.pageSetUpPr.fitToPage, f"{ws.print_title_rows} {ws.page_setup.orientation} {ws.page_setup.paperSize}")
    check("header frozen", ws.freeze_panes == f"C{hdr + 1}", ws.freeze_panes)
    rows = []
    r = hdr + 1
    while ws.cell(r, 1).value:
        rows.append(r)
        r += 1
    total, towns = rows[0], rows[1:]
    check("a 合计 row, then one row per township", ws.cell(total, 2).value == "合计" and len(towns) >= 2, f"{len(towns)} townships")

    def col(name):
        return next(c for t, c in titles.items() if t.startswith(name + "（") or t == name)

    numeric = all(isinstance(ws.cell(rr, col("总户数")).value, (int, float)) for rr in rows)
    check("figures are numeric cells with number formats", numeric and ws.cell(total, col("通村公路硬化率")).number_format == "#,##0.00"
          and ws.cell(total, col("总户数")).number_format == "#,##0")
    sums_ok = True
    for name in ["总户数", "卫生厕所户数", "生活污水得到治理户数", "通村通组公路里程", "已硬化公路里程", "生活垃圾产生量", "累计投入资金"]:
        c = col(name)
        s = sum(ws.cell(rr, c).value or 0 for rr in towns)
        if abs((ws.cell(total, c).value or 0) - s) > 0.006:
            sums_ok = False
            print(f"      {name}: total {ws.cell(total, c).value} vs sum {s}")
    check("合计 equals the sum of the townships", sums_ok)
    rates_ok = True
    for rname, n, d in [("卫生厕所普及率", "卫生厕所户数", "总户数"), ("通村公路硬化率", "已硬化公路里程", "通村通组公路里程"),
                        ("生活垃圾集中收运率", "生活垃圾集中收运量", "生活垃圾产生量")]:
        expect = rate(ws.cell(total, col(n)).value, ws.cell(total, col(d)).value)
        got = ws.cell(total, col(rname)).value
        avg = sum(ws.cell(rr, col(rname)).value or 0 for rr in towns) / len(towns)
        if expect is None or abs(got - expect) > 0.0051:
            rates_ok = False
            print(f"      {rname}: total {got} vs summed parts {expect} (average of townships {avg:.2f})")
    check("合计 rates are the rates of the summed parts", rates_ok)
    footer = " ".join(str(ws.cell(rr, c).value) for rr in range(r, ws.max_row + 1) for c in range(1, ws.max_column + 1) if ws.cell(rr, c).value)
    check("footer 单位负责人 / 统计负责人 / 填表人 / 报出日期", all(k in footer for k in ["单位负责人", "统计负责人", "填表人", "报出日期"]), footer)
    return len(towns)


def check_form_round_trip(binary, tmp):
    form = os.path.join(tmp, "form.xlsx")
    r = run(binary, "template", "--unit", "640422100000", "--period", "2025Q4", "--out", form)
    check("template writes the collection form", r.returncode == 0 and os.path.exists(form), r.stderr)
    wb = openpyxl.load_workbook(form)
    ws = wb[wb.sheetnames[0]]
    hdr = next(r for r in range(1, 20) if ws.cell(r, 1).value == "区划代码")
    cols = {ws.cell(hdr, c).value.split("（")[0]: c for c in range(3, ws.max_column + 1) if ws.cell(hdr, c).value}
    dvs = ws.data_validations.dataValidation
    covered = set()
    for dv in dvs:
        for rng in str(dv.sqref).split():
            covered.add(openpyxl.utils.cell.range_boundaries(rng)[0])
    check("every input column is validated", covered >= set(cols.values()), f"{sorted(set(cols.values()) - covered)}")
    kinds = {(dv.type, dv.operator, dv.formula1, dv.formula2) for dv in dvs}
    check("validations: whole ≥ 0, decimal ≥ 0, 0–100, 是/否 list",
          ("whole", "greaterThanOrEqual", "0", None) in kinds and ("decimal", "greaterThanOrEqual", "0", None) in kinds
          and ("decimal", None, "0", "100") in kinds and ("list", None, '"是,否"', None) in kinds, str(kinds))
    first = hdr + 1
    last = first
    while ws.cell(last + 1, 1).value:
        last += 1
    check("the sheet is protected; input cells unlocked, labels locked",
          ws.protection.sheet and not ws.cell(first, 3).protection.locked and ws.cell(first, 1).protection.locked
          and ws.cell(1, 1).protection.locked)
    rnd = random.Random(7)
    filled = {}
    for rr in range(first, last + 1):
        code = ws.cell(rr, 1).value
        for name, c in cols.items():
            if name.endswith("率"):
                continue
            if name == "生活垃圾收运处置体系覆盖":
                v = (last - first) if rr == first else rnd.choice(["是", "否"])
                ws.cell(rr, c).value = v
                filled[(code, c)] = 1 if v == "是" else 0 if v == "否" else v
            else:
                v = rnd.randint(0, 900) if rnd.random() < 0.7 else round(rnd.uniform(0, 90), 2)
                ws.cell(rr, c).value = v
                filled[(code, c)] = v
    ws.cell(last + 2, 1).value = "单位负责人：张三"
    filled_path = os.path.join(tmp, "filled.xlsx")
    wb.save(filled_path)
    r = run(binary, "show", filled_path)
    read = {}
    for row in csv.DictReader(io.StringIO(r.stdout)):
        read[(row["unit_code"], row["indicator"])] = float(row["value"])
    ids = {}
    ref = run(binary, "rules", "--format", "json")  # just to prove the binary runs with the bundled reference
    show_ids = sorted({k[1] for k in read})
    # Map column titles to ids through the catalog names in the return's header (same catalog).
    catalog = {}
    for line in open(os.path.join(ROOT, "reference-data", "indicators.yaml"), encoding="utf-8"):
        if "{id:" in line:
            body = line.split("{", 1)[1]
            fields = dict(part.strip().split(": ", 1) for part in body.rstrip("}\n").split(", ") if ": " in part)
            catalog[fields["name"].strip('"')] = fields["id"]
    same = True
    for (code, c), v in filled.items():
        title = ws.cell(hdr, c).value.split("（")[0]
        got = read.get((code, catalog[title]))
        if got is None or abs(got - float(v)) > 1e-9:
            same = False
            print(f"      {code} {title}: filled {v}, read {got}")
            break
    check(f"round trip: {len(filled)} figures filled with openpyxl are read back by Renju unchanged", same and len(read) == len(filled),
          f"{len(read)} read vs {len(filled)} filled; {show_ids[:3]}")
    return ids


def check_findings_workbook(binary, tmp, inputs, extra):
    out = os.path.join(tmp, "findings.xlsx")
    r = run(binary, "validate", "--format", "json", "--xlsx", out, *extra, *inputs)
    report = json.loads(r.stdout)
    wb = openpyxl.load_workbook(out)
    check("findings workbook: a data sheet, a 审核情况 sheet, the warnings to look at first, what was not checked",
          wb.sheetnames[:2] == ["审核数据", "审核情况"] and [n for n in wb.sheetnames[2:] if n not in ("先看这些", "审核范围")] == [], str(wb.sheetnames))
    coverage = report.get("coverage") or {}
    if "审核范围" in wb.sheetnames:
        # The sheet opens with the report's own sentence of what was not checked.
        check("审核范围 says what the JSON coverage says", wb["审核范围"].cell(1, 1).value == coverage.get("message"),
              f"{wb['审核范围'].cell(1, 1).value!r} vs {coverage.get('message')!r}")
    ws = wb["审核情况"]
    n = sum(1 for rr in range(2, ws.max_row + 1) if ws.cell(rr, 4).value and "." in str(ws.cell(rr, 4).value))
    check("审核情况 lists every finding", n == len(report["findings"]), f"{n} rows vs {len(report['findings'])} findings")
    data = wb["审核数据"]
    flagged = [(c.coordinate, c.comment.text) for row in data.iter_rows() for c in row if c.comment]
    red = [c for row in data.iter_rows() for c in row if c.fill and c.fill.fgColor and str(c.fill.fgColor.rgb).endswith("FFC7CE")]
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    check("flagged cells carry the message as a comment and errors are highlighted",
          len(flagged) > 0 and len(red) > 0 and any(errors[0]["message"] in t for _, t in flagged), f"{len(flagged)} comments, {len(red)} red")


CONTROLS = "".join(chr(c) for c in list(range(1, 9)) + [11, 12] + list(range(14, 32))) + "\x7f\ufffe"


def check_control_characters(binary, tmp):
    """Every text Renju writes into a workbook is XML-safe: control characters (a vertical tab
    pasted from Word) in unit names and in a 说明 go through every writer, and openpyxl opens
    each result."""
    data = os.path.join(tmp, "controls")
    shutil.copytree(os.path.join(ROOT, "examples", "xiji"), data)
    with open(os.path.join(ROOT, "reference-data", "divisions", "640422-xiji.csv"), encoding="utf-8") as f:
        text = f.read()
    # A township and a village whose names carry every control character.
    text = text.replace(",吉强镇,", ",吉强" + CONTROLS + "镇,").replace(",王寨村,", ",王寨" + CONTROLS + "村,")
    divisions = os.path.join(tmp, "divisions-controls.csv")
    with open(divisions, "w", encoding="utf-8") as f:
        f.write(text)
    extra = ["--divisions", divisions, "--as-of", "2025-10-31"]
    report = json.loads(run(binary, "validate", "--format", "json", *extra, data).stdout)
    warning = next((f for f in report["findings"] if f["severity"] == "warning" and f["unit"]), None)
    if warning:
        with open(os.path.join(data, "2025Q3", "说明.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["区划代码", "报告期", "规则", "指标", "说明"])
            w.writerow([warning["unit"], "2025Q3", warning["rule"], warning["indicator"] or "", "经核实" + CONTROLS + "属实"])
    outputs = {
        "findings workbook": ["validate", "--xlsx", os.path.join(tmp, "cc-findings.xlsx"), *extra, data],
        "return": ["export", "--out", os.path.join(tmp, "cc-return.xlsx"), *extra, data],
        "collection form": ["template", "--unit", "640422100000", "--period", "2025Q4", "--out", os.path.join(tmp, "cc-form.xlsx"),
                            "--divisions", divisions],
        "ranking bulletin": ["rank", "--xlsx", os.path.join(tmp, "cc-rank.xlsx"), *extra, data],
    }
    for name, args in outputs.items():
        out = args[args.index("--xlsx") + 1] if "--xlsx" in args else args[args.index("--out") + 1]
        r = run(binary, *args)
        ok, detail = False, r.stderr[-300:]
        if os.path.exists(out):
            try:
                wb = openpyxl.load_workbook(out)
                texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
                texts += [c.comment.text for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.comment]
                bad = [t for t in texts if any(ch in t for ch in CONTROLS.replace("\x7f", ""))]
                named = any("吉强" in t or "王寨" in t for t in texts)
                ok, detail = named and not bad, f"names shown: {named}; texts with controls: {bad[:2]}"
            except Exception as e:  # openpyxl refuses invalid XML
                detail = f"openpyxl cannot open it: {e}"
        check(f"control characters in names and 说明: the {name} opens in openpyxl", ok, detail)
    if warning:
        try:
            wb = openpyxl.load_workbook(os.path.join(tmp, "cc-findings.xlsx"))
            texts = [str(c.value) for row in wb["审核情况"].iter_rows() for c in row if c.value]
        except Exception as e:
            texts = [f"cannot open: {e}"]
        check("the 说明 with control characters is shown in the findings workbook", any("经核实" in t and "属实" in t for t in texts),
              texts[-1][:200] if texts else "")


def check_imputed_return(binary, tmp):
    """The sample county with one township's current file taken away, exported with --impute."""
    src = os.path.join(ROOT, "examples", "xiji")
    data = os.path.join(tmp, "imputed-input")
    shutil.copytree(src, data)
    gone = [f for f in os.listdir(os.path.join(data, "2025Q3")) if f.startswith("640422101000")]
    for f in gone:
        os.remove(os.path.join(data, "2025Q3", f))
    out = os.path.join(tmp, "imputed-return.xlsx")
    r = run(binary, "export", "--impute", "--as-of", "2025-10-31", "--out", out, data)
    check("export --impute writes the return and says what was filled in", os.path.exists(out) and "插补值" in r.stderr and "未报单位" in r.stderr, r.stderr)
    ws = openpyxl.load_workbook(out).worksheets[0]
    hdr = next(rr for rr in range(1, 20) if ws.cell(rr, 1).value == "区划代码")
    rows = []
    rr = hdr + 1
    while ws.cell(rr, 1).value:
        rows.append(rr)
        rr += 1
    total, towns = rows[0], rows[1:]
    missing = next((x for x in towns if ws.cell(x, 1).value == "640422101000"), None)
    check("the township that did not report has a row, its name commented 未报",
          missing is not None and ws.cell(missing, 2).comment is not None and ws.cell(missing, 2).comment.text.startswith("未报"))
    hh = next(c for c in range(3, ws.max_column + 1) if str(ws.cell(hdr, c).value).startswith("总户数"))
    cell = ws.cell(missing, hh) if missing else None
    check("its figures are estimated, each with a comment saying how",
          cell is not None and isinstance(cell.value, (int, float)) and cell.value > 0 and cell.comment is not None
          and "未报单位按上期推算" in cell.comment.text, cell.comment.text if cell is not None and cell.comment else "no comment")
    check("the 合计 is the sum of the rows, the estimate included, and says it holds estimates",
          abs(sum(ws.cell(x, hh).value or 0 for x in towns) - (ws.cell(total, hh).value or 0)) < 0.006
          and ws.cell(total, hh).comment is not None and "插补或推算" in ws.cell(total, hh).comment.text)
    texts = [str(ws.cell(x, 1).value) for x in range(rows[-1] + 1, ws.max_row + 1) if ws.cell(x, 1).value]
    check("a legend line under the table", any(t.startswith("注：带批注的数含 Renju 的插补值") for t in texts), str(texts))
    commented = [c for row in ws.iter_rows() for c in row if c.comment]
    check("no cell of the return is a formula", all(not (isinstance(c.value, str) and c.value.startswith("=")) for row in ws.iter_rows() for c in row))
    csv_out = os.path.join(tmp, "status.csv")
    r = run(binary, "impute", "--as-of", "2025-10-31", "--out", csv_out, os.path.join(ROOT, "examples", "xiji"))
    statuses = list(csv.DictReader(open(csv_out, encoding="utf-8"))) if os.path.exists(csv_out) else []
    imputed = [x for x in statuses if x["status"] == "imputed"]
    check("renju impute: every figure with its status; the imputed ones with method and basis, what was reported beside",
          len(statuses) > 1000 and len(imputed) > 0 and all(x["method"] and x["basis"] for x in imputed)
          and all(x["status"] in ("reported", "imputed", "blank") for x in statuses)
          and any(x["indicator"] == "road_hardening_rate" and x["reported"] == "100" and x["method"] == "deterministic" for x in imputed),
          f"{len(statuses)} rows, {len(imputed)} imputed; {r.stderr}")
    book = os.path.join(tmp, "imputed-findings.xlsx")
    run(binary, "validate", "--impute", "--as-of", "2025-10-31", "--xlsx", book, os.path.join(ROOT, "examples", "xiji"))
    wb = openpyxl.load_workbook(book)
    sheet = wb["插补值"] if "插补值" in wb.sheetnames else None
    listed = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] if sheet else []
    check("the findings workbook's 插补值 sheet: the same values with status 插补 and the method",
          len(listed) >= len(imputed) > 0 and all(x[5] == "插补" for x in listed if x[0] and x[0].isdigit()), str(listed[:2]))
    return len(commented)


def main():
    binary = sys.argv[1]
    ds = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(ROOT), "shared", "conformance", "xiji-2025Q3")
    with tempfile.TemporaryDirectory() as tmp:
        if os.path.isdir(ds):
            inputs = [os.path.join(ds, "history"), os.path.join(ds, "current")]
            extra = ["--divisions", os.path.join(ds, "divisions.csv"), "--targets", os.path.join(ds, "targets.csv"), "--as-of", "2025-10-31"]
            print(f"data: {ds}")
        else:
            inputs = [os.path.join(ROOT, "examples", "xiji")]
            extra = ["--as-of", "2025-10-31"]
            print("data: examples/xiji (no conformance set beside the checkout)")
        n = check_return(binary, os.path.join(tmp, "return.xlsx"), inputs, extra)
        check("19 townships in 西吉县's return", n == 19, str(n))
        check_form_round_trip(binary, tmp)
        check_findings_workbook(binary, tmp, inputs, extra)
        check_control_characters(binary, tmp)
        check_imputed_return(binary, tmp)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
