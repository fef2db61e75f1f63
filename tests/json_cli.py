#!/usr/bin/python3
"""What 'mrv COMMAND --json' prints, parsed and checked; and progress.

    tests/json_cli.py path/to/mrv TMPDIR

Run from the repository's root.  Each command is run with --json; its
stdout must be exactly one JSON document (json.loads of the whole of
it), with the envelope of docs/cli.md ("mrv", "command", "ok",
"exit_status" equal to the process's, "diagnostics") and key values of
its own members held to the files the run wrote or to numbers derived
beside them.  Errors in --json mode: stderr keeps FILE:LINE:COL, the
exit status stays 2, and the document lists the same diagnostics.
Progress: shown on stderr under a pseudo-terminal (python3 pty), never
when stderr is a pipe, never on stdout.

Prints one line per check; exits 1 at the first failure.
"""
import csv
import json
import os
import pty
import re
import select
import subprocess
import sys
import threading

MRV = sys.argv[1] if len(sys.argv) > 1 else "build/mrv"
TMP = sys.argv[2] if len(sys.argv) > 2 else "/tmp"
VERSION = None
n_ok = 0


class Failure(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Failure(what)


def mrv(*args):
    p = subprocess.run([MRV] + list(args), capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def document(args, rc_want):
    """Runs mrv ARGS --json: one document on stdout, the exit status."""
    rc, out, err = mrv(*args, "--json")
    need(rc == rc_want, "%s: exit %d, want %d (%s)" % (args, rc, rc_want,
                                                      err.strip()))
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise Failure("%s: stdout is not one JSON document: %s\n%s" %
                      (args, e, out[:400]))
    need(isinstance(doc, dict), "%s: not an object" % (args,))
    need(doc["mrv"] == VERSION, "%s: mrv %r" % (args, doc["mrv"]))
    need(doc["command"] == args[0], "%s: command %r" % (args, doc["command"]))
    need(doc["exit_status"] == rc and doc["ok"] == (rc == 0),
         "%s: ok/exit_status %r/%r" % (args, doc["ok"], doc["exit_status"]))
    need(isinstance(doc["diagnostics"], list), "%s: diagnostics" % (args,))
    # stderr says what the document says, line for line (FILE:LINE:COL).
    lines = [l for l in err.splitlines() if re.match(r"^\S+: (error|warning|note): ", l)]
    need(len(lines) == len(doc["diagnostics"]),
         "%s: %d diagnostics on stderr, %d in the document" %
         (args, len(lines), len(doc["diagnostics"])))
    for line, d in zip(lines, doc["diagnostics"]):
        where = d["file"] if d["file"] else "mrv"
        if d["line"]:
            where += ":%d:%d" % (d["line"], d["column"])
        need(line == "%s: %s: %s" % (where, d["severity"], d["message"]),
             "%s: stderr %r, document %r" % (args, line, d))
    return doc, err


def ok(what):
    global n_ok
    n_ok += 1
    print("ok   " + what)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def check_run():
    out = os.path.join(TMP, "run")
    doc, _ = document(["run", "data/projects/cambodia-emotorcycles.yaml",
                       "--out", out], 0)
    need(doc["out"] == out, "run: out %r" % doc["out"])
    need(doc["files"] == sorted(os.listdir(out), key=doc["files"].index),
         "run: files %r, folder holds %r" % (doc["files"], os.listdir(out)))
    need(set(doc["files"]) == set(os.listdir(out)), "run: files")
    with open(os.path.join(out, "report.json")) as f:
        need(json.load(f) == doc["report"],
             "run: the document's report is not report.json")
    # The total reductions: vintages.csv's total row, to the bit.
    rows = read_csv(os.path.join(out, "vintages.csv"))
    tot = [r for r in rows if r[0] == "total" and r[1] == "reductions"][0]
    need(doc["report"]["total"]["reductions"]["central"] == float(tot[2]),
         "run: total reductions")
    # The example's crediting period and expected volume (README: about
    # 680,000 tCO2e over 2025-2034).
    cp = doc["report"]["crediting_period"]
    need((cp["first"], cp["last"]) == (2025, 2034), "run: period %r" % cp)
    need(600000 < float(tot[2]) < 760000, "run: total %s" % tot[2])
    ok("run --json: report.json, files, totals")


def check_allocate():
    out = os.path.join(TMP, "alloc")
    doc, _ = document(["allocate", "data/projects/ulaanbaatar-landfill.yaml",
                       "--out", out, "--draws", "400",
                       "--sweep", "split.buyer_share=0.4:0.6:0.1",
                       "--sweep", "deductions.omge.rate=0.02:0.04:0.02"], 0)
    led = doc["report"]["ledger"]
    rows = read_csv(os.path.join(out, "ledger.csv"))
    total = dict(zip(rows[0], [r for r in rows if r[0] == "total"][0]))
    need(led["total"]["buyer"] == int(total["buyer"]) and
         led["total"]["issued"] == int(total["issued"]),
         "allocate: ledger totals")
    sw = doc["sweep"]
    need(sw["keys"] == ["split.buyer_share", "deductions.omge.rate"],
         "allocate: sweep keys %r" % sw["keys"])
    # 3 shares x 2 rates, the second key fastest (docs/outputs.md).
    vals = [(r["values"]["split.buyer_share"], r["values"]["deductions.omge.rate"])
            for r in sw["rows"]]
    need(vals == [(0.4, 0.02), (0.4, 0.04), (0.5, 0.02), (0.5, 0.04),
                  (0.6, 0.02), (0.6, 0.04)], "allocate: sweep grid %r" % vals)
    csvrows = read_csv(os.path.join(out, "sweep.csv"))
    for r, c in zip(sw["rows"], csvrows[1:]):
        cr = dict(zip(csvrows[0], c))
        need(r["issued"] == int(cr["issued"]) and
             r["buyer"] == int(cr["buyer"]) and r["host"] == int(cr["host"]),
             "allocate: sweep row %r against sweep.csv %r" % (r, cr))
        # Every issued unit goes somewhere (the deductions move units).
        need(r["issued"] == r["sop"] + r["omge"] + r["host"] + r["buyer"],
             "allocate: sweep row does not conserve: %r" % r)
        need(r["buyer_receives"]["p05"] <= r["buyer_receives"]["p50"]
             <= r["buyer_receives"]["p95"], "allocate: spread %r" % r)
    ok("allocate --json: ledger, sweep grid against sweep.csv")
    # Without an allocation: exit 2, the error in the document.
    doc, err = document(["allocate", "tests/cli/lognormal.yaml", "--out",
                         os.path.join(TMP, "noalloc")], 2)
    need(doc["ok"] is False and "report" not in doc, "allocate: no report")
    need(doc["diagnostics"][0]["message"] ==
         "the project has no 'allocation' to allocate",
         "allocate: %r" % doc["diagnostics"])
    ok("allocate --json without an allocation: exit 2 and the error")


def check_check():
    doc, _ = document(["check", "methodologies/emotorcycles.yaml",
                       "data/projects/cambodia-emotorcycles.yaml"], 0)
    need(doc["files"] == [
        {"path": "methodologies/emotorcycles.yaml", "ok": True},
        {"path": "data/projects/cambodia-emotorcycles.yaml", "ok": True}],
        "check: files %r" % doc["files"])
    ok("check --json: every file ok")
    bad = os.path.join(TMP, "bad.yaml")
    with open("data/projects/cambodia-emotorcycles.yaml") as f:
        text = f.read()
    # A project whose crediting period ends before it starts.
    text = re.sub(r"last: 2034", "last: 2020", text, count=1)
    need("last: 2020" in text, "check: could not make the bad project")
    with open(bad, "w") as f:
        f.write(text)
    doc, err = document(["check", "methodologies/emotorcycles.yaml", bad], 2)
    need(doc["files"] == [
        {"path": "methodologies/emotorcycles.yaml", "ok": True},
        {"path": bad, "ok": False}], "check: files %r" % doc["files"])
    e = doc["diagnostics"][0]
    need(e["severity"] == "error" and e["file"] == bad and e["line"] > 0 and
         e["column"] > 0, "check: the error %r" % e)
    need(re.search(r"^%s:%d:%d: error: " % (re.escape(bad), e["line"],
                                             e["column"]), err, re.M),
         "check: stderr lacks FILE:LINE:COL: %r" % err)
    ok("check --json with an error: exit 2, FILE:LINE:COL on stderr and in "
       "the document")


def check_portfolio():
    pf = "data/portfolios/korea-2030.yaml"
    out = os.path.join(TMP, "pf")
    doc, _ = document(["portfolio", pf, "--draws", "2000", "--out", out], 0)
    need(doc["out"] == out and doc["files"] == [
        "portfolio.csv", "targets.csv", "contributions.csv", "ndc.csv",
        "shared.csv", "aef_actions.csv", "aef_holdings.csv", "report.json",
        "report.html"], "portfolio: out/files %r" % doc)
    with open(os.path.join(out, "report.json")) as f:
        need(doc["report"] == json.load(f),
             "portfolio: the document's report is not report.json")
    kor = [p for p in doc["report"]["parties"] if p["code"] == "KOR"][0]
    rows = read_csv(os.path.join(out, "targets.csv"))
    row = dict(zip(rows[0], rows[1]))
    need(row["party"] == "KOR" and
         float(row["probability"]) == kor["target"]["probability"] and
         float(row["counted_central"]) == kor["target"]["counted"]["central"],
         "portfolio: targets.csv %r, report %r" % (row, kor["target"]))
    ok("portfolio --json: out, files, report.json as the document's report")
    rc, text, _ = mrv("portfolio", pf, "--list")
    doc, _ = document(["portfolio", pf, "--list"], 0)
    need(rc == 0 and ["%s %s" % (p["id"], p["file"]) for p in
                      doc["projects"]] == text.splitlines() and
         len(doc["projects"]) == 7, "portfolio --list: %r" % doc)
    ok("portfolio --list --json: the job list's ids and files")
    bad = "tests/bad/pf-flows.yaml"
    doc, err = document(["portfolio", bad, "--out", out], 2)
    need("report" not in doc and doc["diagnostics"][0]["line"] == 7,
         "portfolio: %r" % doc)
    ok("portfolio --json of a bad portfolio: exit 2 and the errors")
    # check reads a portfolio file and finds what the run finds first.
    cdoc, _ = document(["check", pf, bad], 2)
    need(cdoc["files"] == [{"path": pf, "ok": True},
                           {"path": bad, "ok": False}] and
         cdoc["diagnostics"] == doc["diagnostics"],
         "check of portfolios: %r" % cdoc)
    ok("check --json of portfolios: the run's diagnostics, nothing run")


def check_explain():
    doc, _ = document(["explain", "data/projects/cambodia-emotorcycles.yaml",
                       "ER", "--vintage", "2027"], 0)
    x = doc["explanation"]
    need(x["kind"] == "equation" and x["vintage"] == 2027 and
         x["project"] == "cambodia-emotorcycles", "explain: %r" % x)
    root = x["nodes"][0]
    # The reductions under the Type III limit: a programme, each CPA
    # capped at SSC_LIMIT, none of them over it in 2027.
    need(root["label"] == "ER[2027]" and root["results"] == ["reductions"] and
         "SSC_ROUTE" in root["formula"], "explain: root %r" % root)
    # The very number report.json has for ER in 2027.
    rep = json.load(open(os.path.join(TMP, "run", "report.json")))
    er = [e for e in rep["equations"] if e["name"] == "ER"][0]
    need(er["central"]["2027"] == root["value"],
         "explain: ER %r, report.json %r" % (root["value"],
                                             er["central"]["2027"]))
    # Every equation read and expanded has a node of its own.
    labels = {n["label"] for n in x["nodes"]}
    for n in x["nodes"]:
        for r in n["reads"]:
            if r["kind"] == "equation" and r["expanded"]:
                need(r["label"] in labels, "explain: no node for %s" % r)
            if r["kind"] == "parameter":
                need(r["provenance"], "explain: %s has no provenance" % r)
    # Before the limit: ER_UNCAPPED = BE - PE - LE, from the values it read,
    # equal to ER since no CPA reaches the limit in 2027.
    doc, _ = document(["explain", "data/projects/cambodia-emotorcycles.yaml",
                       "ER_UNCAPPED", "--vintage", "2027"], 0)
    u = doc["explanation"]["nodes"][0]
    need(u["formula"] == "BE - PE - LE", "explain: %r" % u)
    reads = {r["name"]: r["value"] for r in u["reads"]}
    need(u["value"] == reads["BE"] - reads["PE"] - reads["LE"],
         "explain: ER_UNCAPPED %r from %r" % (u["value"], reads))
    need(abs(u["value"] - root["value"]) <= 1e-9 * abs(u["value"]),
         "explain: ER %r, uncapped %r" % (root["value"], u["value"]))
    ok("explain --json: nodes, values, reads, the report's number")
    doc, _ = document(["explain", "data/projects/ulaanbaatar-landfill.yaml",
                       "DOC"], 0)
    p = doc["explanation"]["parameter"]
    els = {e["members"]["waste"]: e["value"] for e in p["elements"]}
    # The TOOL04 defaults the project refers to (data/factors).
    need(els["food"] == 0.15 and els["paper"] == 0.4 and els["inert"] == 0,
         "explain: DOC %r" % els)
    ok("explain --json of a parameter: elements and values")
    # Over two dimensions (tests/cli/grid.yaml, tests/cli/DERIVATION.md):
    # G in 2025 site by site, coal then gas; B's 210 elements, 100 I + J
    # at rI, cJ, the first 200 listed row by row and 10 counted.
    doc, _ = document(["explain", "tests/cli/grid.yaml", "G", "--vintage",
                       "2025"], 0)
    p = doc["explanation"]["parameter"]
    got = [(e["label"], e["members"], e["value"]) for e in p["elements"]]
    want = [("G[2025, %s, %s]" % (s, f), {"site": s, "fuel": f}, v)
            for (s, f, v) in [("north", "coal", 11), ("north", "gas", 21),
                              ("south", "coal", 31), ("south", "gas", 41),
                              ("west", "coal", 51), ("west", "gas", 61)]]
    need(got == want and p["more"] == 0, "explain: G %r, more %r" %
         (got, p["more"]))
    doc, _ = document(["explain", "tests/cli/grid.yaml", "B"], 0)
    p = doc["explanation"]["parameter"]
    want = [("B[r%02d, c%02d]" % (i, j), 100 * i + j)
            for i in range(1, 16) for j in range(1, 15)][:200]
    got = [(e["label"], e["value"]) for e in p["elements"]]
    need(got == want and p["more"] == 10,
         "explain: B %r ... %r, more %r" % (got[:2], got[-2:], p["more"]))
    ok("explain --json of a parameter over two dimensions, 200 listed")
    doc, err = document(["explain", "data/projects/ulaanbaatar-landfill.yaml",
                         "NOPE", "--vintage", "2027"], 2)
    need("did you mean" in doc["diagnostics"][0]["message"] and
         "explanation" not in doc, "explain: %r" % doc)
    ok("explain --json of an unknown name: exit 2 and the error")


def check_verify():
    rep = os.path.join(TMP, "run", "report.json")
    rc, out, _ = mrv("verify", rep)
    need(rc == 0 and out.startswith("verified: "), "verify: %r" % out)
    doc, _ = document(["verify", rep], 0)
    v = doc["verify"]
    need(v["identical"] is True and v["differences"] == 0 and
         v["inputs"] == 4 and v["verdict"] == out.splitlines()[0],
         "verify: %r" % v)
    ok("verify --json: identical, the same verdict as the text")
    # A tampered seed: every statistic of the draws differs.
    bad = os.path.join(TMP, "tampered.json")
    with open(rep) as f:
        text = f.read()
    text = re.sub(r'"seed": [0-9]+', '"seed": 7', text, count=1)
    with open(bad, "w") as f:
        f.write(text)
    rc, out, _ = mrv("verify", bad)
    lines = out.splitlines()
    need(rc == 1 and lines[0].startswith("verification failed: ") and
         all(not l.startswith("verification failed") for l in lines[1:]),
         "verify: the verdict is not first: %r" % lines[:3])
    doc, _ = document(["verify", bad], 1)
    v = doc["verify"]
    need(v["identical"] is False and v["verdict"] == lines[0] and
         v["differences"] == len(v["shown"]) + v["not_shown"] and
         len(v["shown"]) == 50 and v["shown"][0] == lines[1],
         "verify: %r" % {k: v[k] for k in v if k != "shown"})
    ok("verify prints its verdict first; --json: the differences")
    doc, err = document(["verify", os.path.join(TMP, "missing.json")], 2)
    need(doc["diagnostics"] and "verify" not in doc, "verify: %r" % doc)
    ok("verify --json of a missing report: exit 2 and the error")


def check_usage():
    doc, err = document(["run", "--draws", "lots"], 2)
    need(doc["diagnostics"] == [{
        "severity": "error", "file": None, "line": None, "column": None,
        "message": "--draws needs a whole number from 0 to 100000000, "
                   "not 'lots'"}], "usage: %r" % doc["diagnostics"])
    ok("a usage error with --json: exit 2 and the error")
    rc, out, err = mrv("units", "--json")
    need(rc == 2 and out == "" and "unknown option '--json'" in err,
         "units --json: %r" % err)
    ok("units takes no --json")


def slow_project():
    """A project whose Monte Carlo takes a few seconds: 2,000 members,
    each input drawn per member."""
    meth = os.path.join(TMP, "slow.meth.yaml")
    proj = os.path.join(TMP, "slow.yaml")
    with open(meth, "w") as f:
        f.write("methodology: slow\ntitle: slow\nversion: 1\n"
                "dimensions:\n  site: {description: sites}\n"
                "parameters:\n  X: {unit: t, over: [site]}\n"
                "equations:\n"
                "  BE: {unit: t, formula: \"sum(s in site: X[s])\"}\n"
                "  PE: {unit: t, formula: \"0 * BE\"}\n"
                "  LE: {unit: t, formula: \"0 * BE\"}\n"
                "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
                "results: {baseline: BE, project: PE, leakage: LE, "
                "reductions: ER}\n")
    sites = ["s%d" % i for i in range(2000)]
    with open(proj, "w") as f:
        f.write("project: slow\nmethodology: ./slow.meth.yaml\n"
                "crediting_period: {first: 2025, last: 2025}\n"
                "dimensions:\n  site: [%s]\n" % ", ".join(sites) +
                "parameters:\n  X:\n    value: 1\n"
                "    uncertainty: {dist: normal, sd: 0.1, relative: true}\n"
                "    vary: member\n"
                "monte_carlo: {draws: 100000, seed: 1}\n")
    return proj


def under_pty(args):
    """mrv ARGS with stderr on a pseudo-terminal: (status, stdout,
    what the terminal showed)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([MRV] + args, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    # stdout is read on its own thread: a document larger than the pipe
    # would otherwise block mrv while this loop waits for it to end.
    got = []
    reader = threading.Thread(target=lambda: got.append(p.stdout.read()))
    reader.start()
    shown = b""
    while True:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        elif p.poll() is not None:
            break
    reader.join()
    out = got[0]
    p.wait()
    os.close(master)
    return p.returncode, out.decode(), shown.decode()


def check_progress():
    proj = slow_project()
    pf = os.path.join(TMP, "slow-pf.yaml")
    with open(pf, "w") as f:
        f.write("portfolio: slow\nmonte_carlo: {draws: 100000, seed: 1}\n"
                "projects:\n  - project: slow.yaml\n    allocation: "
                "{host: KHM, buyer: KOR, split: {buyer_share: 0.5}}\n")
    args = ["run", proj, "--threads", "1", "--out", os.path.join(TMP, "slow")]
    rc, out, shown = under_pty(args)
    need(rc == 0, "progress: exit %d: %s" % (rc, shown))
    need(re.search(r"\rMonte Carlo: [0-9,]+ of 100,000 draws \([0-9]+ %\)",
                   shown), "progress: nothing on the terminal: %r" % shown)
    need("Monte Carlo:" not in out, "progress: on stdout")
    ok("progress on stderr when it is a terminal")
    rc, out, shown = under_pty(args + ["--json"])
    need(rc == 0 and "Monte Carlo:" in shown, "progress with --json")
    json.loads(out)
    ok("progress with --json: on the terminal, stdout one document")
    rc, out, shown = under_pty(args + ["--quiet"])
    need(rc == 0 and "Monte Carlo:" not in shown, "progress with --quiet")
    rc, out, err = mrv(*args)
    need(rc == 0 and "Monte Carlo:" not in err and "Monte Carlo:" not in out,
         "progress: shown on a pipe: %r" % err)
    ok("no progress with --quiet or when stderr is a pipe")
    # The portfolio's draws and a shard's show theirs the same way.
    for args in (["portfolio", pf, "--threads", "1", "--out",
                  os.path.join(TMP, "slow-pf")],
                 ["run", proj, "--portfolio", pf, "--threads", "1",
                  "--draws-out", os.path.join(TMP, "slow.mrvd")]):
        rc, out, shown = under_pty(args + ["--json"])
        need(rc == 0 and re.search(r"\rMonte Carlo: [0-9,]+ of 100,000 "
                                   r"draws", shown) and
             "Monte Carlo:" not in out, "progress: %s: %r" % (args[0], shown))
        json.loads(out)
        rc, out, shown = under_pty(args + ["--quiet"])
        need(rc == 0 and "Monte Carlo:" not in shown and out == "",
             "progress with --quiet: %s" % args[0])
        rc, out, err = mrv(*args)
        need(rc == 0 and "Monte Carlo:" not in err, "progress on a pipe")
    ok("progress of a portfolio and of a shard, not with --quiet or a pipe")


def main():
    global VERSION
    rc, out, _ = mrv("--version")
    VERSION = out.split()[1]
    try:
        check_run()
        check_allocate()
        check_check()
        check_portfolio()
        check_explain()
        check_verify()
        check_usage()
        check_progress()
    except Failure as e:
        print("FAIL json: %s" % e)
        sys.exit(1)
    print("json: %d checks passed" % n_ok)


if __name__ == "__main__":
    main()
