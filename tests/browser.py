#!/usr/bin/python3
"""Renders report.html pages in headless Chromium and checks them.

    browser.py check PAGE.html...      every page at 1280 and 390 px
    browser.py shot PAGE.html WIDTH OUT.png [HEIGHT]
                                       a screenshot of the page's top
                                       HEIGHT px (default: all of it)

Chromium is driven through its DevTools protocol over a WebSocket
(python3-websockets, a Debian package), started with a fresh profile and
everything that would reach the network switched off.  For each page and
width the check fails on: any console message of level error or warning,
an uncaught exception or a failed load; a main column wider than the
window (horizontal overflow of the page); a chart missing (every chart
the run calls for, from its report.json: reductions, emissions, and with
an allocation the allocation and delivery charts, with sweep.csv the
sweep, for removals the carbon stock, with draws the sensitivity
tornado; on a portfolio's page each buyer's delivery-versus-target
chart), empty, or wider than the window; tornado labels under 12 px high;
and a chart label (SVG text) outside its chart's box, which would be cut
off.  Prints one line per page and width; exit status 1 on any failure.
"""
import asyncio
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websockets

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-debugging-port=0"]

# What the page knows about itself, measured by the browser.
MEASURE = r"""
(() => {
  const vw = window.innerWidth;
  const de = document.documentElement, body = document.body;
  const out = {vw: vw, page: de.scrollWidth, body: body.scrollWidth,
               bodyClient: body.clientWidth, charts: [], cut: []};
  for (const sec of document.querySelectorAll('section')) {
    const h = sec.querySelector('h2');
    for (const svg of sec.querySelectorAll('figure.chart > svg')) {
      const r = svg.getBoundingClientRect();
      const c = {title: h ? h.textContent : '', w: r.width,
                 h: r.height, right: r.right, left: r.left,
                 tornado: svg.parentElement.classList.contains('tornado'),
                 text: 1e9};
      out.charts.push(c);
      for (const t of svg.querySelectorAll('text')) {
        const b = t.getBoundingClientRect();
        if (b.width === 0) continue;
        c.text = Math.min(c.text, b.height);
        if (b.left < r.left - 1 || b.right > r.right + 1 ||
            b.top < r.top - 1 || b.bottom > r.bottom + 1)
          out.cut.push((h ? h.textContent : '') + ': ' + t.textContent);
      }
    }
  }
  return JSON.stringify(out);
})()
"""


class Chromium:
    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise RuntimeError("chromium is not installed")
        self.profile = tempfile.mkdtemp(prefix="mrv-chromium-")
        self.proc = subprocess.Popen(
            [exe, *FLAGS, "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or \
                len(open(port_file).read().split()) < 2:
            if time.time() > deadline or self.proc.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start")
            time.sleep(0.05)
        port, path = open(port_file).read().split()[:2]
        self.url = "ws://127.0.0.1:%s%s" % (port, path)
        self.next_id = 0

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Session:
    """One page target, attached in flat mode over the browser socket."""

    def __init__(self, ws):
        self.ws, self.sid, self.n, self.events = ws, None, 0, []

    async def send(self, method, params=None, session=True):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session and self.sid:
            msg["sessionId"] = self.sid
        await self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
            if reply.get("id") == self.n:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            self.events.append(reply)

    async def wait_event(self, name, timeout=60):
        for i, e in enumerate(self.events):
            if e.get("method") == name:
                del self.events[i]
                return e
        while True:
            e = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if e.get("method") == name:
                return e
            self.events.append(e)


async def open_page(browser):
    ws = await websockets.connect(browser.url, max_size=None)
    s = Session(ws)
    t = await s.send("Target.createTarget", {"url": "about:blank"}, False)
    a = await s.send("Target.attachToTarget",
                     {"targetId": t["targetId"], "flatten": True}, False)
    s.sid = a["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        await s.send(domain + ".enable")
    return s


async def load(s, page, width):
    await s.send("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1,
                  "mobile": width < 600})
    s.events.clear()
    nav = await s.send("Page.navigate",
                       {"url": "file://" + os.path.abspath(page)})
    if nav.get("errorText"):
        raise RuntimeError("load failed: " + nav["errorText"])
    await s.wait_event("Page.loadEventFired")


def problems_in_console(events):
    bad = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            bad.append("exception: " + json.dumps(p)[:200])
        elif m == "Runtime.consoleAPICalled" and \
                p.get("type") in ("error", "warning", "assert"):
            bad.append("console %s" % p.get("type"))
        elif m == "Log.entryAdded" and \
                p.get("entry", {}).get("level") in ("error", "warning"):
            bad.append("log: " + p["entry"].get("text", "")[:200])
    return bad


# The tornado's section, and the least height of its labels on screen:
# about an 11 px font, readable on a phone.
TORNADO = "Which inputs drive the uncertainty"
TORNADO_TEXT_PX = 12


def portfolio_charts(rep):
    """A portfolio's page: per buyer with a target, the delivery-versus-
    target chart under the target's heading (and the units on their own
    scale when the target dwarfs them)."""
    want = []
    for p in rep["parties"]:
        t = p.get("target")
        if not t:
            continue
        when = ("by %d" % t["by"] if "by" in t
                else "in %d\u2013%d" % tuple(t["period"]))
        want.append("%s: %s\u202ft %s" % (p["code"], format(t["volume"], ","),
                                           when))
    return want


def expected_charts(page):
    """The h2 titles of the charts this run must show."""
    d = os.path.dirname(os.path.abspath(page))
    rep = json.load(open(os.path.join(d, "report.json")))
    if "portfolio" in rep:
        return portfolio_charts(rep)
    removals = rep["methodology"]["kind"] == "removals"
    want = ["Net removals per vintage" if removals
            else "Reductions per vintage",
            "Baseline and actual removals per vintage" if removals
            else "Baseline and project emissions per vintage"]
    if removals:
        want.append("Cumulative carbon stock")
    if "ledger" in rep:
        want += ["Allocation per vintage",
                 "Delivery to " + rep["ledger"]["buyer"]]
        if os.path.exists(os.path.join(d, "sweep.csv")):
            want.append("Sweep of the agreement")
    sens = rep.get("sensitivity", {})
    if any(r["vintage"] == "total" for r in sens.get("results", [])):
        want.append(TORNADO)
    return want


async def check(pages):
    browser = Chromium()
    failed = 0
    try:
        s = await open_page(browser)
        for page in pages:
            want = expected_charts(page)
            for width in (1280, 390):
                await load(s, page, width)
                r = await s.send("Runtime.evaluate",
                                 {"expression": MEASURE,
                                  "returnByValue": True})
                m = json.loads(r["result"]["value"])
                bad = problems_in_console(s.events)
                if m["page"] > m["vw"]:
                    bad.append("page %d px wide in a %d px window"
                               % (m["page"], m["vw"]))
                if m["body"] > m["bodyClient"]:
                    bad.append("main column overflows: %d > %d px"
                               % (m["body"], m["bodyClient"]))
                have = {}
                for c in m["charts"]:
                    have.setdefault(c["title"], []).append(c)
                for title in want:
                    if title not in have:
                        bad.append("no chart '%s'" % title)
                for c in m["charts"]:
                    if c["w"] < 100 or c["h"] < 50:
                        bad.append("chart '%s' is %dx%d px"
                                   % (c["title"], c["w"], c["h"]))
                    if c["tornado"] and c["text"] < TORNADO_TEXT_PX:
                        bad.append("tornado labels %.1f px high"
                                   % c["text"])
                    if c["right"] > m["vw"] + 0.5 or c["left"] < -0.5:
                        bad.append("chart '%s' leaves the window"
                                   % c["title"])
                for t in m["cut"][:5]:
                    bad.append("label cut off: " + t)
                name = os.path.relpath(page)
                if bad:
                    failed += 1
                    print("FAIL %s at %d px:" % (name, width))
                    for b in bad:
                        print("  " + b)
                else:
                    print("ok   %s at %d px (%d charts)"
                          % (name, width, len(m["charts"])))
        await s.ws.close()
    finally:
        browser.close()
    return failed


async def shot(page, width, out, height):
    browser = Chromium()
    try:
        s = await open_page(browser)
        await load(s, page, width)
        opt = {"format": "png", "captureBeyondViewport": True}
        if height:
            opt["clip"] = {"x": 0, "y": 0, "width": width, "height": height,
                           "scale": 1}
        r = await s.send("Page.captureScreenshot", opt)
        with open(out, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        await s.ws.close()
    finally:
        browser.close()


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        failed = asyncio.run(check(argv[2:]))
        print("browser: %d of %d renderings passed"
              % (2 * len(argv[2:]) - failed, 2 * len(argv[2:])))
        return 1 if failed else 0
    if len(argv) in (5, 6) and argv[1] == "shot":
        asyncio.run(shot(argv[2], int(argv[3]), argv[4],
                         int(argv[5]) if len(argv) == 6 else 0))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
