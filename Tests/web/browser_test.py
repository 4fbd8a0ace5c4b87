#!/usr/bin/env python3
"""The web desk in a real browser (headless Chromium through selenium).

A township clerk signs in, uploads the sample 红耀乡 workbook, sees the highlighted cell and its
message, writes a 说明 and signs as 填表人; the county reviewer sees the board, returns the
submission, downloads the county's return and it opens in openpyxl. Screenshots go to out/.

Usage: browser_test.py BASE_URL SAMPLE_XLSX OUT_DIR   (the server and accounts are set up by
scripts/test.sh). Prints "N passed, M failed" and exits 1 on any failure.
"""
import os
import re
import sys
import time
import glob

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.support import expected_conditions as EC
import openpyxl

base, sample, out = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
downloads = os.path.join(out, "downloads")
os.makedirs(downloads, exist_ok=True)
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   ", what)
    else:
        failed += 1
        print("FAIL ", what)


opts = Options()
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN",
          "--ignore-certificate-errors"]:   # the test's self-signed certificate
    opts.add_argument(a)
opts.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
for binary in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]:
    if os.path.exists(binary):
        opts.binary_location = binary
        break
service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
driver = webdriver.Chrome(options=opts, service=service)
wait = WebDriverWait(driver, 20)


def wait_for_download(before, seconds=30):
    """The .xlsx files that appeared in the download folder since `before`, once complete."""
    deadline = time.time() + seconds
    new = []
    while time.time() < deadline:
        new = [f for f in glob.glob(os.path.join(downloads, "*.xlsx")) if f not in before]
        if new and not glob.glob(os.path.join(downloads, "*.crdownload")):
            break
        time.sleep(0.3)
    return new


def shows(d, selector, text):
    """Whether the element shows `text`: False while a form's answer is still loading."""
    try:
        return text in d.find_element(By.CSS_SELECTOR, selector).text
    except Exception:
        return False


def contrast(fg, bg):
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""
    def lum(c):
        parts = [float(x) for x in c[c.index("(") + 1:c.index(")")].split(",")[:3]]
        def ch(v):
            v = v / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        r, g, b = (ch(v) for v in parts)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    a, b = sorted([lum(fg), lum(bg)], reverse=True)
    return (a + 0.05) / (b + 0.05)


def accessible(page):
    """Accessibility basics on the current page, from the browser's accessibility tree: every
    control has a name, every control is reachable by keyboard (a native control or tabindex ≥ 0),
    and every status badge's text contrasts 4.5:1 with its colour."""
    tree = driver.execute_cdp_cmd("Accessibility.getFullAXTree", {})["nodes"]
    controls = [n for n in tree if not n.get("ignored") and n.get("role", {}).get("value") in
                ("textbox", "combobox", "button", "checkbox", "link", "ListBox", "spinbutton")]
    unnamed = [n.get("role", {}).get("value") for n in controls if not (n.get("name", {}).get("value") or "").strip()]
    check(controls and not unnamed, f"{page}: every control has an accessible name ({len(controls)} controls; unnamed: {unnamed})")
    unreachable = driver.execute_script("""
        return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary'))
            .filter(e => e.tabIndex < 0 || e.disabled).map(e => e.outerHTML.slice(0, 80));""")
    check(not unreachable, f"{page}: every control is reachable by keyboard {unreachable}")
    low = driver.execute_script("""
        return Array.from(document.querySelectorAll('.badge')).map(e => {
            const s = getComputedStyle(e); return [e.className, s.color, s.backgroundColor]; });""")
    bad = [(c, round(contrast(f, b), 2)) for c, f, b in low if "rgba(0, 0, 0, 0)" not in b and contrast(f, b) < 4.5]
    check(not bad, f"{page}: status colours contrast at least 4.5:1 ({len(low)} badges; below: {bad})")


def shot(name):
    """A screenshot in OUT_DIR, and in $RENJU_MANUAL_DIR when set (the manual's pictures,
    scripts/manual-screenshots.sh)."""
    driver.save_screenshot(os.path.join(out, name + ".png"))
    manual = os.environ.get("RENJU_MANUAL_DIR")
    if manual:
        os.makedirs(manual, exist_ok=True)
        driver.save_screenshot(os.path.join(manual, name + ".png"))


def sign_in(login, password):
    driver.get(base + "/login")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()


try:
    # The clerk.
    driver.get(base + "/login")
    shot("login")
    sign_in("hongyao", "clerk-password-1")
    wait.until(EC.presence_of_element_located((By.ID, "upload-form")))
    shot("clerk-desk")
    if base.startswith("https:"):
        cookie = next((c for c in driver.get_cookies() if c["name"] == "renju_session"), {})
        check(cookie.get("secure") and cookie.get("httpOnly"), "over HTTPS the session cookie is Secure and HttpOnly")
        hsts = driver.execute_script("return fetch('/login').then(r => r.headers.get('strict-transport-security'))")
        check(hsts and "max-age" in hsts, f"and the desk sends HSTS ({hsts})")
    check("红耀乡" in driver.page_source, "the clerk's desk shows the township")
    check("上传本期报表" in driver.find_element(By.CSS_SELECTOR, "p.next").text, "the desk says the next step: upload")
    check("2025Q3" in driver.find_element(By.TAG_NAME, "h1").text, "the desk opens on the period being reported (the calendar's, 2025Q3)")
    options = [o.text for o in driver.find_elements(By.CSS_SELECTOR, "select[name=period] option")]
    check("2025Q2" in options and len(options) >= 8, f"the period switch lists the recent periods and the stored one ({len(options)})")
    check("填表人" in driver.find_element(By.CSS_SELECTOR, "span.who").text, "the role is in Chinese")
    accessible("the desk")
    # A file that is not a return: the error page says what to do, with the user bar and navigation.
    junk = os.path.join(out, "not-a-return.xlsx")
    with open(junk, "wb") as f:
        f.write(os.urandom(4096))
    driver.find_element(By.ID, "file").send_keys(junk)
    driver.find_element(By.ID, "upload").click()
    wait.until(EC.presence_of_element_located((By.ID, "error-message")))
    check(driver.find_elements(By.CSS_SELECTOR, "header nav a") and "王芳" in driver.find_element(By.CSS_SELECTOR, "span.who").text,
          "an error page keeps the user bar and the navigation")
    check("重新上传" in driver.find_element(By.ID, "error-hint").text and "422" not in driver.find_element(By.TAG_NAME, "main").text,
          "it says what to do, not the HTTP status")
    shot("desk-error")
    driver.get(base + "/")
    wait.until(EC.presence_of_element_located((By.ID, "upload-form")))
    driver.find_element(By.ID, "file").send_keys(sample)
    driver.find_element(By.ID, "upload").click()
    wait.until(EC.presence_of_element_located((By.ID, "figures")))
    check("/submissions/" in driver.current_url, "the upload leads to the submission page")
    submission_url = driver.current_url.split("?")[0]
    flagged = driver.find_elements(By.CSS_SELECTOR, "td.flag-error")
    check(any("-5" in td.text for td in flagged), "the negative count's cell is highlighted as an error")
    check("保洁员填报为 -5人，不能为负数" in driver.page_source, "its message is on the page")
    check("改正" in driver.find_element(By.ID, "next-step").text, "the submission says the next step: fix the errors and upload again")
    fixes = driver.find_elements(By.CSS_SELECTOR, "div.fix")
    check(len(fixes) > 0 and all("建议修改" in f.text for f in fixes), "the suggested fixes are on the page, beside their findings")
    check(driver.find_elements(By.ID, "reupload-form"), "the submission page offers a re-upload")
    accessible("the submission page")
    check("households" not in driver.find_element(By.CSS_SELECTOR, "ol.notes").text and "identity." not in driver.find_element(By.CSS_SELECTOR, "ol.notes").text,
          "no rule id or expression in the findings' text (a 规则说明 link instead)")
    coverage = driver.find_element(By.CSS_SELECTOR, "p.coverage").text if driver.find_elements(By.CSS_SELECTOR, "p.coverage") else ""
    check(not re.search(r"[a-z]+\.[a-z_]+", coverage), "what could not be checked names rules by their titles: " + coverage[:120])
    import re
    meta = driver.find_element(By.CSS_SELECTOR, "p.meta").text
    check(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", meta) and "T" not in meta.split("·")[2] and "王芳" in meta, "the upload time in Beijing time and the uploader by name: " + meta)
    # The language switch, both ways, keeping the page.
    driver.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(lambda d: "lang=en" in d.current_url)
    check("Next step" in driver.page_source and "/submissions/" in driver.current_url, "English, on the same page")
    driver.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(lambda d: "lang=en" not in d.current_url)
    check("下一步" in driver.page_source and "/submissions/" in driver.current_url, "and back to Chinese")
    shot("desk-submission")
    warnings_before = int(driver.find_element(By.ID, "warnings").text)
    box = driver.find_element(By.CSS_SELECTOR, "form.explain textarea")
    box.send_keys("保洁员合同到期，本季度重新招聘，已核实")
    box.find_element(By.XPATH, "./following-sibling::button").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".explanation")))
    check("保洁员合同到期，本季度重新招聘，已核实" in driver.page_source, "the 说明 is shown")
    check(int(driver.find_element(By.ID, "warnings").text) == warnings_before - 1, "the explained warning is no longer open")
    check(not driver.find_elements(By.CSS_SELECTOR, "button.sign"), "a version with an open error offers no sign-off")
    check("不能签批" in driver.find_element(By.CSS_SELECTOR, ".sign-blocked").text, "the page says why it cannot be signed")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))

    # A clean township, its workbook's own 签字 sheet present, signed through to 已签批 on the desk:
    # 填表人, then 统计负责人, then 单位负责人, each in their own account.
    clean = os.path.join(os.path.dirname(sample), "640422204000-震湖乡.xlsx")
    sign_in("zhenhu", "clerk-password-2")
    wait.until(EC.presence_of_element_located((By.ID, "upload-form")))
    driver.find_element(By.ID, "file").send_keys(os.path.abspath(clean))
    driver.find_element(By.ID, "upload").click()
    wait.until(EC.presence_of_element_located((By.ID, "figures")))
    clean_url = driver.current_url.split("?")[0]
    check("文件中声明的签字" in driver.page_source, "the workbook's own 签字 is shown as declared, not as the sign-off")
    for login, password, role, name in [(None, None, "填表人", "周文斌"), ("zhenhu-tj", "signer-password-2", "统计负责人", "吴玉梅"),
                                        ("zhenhu-head", "signer-password-3", "单位负责人", "徐卫东")]:
        if login:
            driver.find_element(By.CSS_SELECTOR, "header form button").click()
            wait.until(EC.presence_of_element_located((By.ID, "login")))
            sign_in(login, password)
            # Signed in once the header offers 退出 (the login page's header has no form).
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "header form button")))
            driver.get(clean_url)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "button.sign")))
        buttons = driver.find_elements(By.CSS_SELECTOR, "button.sign")
        check([b.text for b in buttons] == ["签批：" + role], f"{name} is offered the {role} sign-off only")
        buttons[0].click()
        wait.until(lambda d: shows(d, "ul.signoffs", f"{role} · {name}"))
        check(f"{role} · {name}" in driver.find_element(By.CSS_SELECTOR, "ul.signoffs").text, f"{name} signed as {role}")
    check("已签批" in driver.page_source, "the clean township reaches 已签批")
    check("已签批，无需再操作" in driver.find_element(By.ID, "next-step").text, "and is told there is nothing more to do")
    shot("desk-signed")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))

    # The county office.
    sign_in("county", "county-password-1")
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    rows = driver.find_elements(By.CSS_SELECTOR, "#board tbody tr")
    check(len(rows) == 19, f"the board lists every township of the county ({len(rows)})")
    row = driver.find_element(By.CSS_SELECTOR, "#board tr[data-unit='640422201000']")
    check("有错误" in row.text, "红耀乡 is on the board with its errors")
    row = driver.find_element(By.CSS_SELECTOR, "#board tr[data-unit='640422204000']")
    check("已签批" in row.text, "震湖乡 is on the board as 已签批")
    check("已过截止日期 21 天" in driver.find_element(By.ID, "deadline").text, "the board says the deadline and how far past it: " + driver.find_element(By.ID, "deadline").text)
    check("已上报 2/19" in driver.find_element(By.ID, "progress").text, "and the progress: " + driver.find_element(By.ID, "progress").text)
    row = driver.find_element(By.CSS_SELECTOR, "#board tr[data-unit='640422100000']")
    check("逾期" in row.text and "—" in row.text and " 0 " not in f" {row.text} ", "a township that sent nothing is 逾期, with dashes: " + row.text)
    tally = sum(int(x.text.split()[-1]) for x in driver.find_elements(By.CSS_SELECTOR, "p.tally .badge"))
    check(tally == 19, f"the status counts add up to the rows ({tally})")
    accessible("the board")
    check("草稿" in driver.find_element(By.ID, "draft").text and "草稿" in driver.find_element(By.ID, "return-xlsx").text, "the return is offered as a draft, and says why")
    shot("desk-board")
    before = set(glob.glob(os.path.join(downloads, "*.xlsx")))
    driver.find_element(By.ID, "return-xlsx").click()
    files = wait_for_download(before)
    check(len(files) == 1, "the county's return downloads")
    if files:
        wb = openpyxl.load_workbook(files[0])
        ws = wb.worksheets[0]
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        check("合计" in text and "西吉县" in text, "the return opens in openpyxl with its 合计 row")
        check("草稿" in os.path.basename(files[0]) and "草稿：" in text, "the draft is marked in its name and inside the workbook")
    driver.get(base + "/ranking?period=2025Q3")
    bars = len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar"))
    check(bars == 2, f"the ranking's bar chart has the two townships that reported ({bars})")
    check("暂定排名" in driver.find_element(By.ID, "provisional").text, "the ranking says it is provisional")
    check(len(driver.find_element(By.ID, "absent").text.split("：", 1)[-1].split("、")) == 17, "the 17 that did not report are listed apart, not ranked at 0.00")
    shot("desk-ranking")
    # History: a township picker for the county office, and the desk's own uploads in the charts.
    driver.get(base + "/history")
    units = driver.find_elements(By.CSS_SELECTOR, "#history-unit option")
    check(len(units) == 20 and "吉强镇" in driver.find_element(By.CSS_SELECTOR, "#history-unit option:checked").text,
          f"the county's history page opens on a township, with a picker of its {len(units) - 1} townships")
    driver.get(base + "/history?unit=640422201000&indicator=households")
    labels = " ".join(t.text for t in driver.find_elements(By.CSS_SELECTOR, "svg text"))
    check("2025Q2" in labels and "2025Q3*" in labels and driver.find_elements(By.ID, "desk-note"),
          "the chart shows the stored quarter and this quarter's upload, marked: " + labels)
    shot("desk-history")
    # 抽查: from the board to the inspections page, a sample drawn (its workbook downloads), filled
    # as an inspector would, and brought back through the form.
    driver.get(base + "/board?period=2025Q3")
    driver.find_element(By.ID, "inspections-link").click()
    form = wait.until(EC.presence_of_element_located((By.ID, "sample-form")))
    size = form.find_element(By.NAME, "size"); size.clear(); size.send_keys("5")
    seed = form.find_element(By.NAME, "seed"); seed.clear(); seed.send_keys("42")
    before = set(glob.glob(os.path.join(downloads, "*.xlsx")))
    form.find_element(By.ID, "draw").click()
    new = wait_for_download(before)
    check(len(new) == 1, "the inspection workbook downloads")
    if new:
        wb = openpyxl.load_workbook(new[0])
        check(wb.sheetnames[0] == "抽样说明" and len(wb.sheetnames) >= 2, "it opens with its 抽样说明 sheet and a sheet per township")
        ws = wb.worksheets[1]
        ws["H2"] = "有误"; ws["I2"] = (ws["E2"].value or 0) + 1; ws["J2"] = "核查员"; ws["K2"] = "2025-11-05"
        filled = os.path.join(out, "filled-inspection.xlsx")
        wb.save(filled)
        verify = driver.find_element(By.ID, "verify-form")
        verify.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(filled)
        verify.find_element(By.ID, "verify").click()
        notice = wait.until(EC.presence_of_element_located((By.ID, "verify-result")))
        check("记录 1 个核实数" in notice.text and "有误 1" in notice.text, "the filled workbook is recorded: " + notice.text)
        shot("desk-inspections")
    driver.get(submission_url)
    form = wait.until(EC.presence_of_element_located((By.ID, "return-form")))
    form.find_element(By.TAG_NAME, "textarea").send_keys("保洁员人数为负，请改正后重报")
    form.find_element(By.TAG_NAME, "button").click()
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    row = driver.find_element(By.CSS_SELECTOR, "#board tr[data-unit='640422201000']")
    check("已退回" in row.text, "the returned submission shows as 已退回")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))

    # The township with the error, using only what the pages say: the desk says it was sent back
    # and why; the submission page names the cell; the clerk fixes it, uploads the corrected
    # version from that page, explains what is left to confirm and signs; the two signers follow.
    sign_in("hongyao", "clerk-password-1")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.next")))
    step = driver.find_element(By.CSS_SELECTOR, "p.next").text
    check("已退回" in step and "保洁员人数为负" in step, "the desk says the return was sent back, and why: " + step)
    shot("clerk-returned")
    driver.find_element(By.CSS_SELECTOR, "p.next a").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "ol.notes")))
    note = next(n.text for n in driver.find_elements(By.CSS_SELECTOR, "ol.notes li") if "不能为负数" in n.text)
    m = re.search(r"\(([A-Z]+[0-9]+)\)", note)
    check(m is not None, "the finding names its cell: " + note)
    wb = openpyxl.load_workbook(sample)
    ws = wb["数据"] if "数据" in wb.sheetnames else wb.worksheets[0]
    ws[m.group(1) if m else "S6"] = 5   # the clerk's own records: five cleaners
    for attempt in range(1, 4):
        fixed = os.path.join(out, f"640422201000-红耀乡-改{attempt}.xlsx")
        wb.save(fixed)
        before_url = driver.current_url
        driver.find_element(By.ID, "reupload-file").send_keys(fixed)
        driver.find_element(By.ID, "reupload-button").click()
        wait.until(lambda d: d.current_url != before_url and "/submissions/" in d.current_url and d.find_elements(By.ID, "next-step"))
        errors = [n for n in driver.find_elements(By.CSS_SELECTOR, "ol.notes li.error")]
        if not errors:
            break
        # What the page says: the cell of each error and its suggested value.
        for n in errors:
            cell = re.search(r"\(([A-Z]+[0-9]+)\)", n.text)
            value = re.search(r"→ ([0-9.]+)", n.find_element(By.CSS_SELECTOR, "div.fix").text) if n.find_elements(By.CSS_SELECTOR, "div.fix") else None
            if cell and value:
                ws[cell.group(1)] = float(value.group(1)) if "." in value.group(1) else int(value.group(1))
    check(not driver.find_elements(By.CSS_SELECTOR, "td.flag-error"), f"after {attempt} corrected uploads, following the suggested fixes, no error is left")
    for _ in range(20):
        forms = driver.find_elements(By.CSS_SELECTOR, "form.explain")
        if not forms:
            break
        forms[0].find_element(By.TAG_NAME, "textarea").send_keys("已与村里核对，数据属实")
        forms[0].find_element(By.TAG_NAME, "button").click()
        wait.until(EC.presence_of_element_located((By.ID, "next-step")))
    step = driver.find_element(By.ID, "next-step").text
    check("请您签批（填表人）" in step, "with every warning explained, the page asks the clerk to sign: " + step)
    driver.find_element(By.CSS_SELECTOR, "button.sign").click()
    wait.until(lambda d: shows(d, "#next-step", "等待签批"))
    check("统计负责人 → 单位负责人" in driver.find_element(By.ID, "next-step").text, "then it says whose signatures it waits for")
    fixed_url = driver.current_url.split("?")[0]
    for login, password, role in [("hongyao-tj", "signer-password-4", "统计负责人"), ("hongyao-head", "signer-password-5", "单位负责人")]:
        driver.find_element(By.CSS_SELECTOR, "header form button").click()
        wait.until(EC.presence_of_element_located((By.ID, "login")))
        sign_in(login, password)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.next")))
        check(f"请您签批（{role}）" in driver.find_element(By.CSS_SELECTOR, "p.next").text, f"the {role}'s desk says the signature is theirs next")
        shot("signer-desk")
        driver.get(fixed_url)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "button.sign"))).click()
        wait.until(lambda d: shows(d, "ul.signoffs", role))
    check("已签批" in driver.find_element(By.ID, "status").text, "红耀乡, fixed, explained and signed, reaches 已签批")
    shot("desk-fixed-signed")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))

    # The prefecture: reads the board and downloads the return; nothing to upload, sign or send back.
    sign_in("prefecture", "viewer-password-1")
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    check("查看人" in driver.find_element(By.CSS_SELECTOR, "span.who").text and driver.find_elements(By.ID, "return-xlsx")
          and not driver.find_elements(By.ID, "upload-form"), "the prefecture's viewer lands on the board, with the return to download and no upload")
    driver.get(fixed_url)
    check(not driver.find_elements(By.CSS_SELECTOR, "button.sign") and not driver.find_elements(By.ID, "return-form"),
          "and a submission offers it no sign-off and no 退回")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    wait.until(EC.presence_of_element_located((By.ID, "login")))

    # The administrator: lands on the accounts page and adds a clerk.
    sign_in("admin", "admin-password-1")
    wait.until(EC.presence_of_element_located((By.ID, "add-account")))
    form = driver.find_element(By.ID, "add-account")
    for name, value in [("login", "tianping"), ("name", "杨静"), ("unit", "640422202000"), ("signs", "填表人"), ("password", "clerk-password-9")]:
        form.find_element(By.NAME, name).send_keys(value)
    form.find_element(By.ID, "add-account-button").click()
    wait.until(EC.presence_of_element_located((By.ID, "accounts-message")))
    check("已新建账号 tianping" in driver.find_element(By.ID, "accounts-message").text and driver.find_elements(By.CSS_SELECTOR, "tr[data-login=tianping]"),
          "the administrator adds a township clerk from the accounts page")
    accessible("the accounts page")
    shot("admin-accounts")
except Exception as e:  # a step that could not run is a failure, with what the browser showed
    failed += 1
    print("FAIL  browser step:", repr(e))
    shot("desk-failure")
finally:
    driver.quit()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
