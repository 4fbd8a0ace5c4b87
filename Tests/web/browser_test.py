#!/usr/bin/env python3
"""The web desk in a real browser (headless Chromium through selenium).

A township clerk signs in, uploads the sample 红耀乡 workbook, sees the highlighted cell and its
message, writes a 说明 and signs as 填表人; the county reviewer sees the board, returns the
submission, downloads the county's return and it opens in openpyxl. Screenshots go to out/.

Usage: browser_test.py BASE_URL SAMPLE_XLSX OUT_DIR   (the server and accounts are set up by
scripts/test.sh). Prints "N passed, M failed" and exits 1 on any failure.
"""
import os
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
for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=zh-CN"]:
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


def sign_in(login, password):
    driver.get(base + "/login")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()


try:
    # The clerk.
    sign_in("hongyao", "clerk-password-1")
    wait.until(EC.presence_of_element_located((By.ID, "upload-form")))
    check("红耀乡" in driver.page_source, "the clerk's desk shows the township")
    driver.find_element(By.ID, "file").send_keys(sample)
    driver.find_element(By.ID, "upload").click()
    wait.until(EC.presence_of_element_located((By.ID, "figures")))
    check("/submissions/" in driver.current_url, "the upload leads to the submission page")
    submission_url = driver.current_url.split("?")[0]
    flagged = driver.find_elements(By.CSS_SELECTOR, "td.flag-error")
    check(any("-5" in td.text for td in flagged), "the negative count's cell is highlighted as an error")
    check("保洁员填报为 -5人，不能为负数" in driver.page_source, "its message is on the page")
    driver.save_screenshot(os.path.join(out, "desk-submission.png"))
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
    driver.save_screenshot(os.path.join(out, "desk-signed.png"))
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
    driver.save_screenshot(os.path.join(out, "desk-board.png"))
    before = set(glob.glob(os.path.join(downloads, "*.xlsx")))
    driver.find_element(By.ID, "return-xlsx").click()
    files = wait_for_download(before)
    check(len(files) == 1, "the county's return downloads")
    if files:
        wb = openpyxl.load_workbook(files[0])
        ws = wb.worksheets[0]
        text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        check("合计" in text and "西吉县" in text, "the return opens in openpyxl with its 合计 row")
    driver.get(base + "/ranking?period=2025Q3")
    check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar")) == 19, "the ranking has its bar chart")
    driver.save_screenshot(os.path.join(out, "desk-ranking.png"))
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
        driver.save_screenshot(os.path.join(out, "desk-inspections.png"))
    driver.get(submission_url)
    form = wait.until(EC.presence_of_element_located((By.ID, "return-form")))
    form.find_element(By.TAG_NAME, "textarea").send_keys("保洁员人数为负，请改正后重报")
    form.find_element(By.TAG_NAME, "button").click()
    wait.until(EC.presence_of_element_located((By.ID, "board")))
    row = driver.find_element(By.CSS_SELECTOR, "#board tr[data-unit='640422201000']")
    check("已退回" in row.text, "the returned submission shows as 已退回")
except Exception as e:  # a step that could not run is a failure, with what the browser showed
    failed += 1
    print("FAIL  browser step:", repr(e))
    driver.save_screenshot(os.path.join(out, "desk-failure.png"))
finally:
    driver.quit()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
