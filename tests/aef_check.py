#!/usr/bin/python3
"""Checks an AEF export (aef_actions.csv, aef_holdings.csv) against the
consistency rules public implementations of the Agreed Electronic Format
apply.

    tests/aef_check.py DIR

Exits 0 when every rule holds, 1 (printing each violation) otherwise.

No official UNFCCC checker or template for the format as revised at
CMA.6 could be obtained: decision 6/CMA.4 (FCCC/PA/CMA/2022/10/Add.2,
paragraph 29) points Parties to the pre-consistency check function of
the centralized accounting and reporting platform, whose checks it does
not list.  docs/portfolio.md ("Where the rules come from") gives each
rule's source.  Most are those of two public implementations, as read
for this project (their code is not copied):

  - the UNDP national carbon registry fork's AEF library
    (xeptagondev/carbon-registry-undp, backend/services/libs/aef-v2):
    field labels and order of Tables 3 and 4, controlled values of the
    common nomenclatures of 17 February 2026, the conditional fields
    (reported "NA" where they do not apply), CARP-populated fields left
    empty, and cross-record checks (first <= last, no overlapping
    holdings in one registry, a block used is not still held at
    31 December, an action and an overlapping holding agree on
    cooperative approach, first transferring Party, metric, mitigation
    type and vintage);
  - an AEF syntax checker (AEFSyntaxCheck.py): the ITMO unique identifier
    "as per 6/CMA.4 annex I para. 5",
    CA\\d{4}-[A-Z]{3}\\d{2}-[A-Z]{3}-<serial>-\\d{4}.

The action date falls in the reported year: the secretariat's Article
6.2 submissions FAQ has a Party report each action in the year it
occurred, whatever the vintage.

Added here because they follow from the same definitions: the
identifier's parts agree with the row; a block's quantity is
last - first + 1; every first transfer is acquired
by the acquiring Party and every use is of units the user acquired no
later; and the holdings at each 31 December are exactly what the actions
leave (a host from its authorization or first transfer until the
acquisition, a buyer from its acquisition until its use).

Not checkable without Table 2 (Authorizations), which mrv does not
write: that each Authorization ID exists there.  Checked instead: one
Authorization ID per block.
"""
import csv
import re
import sys

ACTIONS = [
    "Action date", "Action type", "Action subtype", "Cooperative approach ID",
    "Authorization ID", "First transferring participating Party ID",
    "Party ITMO registry ID", "First ID", "Last ID",
    "Underlying unit registry ID", "First unit ID", "Last unit ID", "Metric",
    "Applicable GWP value(s)", "Applicable non-GHG metric",
    "Quantity (t CO2 eq)", "Quantity (in non-GHG metric)", "Mitigation type",
    "Vintage", "Transferring participating Party ID",
    "Acquiring participating Party ID",
    "Purpose for which the ITMO has been used towards or cancelled for OIMP",
    "Using/cancelling participating Party ID",
    "Using/cancelling authorized entity ID",
    "Calendar year for which the ITMOs are used towards the Party's NDC",
    "Result of the consistency checks", "Additional explanatory information",
]
HOLDINGS = [
    "Cooperative approach ID", "Authorization ID",
    "First transferring participating Party ID", "Party ITMO registry ID",
    "First ID", "Last ID", "Underlying unit registry ID", "First unit ID",
    "Last unit ID", "Metric", "Applicable GWP value(s)",
    "Applicable non-GHG metric", "Quantity (t CO2 eq)",
    "Quantity (in non-GHG metric)", "Mitigation type", "Vintage",
]
ACTION_TYPES = ["Authorization", "First transfer", "Transfer", "Acquisition",
                "Use", "Cancellation", "Voluntary Cancellation"]
SUBTYPES = {
    "First transfer": ["First transfer to another Party", "Authorization",
                       "Issuance", "Use or cancellation",
                       "Mandatory cancellation to deliver OMGE",
                       "Voluntary cancellation to deliver OMGE",
                       "Other cancellations", "Not yet defined"],
    "Transfer": ["Mandatory transfer to the Adaptation Fund (A6.4 ERs)",
                 "Voluntary transfer to the Adaptation Fund (A6.4 ERs)",
                 "Not yet defined"],
    "Cancellation": ["Mandatory cancellation to deliver OMGE",
                     "Voluntary cancellation to deliver OMGE",
                     "Other cancellations", "Not yet defined"],
}
SUBTYPES["Voluntary Cancellation"] = SUBTYPES["Cancellation"]
METRICS = ["GHG", "non-GHG"]
MITIGATION = ["Emission reductions", "Removals",
              "Emission reductions and removals"]
PURPOSES = ["NDC", "OIMP", "IMP", "OP", "NDC and OIMP", "NDC and IMP",
            "NDC and OP"]
UNDERLYING = ["VCS", "GS", "CAR", "ACR", "ART", "GCC", "Cercarbono",
              "Isometric", "ISFL", "FCPF", "T-VER", "JCM"]
PARTY = re.compile(r"^[A-Z]{3}$")
CA = re.compile(r"^CA\d{4}$")
REGISTRY = re.compile(r"^[A-Z]{3}\d{2}$")
AUTH = re.compile(r"^[A-Za-z0-9 -]+$")
YEAR = re.compile(r"^\d{4}$")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ITMO = re.compile(
    r"^(CA\d{4})-([A-Z]{3}\d{2})-([A-Z]{3})-([1-9]\d{0,2}(?:\d*|(?:,\d{3})*))-(\d{4})$")

problems = []


def bad(where, msg):
    problems.append("%s: %s" % (where, msg))


def read(path, fields):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    want = ["Party", "Reported year"] + fields
    if not rows or rows[0] != want:
        bad(path, "header is not Party, Reported year and the table's "
            "fields in order")
        return []
    return [dict(zip(want, r)) | {"_line": i + 2} for i, r in
            enumerate(rows[1:]) if len(r) == len(want) or
            bad("%s:%d" % (path, i + 2), "%d fields, want %d" %
                (len(r), len(want)))]


def block(where, r):
    """The ITMO block of a row: (prefix, first serial, last serial)."""
    a, b = ITMO.match(r["First ID"]), ITMO.match(r["Last ID"])
    if not a or not b:
        bad(where, "First ID or Last ID is not an ITMO unique identifier")
        return None
    if a.group(1, 2, 3, 5) != b.group(1, 2, 3, 5):
        bad(where, "First ID and Last ID are not of one block")
        return None
    s0 = int(a.group(4).replace(",", ""))
    s1 = int(b.group(4).replace(",", ""))
    if s0 > s1:
        bad(where, "First ID comes after Last ID")
    if a.group(1) != r["Cooperative approach ID"]:
        bad(where, "the ID's cooperative approach differs from the row's")
    if a.group(3) != r["First transferring participating Party ID"]:
        bad(where, "the ID's first transferring Party differs from the row's")
    if a.group(5) != r["Vintage"]:
        bad(where, "the ID's vintage differs from the row's")
    q = r["Quantity (t CO2 eq)"]
    if not re.match(r"^[1-9]\d*$", q) or int(q) != s1 - s0 + 1:
        bad(where, "the quantity is not last - first + 1")
    return (a.group(1, 2, 3, 5), s0, s1)


def common(where, r):
    if not PARTY.match(r["Party"]):
        bad(where, "Party is not ISO 3166-1 alpha-3")
    if not YEAR.match(r["Reported year"]):
        bad(where, "Reported year is not a year")
    if not CA.match(r["Cooperative approach ID"]):
        bad(where, "Cooperative approach ID is not CAnnnn")
    if not AUTH.match(r["Authorization ID"]):
        bad(where, "Authorization ID has characters outside A-Z, 0-9, "
            "space and '-'")
    if not PARTY.match(r["First transferring participating Party ID"]):
        bad(where, "First transferring Party is not alpha-3")
    reg = r["Party ITMO registry ID"]
    if not REGISTRY.match(reg) or reg[:3] != r["Party"]:
        bad(where, "Party ITMO registry ID is not the Party's code and two "
            "digits")
    u = r["Underlying unit registry ID"]
    if u != "NA" and u not in UNDERLYING:
        bad(where, "Underlying unit registry ID not in the nomenclature")
    if u == "NA" and (r["First unit ID"], r["Last unit ID"]) != ("NA", "NA"):
        bad(where, "unit IDs without an underlying registry")
    if r["Metric"] not in METRICS:
        bad(where, "Metric not in the nomenclature")
    if r["Metric"] == "GHG" and (r["Applicable non-GHG metric"],
                                 r["Quantity (in non-GHG metric)"]) != \
            ("NA", "NA"):
        bad(where, "non-GHG fields must be NA for a GHG metric")
    if r["Mitigation type"] not in MITIGATION:
        bad(where, "Mitigation type not in the nomenclature")
    if not YEAR.match(r["Vintage"]):
        bad(where, "Vintage is not a year")


def check_action(where, r):
    common(where, r)
    t = r["Action type"]
    if t not in ACTION_TYPES:
        bad(where, "Action type not in the nomenclature")
    st = r["Action subtype"]
    if st != "NA" and st not in SUBTYPES.get(t, []):
        bad(where, "Action subtype not allowed for " + t)
    m = DATE.match(r["Action date"])
    if not m:
        bad(where, "Action date is not ISO 8601 UTC yyyy-mm-ddThh:mm:ss.sssZ")
    elif m.group(1) != r["Reported year"]:
        bad(where, "Action date outside the reported year")
    want = {
        "Transferring participating Party ID": t == "Acquisition",
        "Acquiring participating Party ID": t in ("First transfer", "Transfer"),
        "Using/cancelling participating Party ID":
            t in ("Use", "First transfer", "Cancellation",
                  "Voluntary Cancellation"),
    }
    for k, applies in want.items():
        v = r[k]
        if applies and not PARTY.match(v):
            bad(where, k + " must be a Party code for " + t)
        if not applies and v != "NA":
            bad(where, k + " must be NA for " + t)
    p = r["Purpose for which the ITMO has been used towards or cancelled for "
          "OIMP"]
    use_like = t in ("Use", "First transfer", "Cancellation",
                     "Voluntary Cancellation")
    if use_like and p not in PURPOSES and p != "NA":
        bad(where, "purpose not in the nomenclature")
    if not use_like and p != "NA":
        bad(where, "purpose must be NA for " + t)
    if not use_like and r["Using/cancelling authorized entity ID"] != "NA":
        bad(where, "using entity must be NA for " + t)
    y = r["Calendar year for which the ITMOs are used towards the Party's NDC"]
    if t == "Use" and not YEAR.match(y):
        bad(where, "a Use needs its calendar year")
    if t != "Use" and y != "NA":
        bad(where, "calendar year must be NA for " + t)
    if r["Result of the consistency checks"] != "":
        bad(where, "the CARP-populated field must be empty")


def overlaps(a, b):
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def main(d):
    acts = read(d + "/aef_actions.csv", ACTIONS)
    holds = read(d + "/aef_holdings.csv", HOLDINGS)
    A = []
    for r in acts:
        w = "aef_actions.csv:%d" % r["_line"]
        check_action(w, r)
        b = block(w, r)
        if b:
            A.append((r, b, w))
    H = []
    for r in holds:
        w = "aef_holdings.csv:%d" % r["_line"]
        common(w, r)
        b = block(w, r)
        if b:
            H.append((r, b, w))
    # One Authorization ID per block.
    auth = {}
    for r, b, w in A + H:
        if auth.setdefault(b, r["Authorization ID"]) != r["Authorization ID"]:
            bad(w, "a block with two Authorization IDs")
    # No overlapping holdings in one registry at one 31 December.
    by_snap = {}
    for r, b, w in H:
        key = (r["Reported year"], r["Party ITMO registry ID"])
        for b2, w2 in by_snap.get(key, []):
            if overlaps(b, b2):
                bad(w, "overlaps the holding of " + w2)
        by_snap.setdefault(key, []).append((b, w))
    # An action and an overlapping holding agree.
    same = ["Cooperative approach ID",
            "First transferring participating Party ID", "Metric",
            "Mitigation type", "Vintage"]
    for r, b, w in H:
        for ra, ba, wa in A:
            if overlaps(b, ba) and any(r[k] != ra[k] for k in same):
                bad(w, "disagrees with the overlapping action " + wa)
    # Flows: each first transfer acquired, each use of acquired units.
    def events(kind, party_field="Party"):
        out = {}
        for r, b, w in A:
            if r["Action type"] == kind:
                out.setdefault(b, []).append((r, w))
        return out
    first = events("First transfer")
    acq = events("Acquisition")
    use = events("Use")
    auths = events("Authorization")
    for b, lst in first.items():
        for r, w in lst:
            got = [x for x, _ in acq.get(b, [])
                   if x["Party"] == r["Acquiring participating Party ID"] and
                   x["Transferring participating Party ID"] == r["Party"] and
                   int(x["Reported year"]) >= int(r["Reported year"])]
            if len(got) != 1:
                bad(w, "first transferred, but not acquired once by the "
                    "acquiring Party in that year or later")
    for b, lst in use.items():
        for r, w in lst:
            got = [x for x, _ in acq.get(b, [])
                   if x["Party"] == r["Party"] and
                   int(x["Reported year"]) <= int(r["Reported year"])]
            if len(got) != 1:
                bad(w, "used, but not acquired by the user by then")
    # Holdings: exactly what the actions leave at each 31 December.
    want = set()
    years = [int(r["Reported year"]) for r, _, _ in A]
    for b, lst in first.items():
        host = lst[0][0]["Party"]
        start = int(lst[0][0]["Reported year"])
        if b in auths:
            start = min(start, int(auths[b][0][0]["Reported year"]))
        a = acq.get(b)
        u = use.get(b)
        if not a or not u:
            continue
        buyer = a[0][0]["Party"]
        ya, yu = int(a[0][0]["Reported year"]), int(u[0][0]["Reported year"])
        for y in range(min(years), max(years) + 1):
            if start <= y < ya:
                want.add((host, y, b))
            if ya <= y < yu:
                want.add((buyer, y, b))
    got = {(r["Party"], int(r["Reported year"]), b) for r, b, _ in H}
    for x in sorted(want - got):
        bad("aef_holdings.csv", "missing: %s holds %s %d-%d at 31 Dec %d" %
            (x[0], "-".join(x[2][0]), x[2][1], x[2][2], x[1]))
    for x in sorted(got - want):
        bad("aef_holdings.csv", "%s does not hold %s %d-%d at 31 Dec %d" %
            (x[0], "-".join(x[2][0]), x[2][1], x[2][2], x[1]))
    # A block used is not still held by its user at 31 December.
    for b, lst in use.items():
        for r, w in lst:
            for rh, bh, wh in H:
                if (rh["Party"] == r["Party"] and overlaps(b, bh) and
                        int(rh["Reported year"]) >= int(r["Reported year"])):
                    bad(wh, "held after its use (" + w + ")")
    for p in problems:
        print(p)
    print("aef_check: %d actions, %d holdings, %d problems" %
          (len(acts), len(holds), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: tests/aef_check.py DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
