#!/usr/bin/env python3
"""`arcadence serve` end to end in a real browser (headless Chromium driven by Selenium).

Imports Data/sample (plus one rep whose name is a spreadsheet formula) into WORK/serve.sqlite,
adds one user per role with `arcadence users add --password-stdin` (random passwords that live
only in this process), starts `arcadence serve` on a free loopback port and, as a person would:

- logs in as a rep: lands on their worklist, every page linked is their own, their scorecard
  opens; another rep's scorecard or worklist typed into the address bar answers 404, the KPI
  page 403; logging out ends the session on the server (the old cookie no longer works);
- logs in as a manager: lands on the KPI page of their team, downloads the KPI table's CSV
  (its first line) and the scorecards' CSV (the formula name comes out neutralised);
- as the manager, follows the collection-rate tile to its rows, a customer, an invoice, and
  downloads the invoice's CSV;
- logs in as an admin and adds a user on the users page (`users list` then shows it);
- as the admin, finds the logins and the CSV download in the audit log.
- logs in as an analyst, runs Scenarios/weekly-calls.yaml with 200 paths from /scenarios,
  watches the job's progress until it is done and opens the result (table and chart).
- as the analyst, opens /forecast, runs the 13-week forecast as a job and, once it is done,
  sees 13 weekly rows (and the horizon's) and the chart on /forecast; then runs /accuracy
  (2 cutoffs, 50 paths) and opens the page again after its job finishes: the model beside
  the baselines A and B per horizon.

Screenshots go to SHOTS (not in git). The server is stopped whatever happens. Installs
Debian's chromium and chromium-driver and Selenium (pip) when missing.

Usage: serve-check.py BIN WORK SHOTS
"""
import csv
import http.client
import io
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse


def ensure_tools():
    """Chromium, its driver and Selenium: installed when missing, as the other checks do."""
    missing = [p for p, exe in (("chromium", "chromium"), ("chromium-driver", "chromedriver"))
               if not shutil.which(exe)]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print(f"installing {' '.join(missing)} for the browser check", flush=True)
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    try:
        import selenium  # noqa: F401
    except ImportError:
        print("installing selenium (pip) for the browser check", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "selenium>=4.11,<5"],
                       check=True)


ensure_tools()
os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not try to download a driver
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

HOSTILE_REP = ("R90", '=HYPERLINK("http://x","y")')


def free_port():
    """A port nothing listens on now (the kernel's pick for port 0 on the loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, text=True, check=True).stdout


def sample_ids():
    """A rep of East (the rep user), another rep, and a customer and invoice of East."""
    reps = list(csv.DictReader(open("Data/sample/reps.csv", encoding="utf-8")))
    east = [r["rep_id"] for r in reps if r["team"] == "East"]
    west = [r["rep_id"] for r in reps if r["team"] == "West"]
    customers = csv.DictReader(open("Data/sample/customers.csv", encoding="utf-8"))
    customer = next(c["customer_id"] for c in customers if c["rep_id"] == east[0])
    invoices = csv.DictReader(open("Data/sample/invoices.csv", encoding="utf-8"))
    invoice = next(i["invoice_id"] for i in invoices if i["customer_id"] == customer)
    return east, west, customer, invoice


class Check:
    """One browser, one server: the steps below share them."""

    def __init__(self, base, shots, downloads):
        self.base, self.shots, self.downloads = base, shots, downloads
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,1600", "--hide-scrollbars"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {
            "download.default_directory": downloads, "download.prompt_for_download": False})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=service, options=options)
        try:
            self.driver.execute_cdp_cmd(
                "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        except Exception:  # older drivers: the preference above is enough
            pass

    # --- helpers -------------------------------------------------------------------------

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots, f"serve-{name}.png"))

    def session_cookie(self):
        c = self.driver.get_cookie("arcadence_session")
        return c["value"] if c else None

    def status(self, path, cookie):
        """The status and Location of GET path with this session cookie (no redirects)."""
        u = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        conn.request("GET", path, headers={"Cookie": f"arcadence_session={cookie}"})
        r = conn.getresponse()
        r.read()
        conn.close()
        return r.status, r.getheader("Location")

    def open(self, path):
        self.driver.get(self.base + path)

    def log_in(self, login, password):
        self.open("/login")
        self.driver.find_element(By.NAME, "login").send_keys(login)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click()
        WebDriverWait(self.driver, 30).until(lambda d: "/login" not in d.current_url)

    def log_out(self):
        self.driver.find_element(By.CSS_SELECTOR, "form.logout button").click()
        WebDriverWait(self.driver, 30).until(lambda d: d.current_url.endswith("/login"))

    def links(self):
        """Every same-site link on the page, as paths with their query."""
        out = []
        for a in self.driver.find_elements(By.TAG_NAME, "a"):
            u = urllib.parse.urlsplit(a.get_attribute("href") or "")
            assert u.netloc in ("", urllib.parse.urlsplit(self.base).netloc), f"link elsewhere: {u}"
            out.append(u.path + ("?" + u.query if u.query else ""))
        return out

    def download(self, link_text):
        """Clicks the link and waits for the file it downloads (named NAME.csv, as the
        server's Content-Disposition says); returns its text."""
        before = set(os.listdir(self.downloads))
        self.driver.find_element(By.LINK_TEXT, link_text).click()
        deadline = time.time() + 30
        while time.time() < deadline:
            new = [f for f in set(os.listdir(self.downloads)) - before
                   if not f.endswith(".crdownload") and not f.endswith(".tmp")]
            if new:
                time.sleep(0.2)
                assert new[0].endswith(".csv"), f"downloaded as {new[0]!r}, not NAME.csv"
                return open(os.path.join(self.downloads, new[0]), encoding="utf-8").read()
            time.sleep(0.2)
        raise AssertionError(f"no file downloaded from '{link_text}' within 30 s")


# --- the steps -----------------------------------------------------------------------------

def rep_sees_only_their_own_pages(c, users, east, west):
    login, password = users["rep"]
    me, colleague = east[0], east[1]
    c.log_in(login, password)
    assert c.path() == f"/worklist/{me}", f"a rep lands on {c.path()}, not their worklist"
    assert c.heading().startswith("Worklist"), c.heading()
    c.shot("rep-worklist")
    # /subscriptions: the rep's own scheduled reports (no id in it: theirs only).
    own = {"/", f"/worklist/{me}", f"/scorecard/{me}", "/subscriptions", "/static/app.css"}
    for link in c.links():
        assert link.split("?")[0] in own, f"a rep's page links to {link}"
    c.open(f"/scorecard/{me}")
    assert c.heading().startswith("Scorecard") and me in c.heading(), c.heading()
    c.shot("rep-scorecard")
    cookie = c.session_cookie()
    for path, status in ((f"/scorecard/{colleague}", 404), (f"/worklist/{west[0]}", 404),
                         (f"/scorecard/{west[0]}", 404), ("/kpis", 403), ("/audit", 403)):
        c.open(path)
        expected = "Not found" if status == 404 else "Forbidden"
        assert c.heading() == expected, f"{path}: {c.heading()}"
        assert colleague not in c.driver.find_element(By.TAG_NAME, "main").text
        got, _ = c.status(path, cookie)
        assert got == status, f"{path}: HTTP {got}, expected {status}"
    c.open(f"/scorecard/{colleague}")
    c.shot("rep-other-scorecard-404")
    c.log_out()
    c.open(f"/worklist/{me}")
    assert c.path() == "/login", f"after logout {c.path()}"
    got, location = c.status(f"/worklist/{me}", cookie)
    assert (got, location) == (303, "/login"), f"the old session still works: {got} {location}"
    return f"{login} ({me}): worklist, own links only, 404 on {colleague}, logout ends the session"


def manager_downloads_csv(c, users, east, west):
    login, password = users["manager"]
    c.log_in(login, password)
    assert c.path() == "/kpis", f"a manager lands on {c.path()}"
    assert "team East" in c.heading(), c.heading()
    c.shot("manager-kpis")
    kpis = c.download("Download CSV")
    first = kpis.splitlines()[0]
    assert first == "metric,value,previous", f"KPI CSV starts {first!r}"
    c.open("/scorecards")
    main = c.driver.find_element(By.TAG_NAME, "main").text
    assert HOSTILE_REP[1] in main, "the formula-named rep is shown as text on the page"
    assert west[0] not in main, f"a West rep ({west[0]}) on an East manager's scorecards"
    c.shot("manager-scorecards")
    text = c.download("Download CSV")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["rep_id", "name", "team"], f"scorecards CSV starts {rows[0][:3]}"
    hostile = [r for r in rows if r[0] == HOSTILE_REP[0]]
    assert hostile and hostile[0][1] == "'" + HOSTILE_REP[1], f"formula cell: {hostile}"
    for r in rows:
        for cell in r:
            bad = cell[:1] in ("=", "+", "@", "\t", "\r") or (
                cell[:1] == "-" and not cell[1:].replace(".", "", 1).isdigit())
            assert not bad, f"formula cell not neutralised: {cell!r}"
    return (f"{login}: KPIs of team East, KPI CSV first line {first!r}, scorecards CSV with "
            f"{len(rows) - 1} reps, {HOSTILE_REP[1]} → {hostile[0][1]}")


def manager_follows_kpi_tile_to_invoice(c, users, customer, invoice):
    """A manager follows the collection-rate tile down: rows → customer → invoice → CSV."""
    c.open("/kpis")
    tiles = [link for link in c.links() if link.startswith("/drill?")]
    assert tiles, "no KPI tile links to its rows"
    tiles.sort(key=lambda link: "metric=collection_rate&" not in link + "&")
    c.open(tiles[0])
    c.shot("manager-drill-rows")
    to_customer = [link for link in c.links() if link.startswith("/customer/")]
    assert to_customer, f"{tiles[0]}: no link to a customer"
    c.open(to_customer[0])
    c.shot("manager-drill-customer")
    to_invoice = [link for link in c.links() if link.startswith("/invoice/")]
    assert to_invoice, f"{to_customer[0]}: no link to an invoice"
    c.open(to_invoice[0])
    c.shot("manager-drill-invoice")
    assert urllib.parse.unquote(to_invoice[0].split("/")[2].split("?")[0]) in c.heading()
    text = c.download("Download CSV")
    assert text.strip(), "the invoice's CSV is empty"
    return f"{tiles[0]} → {to_customer[0]} → {to_invoice[0]} → CSV"


def admin_adds_user(c, users, bin_path, db):
    """The admin adds a user on the users page (/users); `users list` then shows it."""
    login, password = users["admin"]
    c.log_in(login, password)
    c.open("/users")
    c.shot("admin-users")
    form = next(f for f in c.driver.find_elements(By.TAG_NAME, "form")
                if f.find_elements(By.CSS_SELECTOR, "input[name=action][value=add]"))
    form.find_element(By.NAME, "login").send_keys("e2e-added")
    role = form.find_element(By.NAME, "role")
    if role.tag_name == "select":
        role.find_element(By.CSS_SELECTOR, "option[value='analyst']").click()
    else:
        role.send_keys("analyst")
    form.find_element(By.CSS_SELECTOR, "button[type=submit], button").click()
    WebDriverWait(c.driver, 30).until(lambda d: "e2e-added" in d.page_source)
    c.shot("admin-user-added")
    listed = run([bin_path, "users", "list", "--db", db])
    assert "e2e-added" in listed and "analyst" in listed, listed
    return "e2e-added (analyst) added in the browser; `users list` shows it"


def admin_reads_the_audit(c, users):
    if "/kpis" not in c.path() and c.path() != "/users" and "/audit" not in c.path():
        c.log_in(*users["admin"])
    c.open("/audit")
    main = c.driver.find_element(By.TAG_NAME, "main").text
    for needle in (f"{users['rep'][0]} login.success", f"{users['rep'][0]} logout",
                   f"{users['manager'][0]} csv.download"):
        assert needle in main, f"audit log lacks '{needle}'"
    c.shot("admin-audit")
    return "logins, logout and CSV downloads are in the audit log"


def cash_collected(c, query):
    """The Cash collected value on /kpis?QUERY, as cents."""
    c.open("/kpis?" + query)
    for row in c.driver.find_elements(By.CSS_SELECTOR, "tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells and cells[0].text == "Cash collected":
            return round(float(cells[1].text.replace("$", "").replace(",", "")) * 100)
    raise AssertionError(f"no Cash collected row on /kpis?{query}")


def admin_imports_by_upload(c, users, work, customer):
    """The admin uploads a folder with one bad row and sees the error line; then the good
    folder, and sees cash collected move by the payment's amount on the KPI page."""
    c.log_in(*users["admin"])
    query = "quarter=2026-Q3"
    before = cash_collected(c, query)
    header = "payment_id,customer_id,invoice_id,received_on,amount,method\n"
    folders = {}
    for kind, amount in (("bad", "12.345"), ("good", "1234.56")):
        folder = os.path.join(work, f"upload-{kind}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "payments.csv"), "w", encoding="utf-8") as f:
            f.write(header + f"E2E-P1,{customer},,2026-08-15,{amount},ach\n")
        folders[kind] = folder

    def upload(folder):
        c.open("/import")
        form = next(f for f in c.driver.find_elements(By.CSS_SELECTOR, "form[action='/import']")
                    if not f.find_elements(By.CSS_SELECTOR, "input[webkitdirectory]"))
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
            os.path.join(folder, "payments.csv"))
        form.find_element(By.CSS_SELECTOR, "button").click()
        WebDriverWait(c.driver, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".import-heading"))
        return c.driver.find_element(By.TAG_NAME, "main").text

    bad = upload(folders["bad"])
    line = ('payments.csv:2: column amount: not a valid amount (digits, \'.\' and at most 2 '
            'decimals, no symbols) (value "12.345")')
    assert "nothing was written (1 problem)" in bad and line in bad, bad
    c.shot("admin-import-bad")
    good = upload(folders["good"])
    assert "imported 1 payments" in good, good
    c.shot("admin-import-good")
    deadline = time.time() + 60
    after = before
    while time.time() < deadline and after == before:
        time.sleep(0.5)
        after = cash_collected(c, query)
    assert after - before == 123456, f"cash collected {before} → {after} (cents)"
    c.shot("admin-import-kpis")
    return (f"bad row refused with '{line}'; the good folder imported; cash collected in "
            f"2026-Q3 {before / 100:,.2f} → {after / 100:,.2f} (+1,234.56)")


def analyst_runs_a_simulation(c, users):
    """The analyst opens weekly-calls.yaml on /scenarios, runs it with 200 paths, watches the
    job's progress (the page reloads itself) until it is done, and opens the result: the
    paired differences and the comparison chart (an image drawn by the server)."""
    c.log_in(*users["analyst"])
    c.open("/scenarios")
    c.driver.find_element(By.LINK_TEXT, "weekly-calls.yaml").click()
    WebDriverWait(c.driver, 30).until(lambda d: d.current_url.endswith("/weekly-calls.yaml"))
    form = next(f for f in c.driver.find_elements(By.TAG_NAME, "form")
                if f.find_elements(By.CSS_SELECTOR, "input[name=action][value=run]"))
    paths = form.find_element(By.NAME, "paths")
    paths.clear()
    paths.send_keys("200")
    form.find_element(By.CSS_SELECTOR, "button").click()
    WebDriverWait(c.driver, 30).until(lambda d: "/jobs/" in d.current_url)
    job = c.path()
    seen = []  # the states shown, in the order first seen

    def state(d):
        try:
            shown = d.find_element(By.ID, "state").text
            if shown not in seen:
                seen.append(shown)
            return shown in ("done", "failed", "cancelled")
        except Exception:  # the page reloading itself under us
            return False
    WebDriverWait(c.driver, 900, poll_frequency=0.5).until(state)
    c.shot("analyst-job")
    main = c.driver.find_element(By.TAG_NAME, "main").text
    assert "State: done" in main, main[:400]
    assert "Paired differences against observed" in main, "no paired differences"
    img = c.driver.find_element(By.CSS_SELECTOR, "img[alt=comparison]")
    WebDriverWait(c.driver, 30).until(
        lambda d: d.execute_script("return arguments[0].naturalWidth", img) > 0)
    line = next(l for l in main.splitlines() if l.startswith("weekly calls "))
    return f"{job}: {' → '.join(seen)}; {line.split('  ')[0]} {line.split()[2]}"


def wait_for_job(c, timeout=900):
    """Waits on the job page (it reloads itself) until the job has ended; returns its state."""
    def ended(d):
        try:
            return d.find_element(By.ID, "state").text in ("done", "failed", "cancelled")
        except Exception:  # the page reloading itself under us
            return False
    WebDriverWait(c.driver, timeout, poll_frequency=0.5).until(ended)
    return c.driver.find_element(By.ID, "state").text


def analyst_runs_the_forecast(c, users):
    """The analyst opens /forecast (nothing computed yet on this generation), presses Run,
    waits for the job, then opens /forecast again: 13 weekly rows and the 13-week row in the
    whole book's table, and the chart drawn."""
    c.log_in(*users["analyst"])
    c.open("/forecast")
    c.driver.find_element(By.CSS_SELECTOR, "form.run button").click()
    WebDriverWait(c.driver, 30).until(lambda d: "/jobs/" in d.current_url)
    job = c.path()
    assert wait_for_job(c) == "done", c.driver.find_element(By.TAG_NAME, "main").text[:400]
    c.open("/forecast")
    table = c.driver.find_element(By.CSS_SELECTOR, "table.forecast[data-group=all]")
    rows = [r.text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    weekly = [r for r in rows if r[:2] == "20"]
    assert len(weekly) == 13 and rows[-1].startswith("13 weeks"), rows
    img = c.driver.find_element(By.CSS_SELECTOR, "img[alt='Cash forecast by week']")
    WebDriverWait(c.driver, 30).until(
        lambda d: d.execute_script("return arguments[0].naturalWidth", img) > 0)
    c.shot("analyst-forecast")
    return f"{job}: 13 weekly rows from {weekly[0].split()[0]}; 13 weeks: {rows[-1]}"


def analyst_runs_accuracy(c, users):
    """The analyst sets 2 cutoffs and 50 paths on /accuracy, runs it, waits for the job and
    opens /accuracy again: per horizon, the model and the baselines A and B."""
    c.log_in(*users["analyst"])
    c.open("/accuracy?cutoffs=2&paths=50")
    c.driver.find_element(By.CSS_SELECTOR, "form.run button").click()
    WebDriverWait(c.driver, 30).until(lambda d: "/jobs/" in d.current_url)
    job = c.path()
    assert wait_for_job(c) == "done", c.driver.find_element(By.TAG_NAME, "main").text[:400]
    c.open("/accuracy?cutoffs=2&paths=50")
    table = c.driver.find_element(By.CSS_SELECTOR, "table.accuracy")
    rows = [r.text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert len(rows) == 9, rows
    assert any(r.startswith("90 d model") for r in rows), rows
    assert any(r.startswith("90 d A: last period") for r in rows), rows
    c.shot("analyst-accuracy")
    model = next(r for r in rows if r.startswith("90 d model"))
    return f"{job}: 9 rows (3 horizons × model, A, B); {model}"


def main():
    bin_path, work, shots = (os.path.abspath(a) for a in sys.argv[1:4])
    os.makedirs(shots, exist_ok=True)
    db = os.path.join(work, "serve.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    run([bin_path, "import", "Data/sample", "--db", db])
    hostile = os.path.join(work, "hostile")
    os.makedirs(hostile, exist_ok=True)
    with open(os.path.join(hostile, "reps.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerows([["rep_id", "name", "team", "active"], [*HOSTILE_REP, "East", "true"]])
    run([bin_path, "import", hostile, "--db", db])
    east, west, customer, invoice = sample_ids()
    users = {}
    for role, extra in (("rep", ["--rep", east[0]]), ("manager", ["--team", "East"]),
                        ("admin", []), ("analyst", [])):
        login, password = f"e2e-{role}", secrets.token_urlsafe(18)
        run([bin_path, "users", "add", login, "--role", role, *extra, "--password-stdin",
             "--db", db], stdin=password + "\n")
        users[role] = (login, password)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([bin_path, "serve", "--db", db, "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    # SIGTERM/SIGINT to this script still stop the server (through the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    check = None
    results = []
    try:
        deadline = time.time() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"arcadence serve exited with {server.returncode}; "
                                   f"see {log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("arcadence serve did not answer /healthz within 60 s")
            time.sleep(0.2)
        downloads = os.path.join(work, "downloads")
        shutil.rmtree(downloads, ignore_errors=True)
        os.makedirs(downloads)
        check = Check(base, shots, downloads)
        steps = [
            ("rep sees only their own pages", lambda: rep_sees_only_their_own_pages(
                check, users, east, west)),
            ("manager downloads CSV", lambda: manager_downloads_csv(check, users, east, west)),
            ("manager follows a KPI tile to an invoice",
             lambda: manager_follows_kpi_tile_to_invoice(check, users, customer, invoice)),
            ("admin adds a user", lambda: admin_adds_user(check, users, bin_path, db)),
            ("admin reads the audit log", lambda: admin_reads_the_audit(check, users)),
            ("admin imports by upload",
             lambda: admin_imports_by_upload(check, users, work, customer)),
            ("analyst runs a simulation", lambda: analyst_runs_a_simulation(check, users)),
            ("analyst runs the forecast", lambda: analyst_runs_the_forecast(check, users)),
            ("analyst runs accuracy", lambda: analyst_runs_accuracy(check, users)),
        ]
        for name, step in steps:
            try:
                results.append(("ok  ", name, step()))
            except Exception as e:  # one failed step does not hide the others
                results.append(("FAIL", name, f"{type(e).__name__}: {e}"))
                try:
                    check.shot("failed-" + name.replace(" ", "-"))
                except Exception:
                    pass
    finally:
        if check is not None:
            check.driver.quit()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
    for status, name, detail in results:
        print(f"{status} serve: {name}: {detail}")
    failed = sum(1 for r in results if r[0] == "FAIL")
    print(f"serve-check: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
