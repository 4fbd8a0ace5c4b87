#!/usr/bin/env python3
"""Generates the sample county's township returns in examples/xiji/ (standard library only).

The figures are invented; codes and township names come from reference-data/divisions/640422-xiji.csv
(whose villages are illustrative). 2025Q2 is clean; 2025Q3 has a few planted problems, listed in
PROBLEMS below, so that `renju validate` shows real findings. Run from the repository root:

    python3 examples/generate.py
"""
import csv, hashlib, io, os, random, zipfile
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "xiji")
IDS = ["households", "sanitary_toilet_hh", "sanitary_toilet_rate", "public_toilets_built", "sewage_treated_hh",
       "sewage_treatment_rate", "road_total_km", "road_hardened_km", "road_hardening_rate", "garbage_system_covered",
       "garbage_generated_t", "garbage_collected_t", "garbage_harmless_t", "garbage_collection_rate",
       "garbage_harmless_rate", "garbage_facilities_added", "cleaners", "dilapidated_houses_renovated",
       "illegal_buildings_found", "illegal_buildings_removed", "illegal_area_removed_m2", "green_area_added_10k_m2",
       "investment_10k_yuan"]
NAMES = {"households": "总户数（户）", "sanitary_toilet_hh": "卫生厕所户数（户）", "sanitary_toilet_rate": "卫生厕所普及率（%）",
         "public_toilets_built": "新建改建公厕（座）", "sewage_treated_hh": "生活污水得到治理户数（户）",
         "sewage_treatment_rate": "生活污水治理率（%）", "road_total_km": "通村通组公路里程（公里）",
         "road_hardened_km": "已硬化公路里程（公里）", "road_hardening_rate": "通村公路硬化率（%）",
         "garbage_system_covered": "生活垃圾收运处置体系覆盖（是/否）", "garbage_generated_t": "生活垃圾产生量（吨）",
         "garbage_collected_t": "生活垃圾集中收运量（吨）", "garbage_harmless_t": "生活垃圾无害化处理量（吨）",
         "garbage_collection_rate": "生活垃圾集中收运率（%）", "garbage_harmless_rate": "生活垃圾无害化处理率（%）",
         "garbage_facilities_added": "新增垃圾处理设施（个）", "cleaners": "保洁员（人）",
         "dilapidated_houses_renovated": "农村危房改造（户）", "illegal_buildings_found": '摸排"两违"建筑（处）',
         "illegal_buildings_removed": '拆除"两违"建筑（处）', "illegal_area_removed_m2": '拆除"两违"建筑面积（平方米）',
         "green_area_added_10k_m2": "新增绿地面积（万平方米）", "investment_10k_yuan": "累计投入资金（万元）"}
RATES = {"sanitary_toilet_rate": ("sanitary_toilet_hh", "households"), "sewage_treatment_rate": ("sewage_treated_hh", "households"),
         "road_hardening_rate": ("road_hardened_km", "road_total_km"),
         "garbage_collection_rate": ("garbage_collected_t", "garbage_generated_t"),
         "garbage_harmless_rate": ("garbage_harmless_t", "garbage_generated_t")}
DEC = {"road_total_km": 2, "road_hardened_km": 2, "garbage_generated_t": 1, "garbage_collected_t": 1,
       "garbage_harmless_t": 1, "green_area_added_10k_m2": 2, "investment_10k_yuan": 1}
PROBLEMS = {  # township code -> what is planted in 2025Q3
    "640422101000": "a village's road hardening rate says 100 % where its kilometres give less",
    "640422102000": "the total row's households are not the sum of the villages",
    "640422103000": "a village's sanitary toilets fell since 2025Q2",
    "640422200000": "a village left sewage households blank",
    "640422201000": "a village reports a negative number of cleaners",
}


def rnd(x, d=0):
    v = round(x + 1e-9, d)
    return int(v) if d == 0 else v


def village_q2(r):
    hh = r.randint(160, 900)
    road = r.uniform(4, 30)
    gen = hh * r.uniform(0.035, 0.055)
    col = gen * r.uniform(0.75, 0.95)
    found = r.randint(6, 26)
    removed = int(found * r.uniform(0.5, 0.9))
    return {"households": hh, "sanitary_toilet_hh": int(hh * r.uniform(0.55, 0.93)), "public_toilets_built": r.randint(0, 1),
            "sewage_treated_hh": int(hh * r.uniform(0.15, 0.5)), "road_total_km": rnd(road, 2),
            "road_hardened_km": rnd(road * r.uniform(0.7, 0.97), 2), "garbage_system_covered": 1 if r.random() < 0.9 else 0,
            "garbage_generated_t": rnd(gen, 1), "garbage_collected_t": rnd(col, 1),
            "garbage_harmless_t": rnd(col * r.uniform(0.85, 0.95), 1), "garbage_facilities_added": r.randint(0, 1),
            "cleaners": max(2, hh // 70), "dilapidated_houses_renovated": r.randint(1, 6), "illegal_buildings_found": found,
            "illegal_buildings_removed": removed, "illegal_area_removed_m2": removed * r.randint(40, 140),
            "green_area_added_10k_m2": rnd(r.uniform(0.05, 0.4), 2), "investment_10k_yuan": rnd(r.uniform(30, 110), 1)}


def village_q3(r, q2):
    v = dict(q2)
    v["sanitary_toilet_hh"] = min(v["households"], v["sanitary_toilet_hh"] + r.randint(0, 12))
    v["sewage_treated_hh"] = min(v["households"], v["sewage_treated_hh"] + r.randint(0, 10))
    v["road_hardened_km"] = min(v["road_total_km"], rnd(v["road_hardened_km"] + r.uniform(0, 0.6), 2))
    # Flows move little from one quarter to the next (what the HB test expects of clean data).
    g = r.uniform(0.97, 1.04)
    gen = q2["garbage_generated_t"] * g
    col = min(gen, q2["garbage_collected_t"] * g * r.uniform(0.99, 1.02))
    v.update({"garbage_generated_t": rnd(gen, 1), "garbage_collected_t": rnd(col, 1),
              "garbage_harmless_t": rnd(min(col, q2["garbage_harmless_t"] * g * r.uniform(0.99, 1.02)), 1)})
    for k, step in [("public_toilets_built", 1), ("garbage_facilities_added", 1), ("dilapidated_houses_renovated", 4)]:
        v[k] = q2[k] + r.randint(0, step)
    v["illegal_buildings_found"] += r.randint(0, 3)
    add = r.randint(0, 3)
    v["illegal_buildings_removed"] = min(v["illegal_buildings_found"], v["illegal_buildings_removed"] + add)
    v["illegal_area_removed_m2"] += add * r.randint(40, 140)
    v["green_area_added_10k_m2"] = rnd(q2["green_area_added_10k_m2"] + r.uniform(0, 0.2), 2)
    v["investment_10k_yuan"] = rnd(q2["investment_10k_yuan"] + r.uniform(10, 60), 1)
    return v


def with_rates(v):
    out = dict(v)
    for rid, (n, d) in RATES.items():
        out[rid] = rnd(100 * v[n] / v[d], 2) if v.get(n) is not None and v.get(d) else None
    return out


def total(rows):
    t = {}
    for k in IDS:
        if k in RATES:
            continue
        vals = [r[k] for r in rows if r.get(k) is not None]
        t[k] = rnd(sum(vals), DEC.get(k, 0))
    return with_rates(t)


def shortest(x):
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    s = repr(x) if isinstance(x, float) else str(x)
    return s


def digest(period, rows):
    lines = sorted((code, k, shortest(v)) for code, vals in rows for k, v in vals.items() if v is not None)
    text = "\n".join(f"{period}|{c}|{k}|{v}" for c, k, v in lines)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cell_xml(ref, v):
    if v is None:
        return ""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'


def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def sheet_xml(rows):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for ri, row in enumerate(rows):
        if row is None:
            continue
        cells = "".join(cell_xml(f"{col(ci)}{ri + 1}", v) for ci, v in enumerate(row))
        out.append(f'<row r="{ri + 1}">{cells}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path, sheets):
    ns = "http://schemas.openxmlformats.org/"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="' + ns + 'package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(sheets)))
                   + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + ns + 'package/2006/relationships">'
                   '<Relationship Id="rId1" Type="' + ns + 'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + ns + 'spreadsheetml/2006/main" xmlns:r="' + ns + 'officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (name, _) in enumerate(sheets)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + ns + 'package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i + 1}" Type="' + ns + f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(sheets)))
                   + "</Relationships>")
        for i, (_, rows) in enumerate(sheets):
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml", sheet_xml(rows))


def main():
    towns, villages = [], {}
    with open(os.path.join(ROOT, "reference-data", "divisions", "640422-xiji.csv"), encoding="utf-8") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row[0] == "code":
                continue
            if row[2] == "township":
                towns.append((row[0], row[1]))
            elif row[2] == "village":
                villages.setdefault(row[3], []).append((row[0], row[1]))
    r = random.Random(20251001)
    q2 = {code: village_q2(r) for t, _ in towns for code, _ in villages[t]}
    q3 = {code: village_q3(r, v) for code, v in q2.items()}
    signers = "王建国 李秀兰 张志强 刘桂英 陈海波 杨丽娟 赵永平 黄晓燕 周文斌 吴玉梅 徐卫东 孙红霞 马志明 朱凤英 胡国庆 郭春梅 何建军 高玉兰 林德华".split()
    for period, data, label, dates in [("2025Q2", q2, "2025年第二季度", ("2025-07-03", "2025-07-05", "2025-07-07")),
                                       ("2025Q3", q3, "2025年第三季度", ("2025-10-03", "2025-10-05", "2025-10-08"))]:
        os.makedirs(os.path.join(OUT, period), exist_ok=True)
        for ti, (tcode, tname) in enumerate(towns):
            vrows = [(c, n, with_rates(dict(data[c]))) for c, n in villages[tcode]]
            tot = total([v for _, _, v in vrows])
            if period == "2025Q3":
                first = vrows[0][2]
                if tcode == "640422101000":
                    first["road_hardening_rate"] = 100
                elif tcode == "640422102000":
                    tot["households"] += 60
                elif tcode == "640422103000":
                    first["sanitary_toilet_hh"] -= 25
                    first.update({k: with_rates(first)[k] for k in RATES})
                    tot = total([v for _, _, v in vrows])
                elif tcode == "640422200000":
                    first["sewage_treated_hh"] = None
                    first["sewage_treatment_rate"] = None
                elif tcode == "640422201000":
                    first["cleaners"] = -first["cleaners"]
                    tot = total([v for _, _, v in vrows])
            people = signers[ti:] + signers[:ti]
            roles = [("填表人", people[0]), ("统计负责人", people[1]), ("单位负责人", people[2])]
            dg = digest(period, [(tcode, tot)] + [(c, v) for c, _, v in vrows])
            if tcode == "640422202000" and period == "2025Q3":
                # A GBK wide CSV, as Excel in China saves it, with its sign-off CSV beside it.
                buf = io.StringIO()
                w = csv.writer(buf, lineterminator="\r\n")
                w.writerow([f"报告期：{label}"])
                w.writerow(["区划代码", "单位名称"] + [NAMES[k] for k in IDS])
                for code, name, v in [(tcode, "合计", tot)] + vrows:
                    w.writerow([code, name] + ["" if v[k] is None else (f"{v[k]:,}" if isinstance(v[k], int) and v[k] >= 1000 else v[k]) for k in IDS])
                open(os.path.join(OUT, period, f"{tcode}-{tname}.csv"), "wb").write(buf.getvalue().encode("gb18030"))
                with open(os.path.join(OUT, period, f"{tcode}-{tname}-签字.csv"), "w", encoding="utf-8", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(["区划代码", "报告期", "角色", "姓名", "日期", "数据摘要"])
                    for (role, who), d in zip(roles, dates):
                        w.writerow([tcode, label, role, who, d, dg])
                continue
            if tcode == "640422203000" and period == "2025Q3":
                # A long CSV (UTF-8 with BOM), indicators by id.
                with open(os.path.join(OUT, period, f"{tcode}-{tname}.csv"), "w", encoding="utf-8-sig", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(["period", "unit_code", "indicator", "value"])
                    for code, _, v in [(tcode, "", tot)] + vrows:
                        for k in IDS:
                            if v[k] is not None:
                                w.writerow([period, code, k, v[k]])
                with open(os.path.join(OUT, period, f"{tcode}-{tname}-signoffs.csv"), "w", encoding="utf-8", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(["unit_code", "period", "role", "name", "date", "digest"])
                    for (role, who), d in zip(roles, dates):
                        w.writerow([tcode, period, role, who, d, dg])
                continue
            rows = [[f"西吉县{label}农村人居环境整治进度统计表"], [f"填报单位：{tname}人民政府", None, None, f"报告期：{label}"], None,
                    ["区划代码", "单位名称"] + [NAMES[k] for k in IDS]]
            for code, name, v in [(tcode, "合计", tot)] + vrows:
                rows.append([code, name] + [("是" if v[k] else "否") if k == "garbage_system_covered" and code != tcode else v[k] for k in IDS])
            rows.append(None)
            rows.append([f"单位负责人：{people[2]}  统计负责人：{people[1]}  填表人：{people[0]}  报出日期：{dates[2]}"])
            sign = [["区划代码", "报告期", "角色", "姓名", "日期", "数据摘要"]] + [[tcode, period, role, who, d, dg] for (role, who), d in zip(roles, dates)]
            write_xlsx(os.path.join(OUT, period, f"{tcode}-{tname}.xlsx"), [("数据", rows), ("签字", sign)])
    print("wrote", OUT)


if __name__ == "__main__":
    main()
