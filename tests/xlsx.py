#!/usr/bin/python3
"""Reads report.xlsx back and holds it to the run's other files.

    tests/xlsx.py OUTDIR...

Each OUTDIR is one run's output folder.  Its report.xlsx is opened with
openpyxl and checked against the CSVs and report.json written beside it:

  - the nine sheets, in order, each with a frozen header row and set
    column widths;
  - Vintages, Ledger, Serials and Adjustments against vintages.csv,
    ledger.csv, serials.csv and adjustments.csv: the same rows, the same
    headers (an xlsx header is the CSV's with its unit in parentheses),
    text equal, every number stored as a number and equal to the CSV's
    as libxlsxwriter stores it (16 significant digits: exactly
    float('%.16G' % csv)), within 1e-15 of it relatively; without an
    allocation the ledger sheets hold a note and nothing else;
  - Summary against report.json (project, methodology, settings) and the
    total rows of vintages.csv and ledger.csv;
  - Inputs, Factors and Provenance against report.json: every parameter
    of the methodology once (its "parameters" when report.json has them,
    else the methodology file's), with the origin report.json gives and,
    for a single plain number, the value written, each from a file
    report.json records;
    the factors with id, value, unit and source; the engine version,
    every input file with its role, path and SHA-256, the search path,
    the Monte Carlo settings;
  - Sensitivity: sensitivity.csv's header, and its rows when the run
    wrote one, else a note;
  - readable number formats on the tonnes.

Prints one line per folder; exits 1 on the first folder that fails.
"""
import csv
import json
import math
import os
import re
import sys

import openpyxl
import yaml

SHEETS = ["Summary", "Vintages", "Ledger", "Serials", "Adjustments",
          "Inputs", "Factors", "Sensitivity", "Provenance"]
SENSITIVITY_HEADER = ["vintage", "result", "input", "rank_correlation",
                      "variance_share"]
STATS = ["central", "mean", "sd", "lower", "median", "upper"]


class Failure(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Failure(what)


def stored(x):
    """The double libxlsxwriter stores for x: printed with %.16G."""
    return float("%.16G" % x)


def same_number(cell, text, where):
    """A cell holding the number the CSV field 'text' holds."""
    need(isinstance(cell, (int, float)) and not isinstance(cell, bool),
         "%s: %r is not stored as a number (CSV %s)" % (where, cell, text))
    want = float(text)
    need(float(cell) == stored(want),
         "%s: %r, want %r (CSV %s at 16 digits)" % (where, cell,
                                                    stored(want), text))
    need(want == 0 or abs(cell - want) <= 1e-15 * abs(want),
         "%s: %r is further than 1e-15 from %s" % (where, cell, text))


def same_cell(cell, text, where):
    """A CSV field against its cell: empty, a number, or text."""
    if text == "":
        need(cell is None, "%s: %r where the CSV is empty" % (where, cell))
    elif re.fullmatch(r"-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?", text):
        same_number(cell, text, where)
    else:
        need(cell == text, "%s: %r, want %r" % (where, cell, text))


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def bare(head):
    """An xlsx header without its unit: "issued (tCO2e)" -> "issued"."""
    return re.sub(r" \(.*\)$", "", head)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def same_table(ws, path, name):
    """A sheet holding the CSV at 'path' cell for cell."""
    want = read_csv(path)
    got = rows_of(ws)
    need([bare(h) for h in got[0]] == want[0],
         "%s: header %r, want %r" % (name, got[0], want[0]))
    need(len(got) == len(want),
         "%s: %d rows, want %d" % (name, len(got) - 1, len(want) - 1))
    for i in range(1, len(want)):
        row = got[i] + [None] * (len(want[0]) - len(got[i]))
        for k, text in enumerate(want[i]):
            same_cell(row[k], text, "%s row %d %s" % (name, i + 1, want[0][k]))


def only_note(ws, name):
    got = rows_of(ws)
    need(len(got) == 2 and isinstance(got[1][0], str)
         and all(c is None for c in got[1][1:]),
         "%s: should hold its header and one note, holds %r" % (name, got))


def check_layout(wb):
    need(wb.sheetnames == SHEETS, "sheets %r, want %r" % (wb.sheetnames,
                                                          SHEETS))
    for ws in wb.worksheets:
        need(ws.freeze_panes in ("A2", "C2"),
             "%s: header row not frozen (%r)" % (ws.title, ws.freeze_panes))
        need(all(c.value is not None and c.font.b for c in ws[1]),
             "%s: the header row is not bold text" % ws.title)
        for k in range(1, ws.max_column + 1):
            letter = openpyxl.utils.get_column_letter(k)
            dim = ws.column_dimensions.get(letter)
            need(dim is not None and dim.width and dim.width >= 6,
                 "%s: column %s has no width" % (ws.title, letter))


def check_formats(wb, has_ledger):
    v = wb["Vintages"]
    need(v["C2"].number_format == "#,##0.00",
         "Vintages: central formatted %r" % v["C2"].number_format)
    if has_ledger:
        l = wb["Ledger"]
        need(l["C2"].number_format == "#,##0",
             "Ledger: issued formatted %r" % l["C2"].number_format)
        need(l["B2"].number_format == "#,##0.0",
             "Ledger: estimate formatted %r" % l["B2"].number_format)


def check_summary(ws, out, rep, has_ledger):
    items = {}
    for row in rows_of(ws)[1:]:
        need(row[0] not in items, "Summary: %r twice" % row[0])
        items[row[0]] = row
    need(items["project"][1] == rep["project"]["id"], "Summary: project")
    # report.json writes a missing title or host as "".
    need((items["host"][1] or "") == rep["project"]["host"], "Summary: host")
    need(items["methodology"][1] == rep["methodology"]["id"],
         "Summary: methodology")
    need(items["kind"][1] == rep["methodology"]["kind"], "Summary: kind")
    cp = rep["crediting_period"]
    need(items["crediting period first"][1] == cp["first"] and
         items["crediting period last"][1] == cp["last"],
         "Summary: crediting period")
    mc = rep["monte_carlo"]
    need(items["draws"][1] == mc["draws"], "Summary: draws")
    need(items["seed"][1] == str(mc["seed"]), "Summary: seed")
    need(items["confidence"][1] == mc["confidence"], "Summary: confidence")
    need(items["sampling"][1] == mc["method"], "Summary: sampling")
    vint = read_csv(os.path.join(out, "vintages.csv"))
    head = vint[0]
    totals = [r for r in vint[1:] if r[0] == "total"]
    need(len(totals) == 4, "vintages.csv: %d total rows" % len(totals))
    for r in totals:
        for s in STATS:
            item = "total %s: %s" % (r[1], s)
            need(item in items, "Summary: no %r" % item)
            same_number(items[item][1], r[head.index(s)], "Summary " + item)
            need(items[item][2] == r[head.index("unit")],
                 "Summary %s: unit %r" % (item, items[item][2]))
    ledger_items = [k for k in items if k.startswith("ledger total: ")]
    if not has_ledger:
        need(not ledger_items, "Summary: ledger rows without an allocation")
        return
    led = read_csv(os.path.join(out, "ledger.csv"))
    total = [r for r in led[1:] if r[0] == "total"][0]
    need(len(ledger_items) == len(led[0]) - 1,
         "Summary: %d ledger rows, want %d" % (len(ledger_items),
                                               len(led[0]) - 1))
    for k, col in enumerate(led[0][1:], 1):
        item = "ledger total: " + col
        same_number(items[item][1], total[k], "Summary " + item)
    need(items["buyer receives"][1] == float(total[led[0].index("buyer")]),
         "Summary: buyer receives")


def check_inputs(ws, rep):
    rows = rows_of(ws)
    need(bare(rows[0][0]) == "parameter", "Inputs: header %r" % rows[0])
    names = [r[0] for r in rows[1:]]
    if "parameters" in rep:
        want = [p["name"] for p in rep["parameters"]]
    else:
        meth = [i["path"] for i in rep["inputs"] if i["role"] == "methodology"]
        need(len(meth) == 1, "report.json: %d methodologies" % len(meth))
        with open(meth[0]) as f:
            want = list(yaml.safe_load(f)["parameters"])
    need(sorted(names) == sorted(want),
         "Inputs: parameters %r, want %r" % (names, want))
    for p in rep.get("parameters", []):
        r = rows[1 + names.index(p["name"])]
        need(r[1] == p["from"], "Inputs %s: origin %r, want %r" % (
            p["name"], r[1], p["from"]))
        vals = p["values"]
        if len(vals) == 1 and not vals[0]["at"] and \
                re.fullmatch(r"-?[0-9.]+", vals[0]["written"]):
            same_number(r[2], vals[0]["written"], "Inputs %s" % p["name"])
    files = {i["path"] for i in rep["inputs"]}
    for r in rows[1:]:
        need(r[5] in files, "Inputs %s: file %r is not an input report.json "
             "records" % (r[0], r[5]))
        need(isinstance(r[6], int) and r[6] > 0,
             "Inputs %s: line %r" % (r[0], r[6]))
        need(r[8] in ("sourced", "assumption"),
             "Inputs %s: status %r" % (r[0], r[8]))
        need(r[8] == "assumption" or r[7], "Inputs %s: sourced without a "
             "source" % r[0])


def check_factors(ws, rep):
    rows = rows_of(ws)[1:]
    want = rep["factors"]
    if not want:
        need(len(rows) == 1 and rows[0][1] is None, "Factors: not a note")
        return
    need(len(rows) == len(want), "Factors: %d rows, want %d" % (len(rows),
                                                                 len(want)))
    for r, f in zip(rows, want):
        need(r[0] == f["id"] and r[2] == f["unit"] and r[3] == f["source"],
             "Factors: %r, want %r" % (r, f))
        need(isinstance(r[1], (int, float)) and r[1] == stored(f["value"]),
             "Factors %s: value %r, want %r" % (f["id"], r[1], f["value"]))


def check_provenance(ws, rep):
    rows = [tuple(r) for r in rows_of(ws)[1:]]
    need(("engine", "version", rep["engine"]["version"], None) in rows,
         "Provenance: engine version")
    inputs = [(r[1], r[2], r[3]) for r in rows if r[0] == "input"]
    want = [(i["role"], i["path"], i["sha256"]) for i in rep["inputs"]]
    need(inputs == want, "Provenance: inputs %r, want %r" % (inputs, want))
    for kind in ("methodologies", "factors"):
        got = [r[2] for r in rows if r[0] == "search" and r[1] == kind]
        need(got == rep["search"][kind], "Provenance: search %s" % kind)
    mc = {r[1]: r[2] for r in rows if r[0] == "monte_carlo"}
    want_mc = rep["monte_carlo"]
    need(mc["draws"] == want_mc["draws"] and
         mc["seed"] == str(want_mc["seed"]) and
         mc["confidence"] == want_mc["confidence"] and
         mc["method"] == want_mc["method"],
         "Provenance: Monte Carlo settings %r" % mc)
    need(("generator" in mc) == (want_mc["draws"] > 0) and
         mc.get("generator") == want_mc.get("generator"),
         "Provenance: generator")


def check_sensitivity(ws, out):
    rows = rows_of(ws)
    need(rows[0] == SENSITIVITY_HEADER, "Sensitivity: header %r" % rows[0])
    path = os.path.join(out, "sensitivity.csv")
    if len(read_csv(path)) > 1:
        same_table(ws, path, "Sensitivity")
        need(ws["E2"].number_format == "0.0%",
             "Sensitivity: variance share formatted %r" %
             ws["E2"].number_format)
    else:
        only_note(ws, "Sensitivity")


def check(out):
    wb = openpyxl.load_workbook(os.path.join(out, "report.xlsx"))
    with open(os.path.join(out, "report.json")) as f:
        rep = json.load(f)
    has_ledger = os.path.exists(os.path.join(out, "ledger.csv"))
    need(has_ledger == ("ledger" in rep), "ledger.csv and report.json")
    check_layout(wb)
    check_formats(wb, has_ledger)
    same_table(wb["Vintages"], os.path.join(out, "vintages.csv"), "Vintages")
    for sheet, name in (("Ledger", "ledger.csv"), ("Serials", "serials.csv"),
                        ("Adjustments", "adjustments.csv")):
        if has_ledger:
            same_table(wb[sheet], os.path.join(out, name), sheet)
        else:
            only_note(wb[sheet], sheet)
    check_summary(wb["Summary"], out, rep, has_ledger)
    check_inputs(wb["Inputs"], rep)
    check_factors(wb["Factors"], rep)
    check_provenance(wb["Provenance"], rep)
    check_sensitivity(wb["Sensitivity"], out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for out in sys.argv[1:]:
        try:
            check(out)
        except Failure as e:
            print("FAIL xlsx %s: %s" % (out, e))
            sys.exit(1)
        print("ok   %s" % out)


if __name__ == "__main__":
    main()
