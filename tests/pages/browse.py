#!/usr/bin/env python3
"""Loads every woven page in headless Chromium and checks what a reader sees.

    python3 tests/pages/browse.py --pages build/paper/quick --shots build/paper/shots \
        paper/a.md paper/b.md ...

For index.html and each document's page: every <img> loaded (naturalWidth > 0),
every local link resolves (a file that exists, an id that exists), MathML is
present where the document's prose has $...$ math, verdicts are coloured by
the page's CSS, and the claim table has one row per claim block of the
document. Screenshots go to --shots. Chromium is driven through chromedriver's
W3C WebDriver HTTP interface (urllib + json only); chromedriver and every
Chromium process it started are killed on exit, on failure and on a signal.
Ends with "N passed, N failed" and exits non-zero on any failure.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# No network here: without these Chromium waits on lookups and updates.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1400,1000"]
WIDTH, HEIGHT = 1400, 1000


class Browser:
    """One chromedriver process and one Chromium session, killed by close()."""

    def __init__(self, profile):
        self.profile = profile
        self.log = open(os.path.join(profile, "chromedriver.log"), "w")
        port = free_port()
        self.base = "http://127.0.0.1:%d" % port
        self.driver = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port],
                                       stdout=self.log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.session = None

    def start(self):
        self.wait_ready()
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": 60000, "script": 30000},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": CHROMIUM_ARGS + ["--user-data-dir=" + os.path.join(self.profile, "user")],
            }}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.driver.poll() is not None:
                raise RuntimeError("chromedriver exited with %d" % self.driver.returncode)
            try:
                if self.call("GET", "/status").get("ready"):
                    return
            except (OSError, RuntimeError):
                pass
            time.sleep(0.2)
        raise RuntimeError("chromedriver did not answer on %s within 30 s" % self.base)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read().decode())["value"]
        except urllib.error.HTTPError as e:
            value = json.loads(e.read().decode() or "{}").get("value", {})
            raise RuntimeError("webdriver %s %s: %s" % (method, path, value.get("message", e)))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def open(self, path):
        self.s("POST", "/url", {"url": "file://" + os.path.abspath(path)})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def resize(self, height):
        self.s("POST", "/window/rect", {"width": WIDTH, "height": height})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def close(self):
        try:
            if self.session:
                self.call("DELETE", "/session/" + self.session)
        except (OSError, RuntimeError):
            pass
        kill_group(self.driver)
        kill_profile_processes(self.profile)
        self.log.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kill_group(proc):
    """TERM, then KILL, chromedriver's process group (it leads it)."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # helpers left in the group
    except ProcessLookupError:
        pass


def profile_processes(profile):
    """The pids of live processes started with our own --user-data-dir."""
    mark = ("--user-data-dir=" + os.path.join(profile, "user")).encode()
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if mark in f.read().split(b"\0"):
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def kill_profile_processes(profile):
    """Kills any Chromium process of ours that outlived chromedriver (by pid)."""
    for pid in profile_processes(profile):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def claim_count(doc):
    with open(doc, encoding="utf-8") as f:
        return sum(1 for line in f if line.rstrip() == "```lindyn-claim")


def has_math(doc):
    """Does the prose (outside fenced blocks and inline code) hold $...$ math?"""
    fence, prose = None, []
    with open(doc, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(`{3,}|~{3,})", line)
            if m and fence is None:
                fence = m.group(1)
            elif m and fence and line.strip() == fence:
                fence = None
            elif fence is None:
                prose.append(re.sub(r"`[^`]*`", "", line))
    return re.search(r"\$[^$\s][^$]*\$", "".join(prose)) is not None


IMAGES_JS = """return Array.from(document.images).map(i =>
    [i.getAttribute('src'), i.complete, i.naturalWidth]);"""
LINKS_JS = """return Array.from(document.querySelectorAll('a[href]')).map(a =>
    [a.getAttribute('href'), a.href]);"""
ID_JS = "return document.getElementById(arguments[0]) !== null;"
COUNT_JS = "return document.querySelectorAll(arguments[0]).length;"
VERDICT_COLOURS_JS = """return Array.from(document.querySelectorAll('.verdict')).map(v =>
    [v.textContent, getComputedStyle(v).backgroundColor]);"""
SCROLL_JS = """const e = document.querySelector(arguments[0]);
    if (e) e.scrollIntoView(); return e !== null;"""


class Checker:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, page, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s: %s" % (page, what))

    def images(self, b, page):
        deadline = time.time() + 30
        imgs = b.js(IMAGES_JS)
        while not all(c for _, c, _ in imgs) and time.time() < deadline:
            time.sleep(0.2)
            imgs = b.js(IMAGES_JS)
        broken = [src for src, _, w in imgs if not w]
        self.check(page, not broken, "images not loaded: %s" % ", ".join(broken))
        return len(imgs)

    def links(self, b, page):
        bad = []
        for href, url in b.js(LINKS_JS):
            parsed = urllib.parse.urlparse(url)
            if parsed.scheme in ("http", "https", "mailto"):
                continue  # not followed: no network, and not ours
            if parsed.scheme != "file":
                bad.append(href)
                continue
            target = urllib.parse.unquote(parsed.path)
            if not os.path.exists(target):
                bad.append(href)
            elif parsed.fragment and os.path.abspath(target) == os.path.abspath(page):
                if not b.js(ID_JS, urllib.parse.unquote(parsed.fragment)):
                    bad.append(href)
        self.check(page, not bad, "links that do not resolve: %s" % ", ".join(bad[:10]))

    def verdict_colours(self, b, page):
        uncoloured = sorted({t for t, c in b.js(VERDICT_COLOURS_JS)
                             if c in ("rgba(0, 0, 0, 0)", "transparent")})
        self.check(page, not uncoloured, "verdicts without a colour: %s" % uncoloured)


def shoot(b, shots, name, selector=None):
    """A viewport screenshot, at the top or with selector scrolled into view."""
    if selector and not b.js(SCROLL_JS, selector):
        return
    if not selector:
        b.js("window.scrollTo(0, 0);")
    b.screenshot(os.path.join(shots, name))


def check_index(b, c, pages, shots, docs):
    page = os.path.join(pages, "index.html")
    c.check(page, os.path.exists(page), "missing")
    if not os.path.exists(page):
        return
    b.open(page)
    nimg = c.images(b, page)
    c.links(b, page)
    c.verdict_colours(b, page)
    c.check(page, b.js(COUNT_JS, "section.paper") == len(docs),
            "expected one section per document (%d)" % len(docs))
    c.check(page, nimg > 0, "no figure thumbnails")
    height = min(b.js("return document.documentElement.scrollHeight;"), 12000)
    b.resize(height)
    shoot(b, shots, "index.png")
    b.resize(HEIGHT)


def check_doc(b, c, pages, shots, doc):
    name = os.path.splitext(os.path.basename(doc))[0]
    page = os.path.join(pages, name + ".html")
    c.check(page, os.path.exists(page), "missing")
    if not os.path.exists(page):
        return
    b.open(page)
    c.images(b, page)
    c.links(b, page)
    c.verdict_colours(b, page)
    nmath = b.js(COUNT_JS, "math")
    if has_math(doc):
        c.check(page, nmath > 0, "the document has $...$ math but the page has no MathML")
    c.check(page, b.js(COUNT_JS, "nav#TOC") == 1, "no table of contents")
    rows, claims = b.js(COUNT_JS, "table.claims tbody tr"), claim_count(doc)
    c.check(page, rows == claims, "claim table has %d rows, the document %d claims"
            % (rows, claims))
    shoot(b, shots, name + "-top.png")
    shoot(b, shots, name + "-figure.png", "figure.lindyn")
    shoot(b, shots, name + "-math.png", "p math")
    shoot(b, shots, name + "-claims.png", "table.claims")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", required=True, help="directory of index.html and the pages")
    ap.add_argument("--shots", required=True, help="directory for the screenshots")
    ap.add_argument("docs", nargs="+", help="the documents the pages were woven from")
    args = ap.parse_args()
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.access(tool, os.X_OK):
            sys.exit("browse: %s is missing (Debian packages chromium, chromium-driver)" % tool)
    os.makedirs(args.shots, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("browse: terminated"))
    profile = tempfile.mkdtemp(prefix="lindyn-browse-")
    b = None
    c = Checker()
    try:
        b = Browser(profile)
        b.start()
        check_index(b, c, args.pages, args.shots, args.docs)
        for doc in args.docs:
            check_doc(b, c, args.pages, args.shots, doc)
    except (RuntimeError, OSError) as e:
        c.check("browser", False, str(e))
    finally:
        if b:
            b.close()
            time.sleep(0.5)
            left = profile_processes(profile)
            c.check("browser", not left, "Chromium processes left running: %s" % left)
        shutil.rmtree(profile, ignore_errors=True)
    print("browse: screenshots in %s" % args.shots)
    print("%d passed, %d failed" % (c.passed, c.failed))
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
