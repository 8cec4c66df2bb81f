#!/usr/bin/env python3
"""Scheduled reports end to end: `arcadence reports send-due` against local sinks.

Imports Data/sample into WORK/reports.sqlite, adds a manager of East, a rep (R01) and a
leadership user with `arcadence users add`, subscribes them with `arcadence subscriptions
add` (the weekly review with a webhook summary, the rep's worklist, the KPI page), makes a
self-signed certificate with openssl, starts an aiosmtpd sink that requires STARTTLS and
AUTH (and can answer 451 to every message) and an HTTP sink (http.server) for the webhook,
then runs the release binary:

1. with the SMTP sink answering 451: every report is retried (`report.retry`) and fails
   (`report.failed` with the server's reply) in the audit log; exit status 1;
2. with the sink accepting: every report arrives, parses (Python's `email`), its HTML refers
   to inline PNG parts by `cid:`, a CSV is attached, the rep's mail holds only R01's
   customers, the manager's only team East, and the webhook got its JSON with a link;
3. a third run sends nothing (once per period).

The messages are kept as WORK/mona.eml, ron.eml, lea.eml for a person to open.

Installs openssl (apt) and aiosmtpd (pip, pinned in requirements.txt beside this file) when missing.
Usage: report-check.py BIN WORK
"""
import csv
import datetime
import email
import email.policy
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_tools():
    if not shutil.which("openssl"):
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        print("installing openssl for the report check", flush=True)
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "openssl"], check=True,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        print("installing aiosmtpd (pip) for the report check", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r",
                        os.path.join(HERE, "requirements.txt")], check=True)


ensure_tools()
# aiosmtpd 1.4 warns about its own use of Session.login_data at every AUTH.
warnings.filterwarnings("ignore", message="Session.login_data")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

SMTP_USER, SMTP_PASSWORD = "arcadence", "sink-password-1"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"{'ok  ' if ok else 'FAIL'} report: {name}" + (f": {detail}" if detail else ""),
          flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Keeps every message; answers 451 while `failing`."""

    def __init__(self):
        self.messages = []
        self.failing = False
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        if self.failing:
            return "451 4.3.0 sink is failing on purpose"
        self.messages.append((envelope.rcpt_tos, envelope.content, session.authenticated,
                              server._tls_protocol is not None))
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok)


class Hook(http.server.BaseHTTPRequestHandler):
    posts = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Hook.posts.append((self.path, self.headers.get("Content-Type"), self.rfile.read(n)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def run(args, stdin=None, env=None, ok=(0,)):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env)
    if p.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "reports.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    run([binary, "import", "Data/sample", "--db", db])
    for login, extra in (("mona", ["--role", "manager", "--team", "East"]),
                         ("ron", ["--role", "rep", "--rep", "R01"]),
                         ("lea", ["--role", "leadership"])):
        run([binary, "users", "add", login, *extra, "--password-stdin", "--db", db],
            stdin="report-check-password\n")
    subs = [
        ["mona", "--kind", "weekly-review", "--at", "07:00", "--email", "mona@example.com",
         "--webhook"],
        ["ron", "--kind", "worklist", "--at", "06:30", "--email", "ron@example.com"],
        ["lea", "--kind", "kpis", "--at", "08:00", "--email", "lea@example.com"],
    ]
    for s in subs:
        out = run([binary, "subscriptions", "add", *s, "--db", db]).stdout.strip()
        print("   ", out, flush=True)
    bad = run([binary, "subscriptions", "add", "ron", "--kind", "worklist", "--rep", "R05",
               "--email", "ron@example.com", "--db", db], ok=(2,))
    check("a rep cannot subscribe to another rep's worklist", "--rep:" in bad.stderr,
          bad.stderr.strip())

    cert, key = os.path.join(work, "sink-cert.pem"), os.path.join(work, "sink-key.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
         cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port, tls_context=tls,
                            require_starttls=True, authenticator=authenticator,
                            auth_required=True, auth_require_tls=True)
    controller.start()
    hook_port = free_port()
    hook = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    try:
        exercise(binary, db, sink, smtp_port, hook_port, cert)
    finally:
        controller.stop()
        hook.shutdown()
    failed = results.count(False)
    print(f"report-check: {len(results) - failed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


def exercise(binary, db, sink, smtp_port, hook_port, cert):
    env = dict(os.environ,
               ARCADENCE_SMTP_HOST="localhost", ARCADENCE_SMTP_PORT=str(smtp_port),
               ARCADENCE_SMTP_USER=SMTP_USER, ARCADENCE_SMTP_PASSWORD=SMTP_PASSWORD,
               ARCADENCE_SMTP_FROM="reports@example.com", ARCADENCE_SMTP_CA_FILE=cert,
               ARCADENCE_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/services/T0/B0/secret",
               ARCADENCE_PUBLIC_URL="https://ar.example.com")
    # The first of the month after next, 10:00 UTC: after every kind's next time since the
    # subscriptions were made (a Monday, the 1st, a weekday all fall in the 4 weeks before).
    today = datetime.datetime.now(datetime.timezone.utc).date()
    month = today.replace(day=1) + datetime.timedelta(days=32)
    when = (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    now = f"{when.isoformat()}T10:00:00Z"
    send = [binary, "reports", "send-due", "--db", db, "--now", now, "--retry-seconds", "0"]

    sink.failing = True
    first = run(send, env=env, ok=(1,))
    audit = run([binary, "audit", "--limit", "40", "--db", db]).stdout
    retries = audit.count("report.retry")
    failures = [line for line in audit.splitlines() if "report.failed" in line]
    check("a failing sink: each report retried, then failed, in the audit log",
          retries == 6 and len(failures) == 3 and all("451 4.3.0" in f for f in failures),
          f"{retries} report.retry, {len(failures)} report.failed; {first.stdout.splitlines()[-1]}")
    check("nothing arrived while the sink failed", not sink.messages)

    sink.failing = False
    second = run(send, env=env)
    check("the next run sends them", len(sink.messages) == 3, second.stdout.strip().splitlines()[-1])
    third = run(send, env=env)
    check("a run again sends nothing (once per period)", len(sink.messages) == 3
          and third.stdout.strip().endswith("0 sent, 0 failed"), third.stdout.strip())

    customers_of = {row["customer_id"]: row["rep_id"]
                    for row in csv.DictReader(open("Data/sample/customers.csv", encoding="utf-8"))}
    team_of = {row["rep_id"]: row["team"]
               for row in csv.DictReader(open("Data/sample/reps.csv", encoding="utf-8"))}
    by_rcpt = {}
    for rcpts, content, authenticated, encrypted in sink.messages:
        # Kept for a person to open (WORK/NAME.eml, not in git).
        with open(os.path.join(os.path.dirname(db), rcpts[0].split("@")[0] + ".eml"), "wb") as f:
            f.write(content)
        msg = email.message_from_bytes(content, policy=email.policy.default)
        by_rcpt[rcpts[0]] = msg
        check(f"{rcpts[0]}: over STARTTLS and AUTH", authenticated and encrypted)
        html = msg.get_body(preferencelist=("html",)).get_content()
        cids = {p["Content-ID"].strip("<>"): p for p in msg.walk() if p["Content-ID"]}
        refs = set(part.split('"')[0] for part in html.split('src="cid:')[1:])
        pngs_ok = all(cids.get(r) is not None and cids[r].get_content_type() == "image/png"
                      and cids[r].get_content()[:4] == b"\x89PNG" for r in refs)
        csvs = [p for p in msg.iter_attachments() if p.get_content_type() == "text/csv"]
        check(f"{rcpts[0]}: '{msg['Subject']}' parses, HTML with {len(refs)} inline charts, CSV "
              f"{csvs[0].get_filename() if csvs else None}",
              "<html" in html and pngs_ok and len(csvs) == 1 and (refs or "worklist" in msg["Subject"].lower()))

    ron = by_rcpt.get("ron@example.com")
    if ron:
        attached = [p for p in ron.iter_attachments() if p.get_content_type() == "text/csv"]
        rows = list(csv.DictReader(attached[0].get_content().splitlines())) if attached else []
        ids = {r.get("customer_id") for r in rows}
        check("the rep's worklist holds only R01's customers",
              rows and all(customers_of.get(c) == "R01" for c in ids),
              f"{len(rows)} rows, {len(ids)} customers, all R01's")
    else:
        check("the rep's worklist arrived", False)
    mona = by_rcpt.get("mona@example.com")
    if mona:
        html = mona.get_body(preferencelist=("html",)).get_content()
        west = [r for r, t in team_of.items() if t == "West"]
        check("the manager's review is team East's only",
              "team East" in mona["Subject"] and not any(f">{r}<" in html for r in west),
              mona["Subject"])
    else:
        check("the manager's review arrived", False)
    posts = Hook.posts
    body = json.loads(posts[0][2]) if posts else {}
    check("the webhook got its JSON summary with a link",
          len(posts) == 1 and posts[0][1] == "application/json"
          and "Weekly review" in body.get("text", "")
          and "<https://ar.example.com/review?" in body.get("text", ""),
          body.get("text", "").replace("\n", " | ")[:160])
    audit = run([binary, "audit", "--limit", "10", "--db", db]).stdout
    check("sent reports are in the audit log", audit.count("report.sent") == 3
          and "report.webhook" in audit)


if __name__ == "__main__":
    main()
