#!/usr/bin/env python3
"""Load every page of a generated site in headless Chromium, as a person would.

For each HTML page it fails on: a link or image that does not resolve to a file, anything
fetched from the network (pages must work offline), a console message (the pages have no
scripts, so any message is an error), an image the browser could not decode, and a blank
page (a screenshot that is almost all one colour). Screenshots go to SHOTS (not in git).

Usage: browser-check.py SITE_DIR SHOTS_DIR
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import zlib

CHECK = """<script>window.addEventListener('load', () => {
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0);
  for (const i of broken) console.error('broken image: ' + i.getAttribute('src').slice(0, 80));
  console.log('arcadence-check images=' + document.images.length + ' broken=' + broken.length
    + ' text=' + document.body.innerText.trim().length);
});</script>"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing Debian's chromium for the browser check", flush=True)
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "chromium"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    return shutil.which("chromium")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.refs.append(value)


def static_problems(page, text):
    parser = Links()
    parser.feed(text)
    problems = []
    for ref in parser.refs:
        if ref.startswith("#") or ref.startswith("data:"):
            continue
        if re.match(r"^[a-z]+://", ref) or ref.startswith("//"):
            problems.append(f"fetches from elsewhere: {ref}")
            continue
        target = os.path.normpath(os.path.join(os.path.dirname(page), ref.split("#")[0]))
        if not os.path.isfile(target):
            problems.append(f"link or image does not resolve: {ref}")
    return problems


def png_ink(path):
    """Share of pixels that differ from the most common colour (0 = blank)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            ctype = body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    counts = {}
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 4 == 0:
            for x in range(0, stride, bpp * 4):
                key = bytes(line[x:x + 3])
                counts[key] = counts.get(key, 0) + 1
    total = sum(counts.values())
    return 1 - max(counts.values()) / total


def main():
    site, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    browser = chromium()
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(site) for f in fs
                   if f.endswith(".html") and not f.startswith("__check__"))
    passed = failed = 0
    for page in pages:
        rel = os.path.relpath(page, site)
        text = open(page, encoding="utf-8").read()
        problems = static_problems(page, text)
        check = os.path.join(os.path.dirname(page), "__check__" + os.path.basename(page))
        open(check, "w", encoding="utf-8").write(
            text.replace(' loading="lazy"', "").replace("</body>", CHECK + "</body>"))
        shot = os.path.join(shots, rel.replace("/", "_").replace(".html", ".png"))
        try:
            run = subprocess.run(
                [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
                 "--window-size=1280,1800", f"--screenshot={os.path.abspath(shot)}",
                 "file://" + os.path.abspath(check)],
                capture_output=True, text=True, timeout=120)
        finally:
            os.remove(check)
        console = re.findall(r'CONSOLE[^\]]*\] "(.*?)", source', run.stderr)
        report = [c for c in console if c.startswith("arcadence-check")]
        problems += [f"console: {c}" for c in console if not c.startswith("arcadence-check")]
        if not report:
            problems.append("the page did not finish loading")
        elif " broken=0 " not in report[0]:
            problems.append(report[0])
        elif int(report[0].rsplit("text=", 1)[1]) < 40:
            problems.append("the page has almost no text")
        if not os.path.isfile(shot):
            problems.append("no screenshot was taken")
        elif png_ink(shot) < 0.01:
            problems.append("the screenshot is blank")
        if problems:
            failed += 1
            print(f"FAIL {rel}")
            for p in problems:
                print(f"     {p}")
        else:
            passed += 1
            print(f"ok   {rel} ({report[0].split(' ', 1)[1]})")
    print(f"browser-check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
