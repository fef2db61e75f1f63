/*
** test_model.c -- the typed schemas of methodologies, projects and factor
** tables (model.c, schema.c).
**
** Table-driven: each bad document is paired with the position and a
** substring of an error it must produce (jq's %%FAIL idea); one file with
** many errors must report all of them, in order; good documents must come
** out with every field in place and values in the internal scale.
*/
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "model.h"

typedef fx_base fixture;

typedef enum { METH, PROJ, TABLE } kind;

static mrv_status load(fixture *fx, kind k, const char *text)
{
    const mrv_ydoc *doc = NULL;
    mrv_diag_reset(fx->diag);
    mrv_status st = mrv_yaml_load_string("t.yaml", text, strlen(text),
                                         fx->arena, &doc, fx->diag);
    if (st != MRV_OK) return st;
    if (k == METH) {
        const mrv_methodology *m = NULL;
        st = mrv_methodology_load(doc, fx->arena, &m, fx->diag);
        assert_true((st == MRV_OK) == (m != NULL));
    } else if (k == PROJ) {
        const mrv_project *p = NULL;
        st = mrv_project_load(doc, fx->arena, &p, fx->diag);
        assert_true((st == MRV_OK) == (p != NULL));
    } else {
        const mrv_table *t = NULL;
        st = mrv_table_load(doc, fx->arena, &t, fx->diag);
        assert_true((st == MRV_OK) == (t != NULL));
    }
    return st;
}

/* A methodology whose parameters and equations sections are given. */
#define METH_DOC(params, eqs)                                                  \
    "methodology: m\n"                  /* 1 */                                \
    "dimensions:\n"                     /* 2 */                                \
    "  fleet: {description: classes}\n" /* 3 */                                \
    "parameters:\n"                     /* 4 */                                \
        params                          /* 5 */                                \
    "equations:\n" eqs                                                         \
    "results: {baseline: E, project: E, leakage: E, reductions: E}\n"

#define EQ_E "  E: {unit: t, formula: \"0\"}\n"

static const struct {
    kind k;
    mrv_status st;
    const char *text;
    unsigned line, col;
    const char *msg;
} bad[] = {
    /* ---- methodologies ---- */
    {METH, MRV_ESCHEMA, "", 1, 1, "empty file: expected a methodology"},
    {METH, MRV_ESCHEMA, "- a\n- b\n", 1, 1,
     "a methodology file must be a mapping at the top level, not a "
     "sequence"},
    {METH, MRV_ESCHEMA, "methodology: m\nparameters: {}\nequations: {}\n", 1, 1,
     "a methodology has no 'results'"},
    {METH, MRV_ESCHEMA,
     "methodology: m\ntitel: T\nparameters: {}\nequations: {E: {unit: t, "
     "formula: '0'}}\nresults: {baseline: E, project: E, leakage: E, "
     "reductions: E}\n",
     2, 1, "unknown key 'titel' in a methodology (did you mean 'title'?)"},
    {METH, MRV_ESCHEMA,
     "methodology: a/b\nparameters: {}\nequations: {}\nresults: {}\n", 1, 14,
     "the methodology id 'a/b' must be 1 to 64 letters"},
    {METH, MRV_ESCHEMA,
     "methodology: m\nparameters: [a]\nequations: {}\nresults: {}\n", 2, 13,
     "'parameters' must be a mapping, not a sequence"},
    {METH, MRV_ESCHEMA, METH_DOC("  A: {unit: t, overr: [fleet]}\n", EQ_E), 5,
     16, "unknown key 'overr' in parameter 'A' (did you mean 'over'?)"},
    {METH, MRV_ESCHEMA, METH_DOC("  A: {over: [fleet]}\n", EQ_E), 5, 6,
     "parameter 'A' has no 'unit'"},
    {METH, MRV_ESYNTAX, METH_DOC("  A: {unit: kg/TJJ}\n", EQ_E), 5, 16,
     "unit 'kg/TJJ'"},
    {METH, MRV_EREF,
     METH_DOC("  A: {unit: t, over: [vintage, region]}\n", EQ_E), 5, 32,
     "unknown dimension 'region' in 'over' of parameter 'A'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t, over: [fleet, fleet]}\n", EQ_E), 5, 30,
     "axis 'fleet' appears twice in 'over' of parameter 'A'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t, over: [vintage, fleet, fleet, fleet, "
              "vintage]}\n",
              EQ_E),
     5, 22, "parameter 'A' has 5 axes; at most 4 are allowed"},
    {METH, MRV_EDOMAIN, METH_DOC("  A: {unit: t, bounds: [2, 1]}\n", EQ_E), 5,
     25, "lower bound 2 is above upper bound 1"},
    {METH, MRV_ESCHEMA, METH_DOC("  A: {unit: t, bounds: [2]}\n", EQ_E), 5, 24,
     "must be [lower, upper], two numbers"},
    {METH, MRV_ESCHEMA, METH_DOC("  A: {unit: t, bounds: [0, '1']}\n", EQ_E), 5,
     28, "remove the quotes around '1'"},
    {METH, MRV_ESCHEMA, METH_DOC("  A: {unit: t, fill: hold}\n", EQ_E), 5, 22,
     "'fill' needs a series"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t, over: [vintage], fill: cubic}\n", EQ_E), 5, 39,
     "'fill' must be hold, linear, zero or none, not 'cubic'"},
    /* choices: names, distinct, and no unit, bounds or interpolation */
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: []}\n", EQ_E), 5, 15,
     "'choice' of parameter 'C' must list 1 to 100 names, not 0"},
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: [a, b, a]}\n", EQ_E), 5, 22,
     "choice 'a' appears twice in 'choice' of parameter 'C'"},
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: [a, 2b]}\n", EQ_E), 5, 19,
     "a choice '2b' is not a name"},
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: none}\n", EQ_E), 5, 15,
     "'choice' of parameter 'C' must be a sequence"},
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: [a, b], unit: t}\n", EQ_E), 5,
     23, "parameter 'C' is a choice: it takes a name and has no 'unit'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], bounds: [0, 1]}\n", EQ_E), 5, 23,
     "parameter 'C' is a choice: it takes a name and has no 'bounds'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], over: [vintage], fill: linear}\n", EQ_E),
     5, 46,
     "parameter 'C' is a choice: a missing year can only hold the name "
     "before it (fill: hold)"},
    /* needs: what each option of a choice needs, named once each */
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], needs: {c: [T]}}\n  T: {unit: t}\n", EQ_E),
     5, 31,
     "in 'needs' of parameter 'C': 'c' is not a choice of 'C'; its choices "
     "are a, b"},
    {METH, MRV_EREF,
     METH_DOC("  C: {choice: [a, b], needs: {a: [Tt]}}\n  T: {unit: t}\n",
              EQ_E),
     5, 35,
     "the needs of choice 'a' of 'C' name 'Tt', which is not a parameter "
     "(did you mean 'T'?)"},
    {METH, MRV_EREF, METH_DOC("  C: {choice: [a, b], needs: {a: [E]}}\n", EQ_E),
     5, 35, "the needs of choice 'a' of 'C' name 'E', an equation"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], needs: {b: [C]}}\n", EQ_E), 5, 35,
     "name 'C' itself: an option cannot need its own choice"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], needs: {a: [T, T]}}\n  T: {unit: t}\n",
              EQ_E),
     5, 38, "'T' appears twice in the needs of choice 'a' of 'C'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], needs: {a: [T, C, T]}}\n  T: {unit: t}\n",
              EQ_E),
     5, 34,
     "the needs of choice 'a' of 'C' list 3 names; the methodology "
     "has 2 parameters"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b], needs: {a: T}}\n  T: {unit: t}\n", EQ_E),
     5, 34, "the needs of choice 'a' of 'C' must be a sequence"},
    {METH, MRV_ESCHEMA, METH_DOC("  C: {choice: [a, b], needs: [a]}\n", EQ_E),
     5, 30, "'needs' of parameter 'C' must be a map"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  T: {unit: t, default: 0, needs: {a: [T]}}\n", EQ_E), 5, 28,
     "parameter 'T' is not a choice: 'needs' says what each option of a "
     "choice needs"},
    /* rules: a text, and a choice a project answers them with */
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b]}\n  T: {unit: t}\n",
              EQ_E) "rules:\n  r: {text: x, choice: Cc}\n",
     11, 24,
     "rule 'r' names 'Cc', which is not a parameter (did you mean "
     "'C'?)"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b]}\n  T: {unit: t}\n",
              EQ_E) "rules:\n  r: {text: x, choice: T}\n",
     11, 24, "rule 'r' names 'T', which is not a choice"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b]}\n", EQ_E) "rules:\n  r: {choice: C}\n", 10,
     6, "rule 'r' has no 'text'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b]}\n", EQ_E) "rules:\n  2r: {text: x}\n", 10,
     3, "rule name '2r' is not a name"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  C: {choice: [a, b]}\n", EQ_E) "rules: [a]\n", 9, 8,
     "'rules' must be a map"},
    /* equations over dimensions */
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t}\n",
              "  E: {unit: t, over: [vintage], formula: \"0\"}\n"),
     7, 23,
     "equation 'E' has a value per vintage already: list only dimensions in "
     "'over'"},
    {METH, MRV_EREF,
     METH_DOC("  A: {unit: t}\n",
              "  E: {unit: t, over: [fleet, waste], formula: \"0\"}\n"),
     7, 30,
     "unknown dimension 'waste' in 'over' of equation 'E' (declare it under "
     "'dimensions')"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t}\n",
              "  E: {unit: t, over: [fleet, fleet], formula: \"0\"}\n"),
     7, 30, "axis 'fleet' appears twice in 'over' of equation 'E'"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t}\n",
              "  E: {unit: t, initial: {a: 1}, formula: \"E[y - 1]\"}\n"),
     7, 25,
     "equation 'E' is over no dimension: its 'initial' is a number or a "
     "formula, not a mapping"},
    {METH, MRV_ESCHEMA, METH_DOC("  y: {unit: t}\n", EQ_E), 5, 3,
     "parameter name 'y' is reserved in formulas"},
    {METH, MRV_ESCHEMA, METH_DOC("  ln: {unit: t}\n", EQ_E), 5, 3,
     "parameter name 'ln' is reserved in formulas"},
    {METH, MRV_ESCHEMA, METH_DOC("  2x: {unit: t}\n", EQ_E), 5, 3,
     "parameter name '2x' is not a name"},
    {METH, MRV_ESCHEMA, METH_DOC("  fleet: {unit: t}\n", EQ_E), 5, 3,
     "'fleet' is both a dimension and a parameter"},
    {METH, MRV_ESCHEMA, METH_DOC("  E: {unit: t}\n", EQ_E), 7, 3,
     "'E' is both a parameter and an equation"},
    {METH, MRV_ESYNTAX,
     METH_DOC("  A: {unit: t}\n", "  E: {unit: t, formula: \"A +* 2\"}\n"), 7,
     29, "expected an operand before '*'"},
    {METH, MRV_ESYNTAX,
     METH_DOC("  A: {unit: t}\n", "  E:\n"               /* 7 */
                                  "    unit: t\n"        /* 8 */
                                  "    formula: |\n"     /* 9 */
                                  "      A * 2 +\n"      /* 10 */
                                  "        (A - 1))\n"), /* 11 */
     11, 16, "unmatched ')'"},
    {METH, MRV_ESYNTAX,
     METH_DOC("  A: {unit: t}\n", "  E: {unit: t, formula: \"\"}\n"), 7, 26,
     "empty formula"},
    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t}\n", "  E: {unit: t, formula: [A]}\n"), 7, 25,
     "'formula' must be a scalar, not a sequence"},
    {METH, MRV_EDOMAIN,
     METH_DOC("  A: {unit: t}\n",
              "  E: {unit: Mt, formula: \"E[y - 1]\", initial: 1e306}\n"),
     7, 47, "initial value 1e306 is too large"},
    {METH, MRV_EREF,
     "methodology: m\nparameters: {}\nequations: {E: {unit: t, formula: "
     "'0'}}\nresults: {baseline: E, project: P, leakage: E, reductions: "
     "E}\n",
     4, 33, "result 'project' names 'P', which is not an equation"},
    {METH, MRV_ESCHEMA,
     "methodology: m\nkind: removal\nparameters: {}\nequations: {}\n"
     "results: {}\n",
     2, 7, "'kind' must be reductions or removals, not 'removal'"},
    {METH, MRV_ESCHEMA,
     "methodology: m\nversion: 1.5\nparameters: {}\nequations: {}\n"
     "results: {}\n",
     2, 10, "'version' must be a whole number from 0 to 1000000, not 1.5"},
    {METH, MRV_ESYNTAX, "methodology: m\nmethodology: n\n", 2, 1,
     "duplicate key 'methodology' (first at line 1)"},

/* ---- projects ---- */
#define PROJ_HEAD "project: p\nmethodology: m\n"
    {PROJ, MRV_ESCHEMA, "", 1, 1, "empty file: expected a project"},
    {PROJ, MRV_ESCHEMA, "project: p\n", 1, 1, "a project has no 'methodology'"},
    {PROJ, MRV_ESCHEMA, PROJ_HEAD "crediting_period: {first: 2025}\n", 3, 19,
     "'crediting_period' needs 'first' and 'last' years"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2030, start: "
               "2025-01-01}\n",
     3, 19, "takes either first/last (years) or start/end (dates)"},
    {PROJ, MRV_ESCHEMA, PROJ_HEAD "crediting_period: {start: 2025-01-01}\n", 3,
     19, "'crediting_period' needs both 'start' and 'end'"},
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {first: 2030, last: 2025}\n", 3, 39,
     "'last' (2025) is before 'first' (2030)"},
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {first: 2000, last: 2200}\n", 3, 19,
     "the crediting period has 201 vintages; at most 200"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 999, last: 2000}\n", 3, 27,
     "'first' must be a whole number from 1000 to 9999, not 999"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {start: 2025-1-1, end: 2026-01-01}\n", 3, 27,
     "'start' must be a date written YYYY-MM-DD, not '2025-1-1'"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {start: 2025-04-31, end: 2026-01-01}\n", 3,
     27, "'start' is '2025-04-31', which is not a calendar date"},
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {start: 2025-05-02, end: 2025-05-01}\n", 3,
     44,
     "the crediting period ends (2025-05-01) before it starts "
     "(2025-05-02)"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "dimensions: {fleet: [a, b, a]}\n",
     4, 28, "member 'a' appears twice in dimension 'fleet'"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "dimensions: {fleet: []}\n",
     4, 21, "dimension 'fleet' has no members"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "dimensions: {fleet: [a-b]}\n",
     4, 22, "a member 'a-b' is not a name"},
    {PROJ, MRV_ESCHEMA,
     "project: a/b\nmethodology: m\ncrediting_period: {first: 2025, last: "
     "2025}\n",
     1, 10, "the project id 'a/b' must be 1 to 64 letters, digits, '_', "},
    /* Ids go into CSV fields and serial blocks: nothing that needs
    ** quoting or could end a field, nothing that starts with '-'. */
    {PROJ, MRV_ESCHEMA,
     "project: \"a,b\"\nmethodology: m\ncrediting_period: {first: 2025, "
     "last: 2025}\n",
     1, 10, "the project id 'a,b' must be 1 to 64 letters"},
    {PROJ, MRV_ESCHEMA,
     "project: \"say \\\"x\\\"\"\nmethodology: m\ncrediting_period: "
     "{first: 2025, last: 2025}\n",
     1, 10, "the project id 'say \"x\"' must be 1 to 64 letters"},
    {PROJ, MRV_ESCHEMA,
     "project: \"a\\nb\"\nmethodology: m\ncrediting_period: {first: 2025, "
     "last: 2025}\n",
     1, 10, "must be 1 to 64 letters"},
    {PROJ, MRV_ESCHEMA,
     "project: -x\nmethodology: m\ncrediting_period: {first: 2025, last: "
     "2025}\n",
     1, 10, "the project id '-x' must be 1 to 64 letters"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\nhost: Cambodia\n",
     4, 7,
     "'host' must be an ISO 3166-1 alpha-3 code such as KHM, not "
     "'Cambodia'"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\nhost: \"K,H\"\n",
     4, 7, "'host' must be an ISO 3166-1 alpha-3 code"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\nfactors: t.yaml\n",
     4, 10, "'factors' must be a sequence, not a scalar"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "monte_carlo: {draws: 100, seeed: 1}\n",
     4, 27, "unknown key 'seeed' in 'monte_carlo' (did you mean 'seed'?)"},
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "monte_carlo: {confidence: 0}\n",
     4, 27, "'confidence' must lie strictly between 0 and 1, not 0"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "monte_carlo: {draws: 2.5}\n",
     4, 22, "'draws' must be a whole number from 0 to 100000000, not 2.5"},
    /* The agreement and the rule are read with the rest of the project,
    ** so 'mrv check' finds their errors as 'mrv run' does. */
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2026}\n"
               "allocation: {buyer: KOR, host: KHM, split: {buyer_share: "
               "1.5}}\n",
     4, 58, "'buyer_share' must be from 0 to 1, not 1.5"},
    {PROJ, MRV_EDOMAIN,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2026}\nhost: KHM\n"
               "allocation:\n  buyer: KOR\n  split: {buyer_volume: 10}\n"
               "  authorized: {2025: 5, 2030: 5}\n",
     8, 25,
     "vintage 2030 in 'authorized' is outside the crediting period "
     "2025-2026"},
    {PROJ, MRV_ESCHEMA,
     PROJ_HEAD "crediting_period: {first: 2025, last: 2025}\n"
               "conservativeness: ar-tool14\n",
     4, 19, "not 'ar-tool14' (did you mean 'ar_tool14'?)"},

    {METH, MRV_ESCHEMA,
     METH_DOC("  A: {unit: t}\n", EQ_E) "conservativeness: fcpff\n", 9, 19,
     "not 'fcpff' (did you mean 'fcpf'?)"},

    /* ---- factor tables ---- */
    {TABLE, MRV_ESCHEMA, "table: t\nentries: {}\n", 1, 1,
     "a factor table has no 'source'"},
    {TABLE, MRV_ESCHEMA, "table: a b\nsource: s\nentries: {}\n", 1, 8,
     "the table id 'a b' must not be empty or contain"},
    {TABLE, MRV_ESCHEMA,
     "table: t\nsource: s\nentries:\n  a/b: {value: 1, unit: t}\n", 4, 3,
     "entry name 'a/b' must not be empty or contain '/' or spaces"},
    {TABLE, MRV_ESCHEMA,
     "table: t\nsource: s\nentries:\n  e: {value: 1, unit: t, sorce: x}\n", 4,
     26, "unknown key 'sorce' in entry 'e' (did you mean 'source'?)"},
    {TABLE, MRV_ESYNTAX,
     "table: t\nsource: s\nentries:\n  e: {value: 1, unit: kgCO2/GJJ}\n", 4, 29,
     "unit 'kgCO2/GJJ'"},
    {TABLE, MRV_ESCHEMA,
     "table: t\nsource: s\nentries:\n  e: {value: .inf, unit: t}\n", 4, 14,
     "'value' must be a finite number, not '.inf'"},
    {TABLE, MRV_ESCHEMA,
     "table: t\nsource: s\nentries:\n  e: {value: 0x10, unit: t}\n", 4, 14,
     "'value' must be a finite number, not '0x10'"},
    {TABLE, MRV_ESCHEMA, "table: t\nsource: s\nentries:\n  e: {unit: t}\n", 4,
     6, "entry 'e' has no 'value'"},
};

static void test_model_bad_documents(void **state)
{
    fixture *fx = *state;
    size_t nbad = 0;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_status st = load(fx, bad[i].k, bad[i].text);
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        bool ok = st != MRV_OK && e && strcmp(e->pos.file, "t.yaml") == 0;
        ok = ok && fx_has_error(fx->diag, bad[i].line, bad[i].col, bad[i].msg);
        if (ok && st != bad[i].st) {
            print_message("%s, want %s\n", mrv_status_name(st),
                          mrv_status_name(bad[i].st));
            ok = false;
        }
        if (!ok) {
            print_message("  ^ case %zu: '%s'\n", i, bad[i].msg);
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad documents failed", nbad);
}

/* One methodology with an error in each section: every one is reported,
** in file order, and the first decides the status. */
static const char many[] =
    "methodology: m\n"                            /* 1 */
    "version: one\n"                              /* 2 */
    "dimensions:\n"                               /* 3 */
    "  first: {}\n"                               /* 4 */
    "parameters:\n"                               /* 5 */
    "  A: {unit: kgg}\n"                          /* 6 */
    "  B: {unit: t, bounds: [1, 0]}\n"            /* 7 */
    "  C: {unit: t, over: [region]}\n"            /* 8 */
    "equations:\n"                                /* 9 */
    "  E: {unit: t, formula: \"A + \"}\n"         /* 10 */
    "  F: {unit: t, formula: \"0\", intial: 0}\n" /* 11 */
    "results: {baseline: E, project: E, leakage: G, reductions: E}\n";

static const struct {
    unsigned line, col;
    const char *msg;
} many_want[] = {
    {2, 10, "'version' must be a whole number"},
    {4, 3, "dimension name 'first' is reserved in formulas"},
    {6, 13, "unit 'kgg': unknown unit"},
    {7, 25, "lower bound 1 is above upper bound 0"},
    {8, 23, "unknown dimension 'region'"},
    {10, 30, "expected an operand after '+'"},
    {11, 30,
     "unknown key 'intial' in equation 'F' (did you mean "
     "'initial'?)"},
    {12, 45, "result 'leakage' names 'G', which is not an equation"},
};

static void test_model_collects_every_error(void **state)
{
    fixture *fx = *state;
    assert_status(load(fx, METH, many), MRV_ESCHEMA);
    size_t n = sizeof many_want / sizeof *many_want;
    if (mrv_diag_count(fx->diag) != n) {
        for (size_t i = 0; i < mrv_diag_count(fx->diag); i++) {
            char buf[256];
            mrv_diag_format(mrv_diag_get(fx->diag, i), buf, sizeof buf);
            print_message("%s\n", buf);
        }
        fail_msg("%zu diagnostics, want %zu", mrv_diag_count(fx->diag), n);
    }
    for (size_t i = 0; i < n; i++) {
        const mrv_diag_entry *e = mrv_diag_get(fx->diag, i);
        if (!strstr(e->msg, many_want[i].msg) ||
            e->pos.line != many_want[i].line || e->pos.col != many_want[i].col)
            fail_msg("entry %zu: %u:%u '%s', want %u:%u '%s'", i, e->pos.line,
                     e->pos.col, e->msg, many_want[i].line, many_want[i].col,
                     many_want[i].msg);
    }
}

static void test_model_methodology_fields(void **state)
{
    fixture *fx = *state;
    static const char text[] =
        "methodology: landfill-gas.v2\n"
        "title: T\n"
        "reference: R\n"
        "version: 3\n"
        "kind: removals\n"
        "dimensions:\n"
        "  waste:\n"
        "  fleet: {description: classes}\n"
        "parameters:\n"
        "  N:  {unit: vehicle, over: [vintage, fleet], fill: linear}\n"
        "  W:  {unit: kt, over: [waste, vintage], bounds: [0, 2]}\n"
        "  EF: {unit: kg/TJ, default: 5, fill: none}\n"
        "  LK: {choice: [none, measured], over: [vintage], fill: hold,\n"
        "       needs: {measured: [LK_M, EF], none: []}}\n"
        "  LK_M: {unit: t, default: 0}\n"
        "equations:\n"
        "  S:  {unit: t, formula: \"S[y - 1] + 1\", initial: 2.5}\n"
        "  R:  {unit: t, formula: \"S * 2\", initial: \"0 * S0\"}\n"
        "  P:  {unit: t, over: [fleet, waste], initial: {a: 1}, formula: "
        "\"P[y - 1, fleet, waste]\"}\n"
        "results: {baseline: S, project: R, leakage: S, reductions: R}\n"
        "rules:\n"
        "  limit: {text: at most 60 kt, source: 17/CP.7, choice: LK}\n"
        "  plain: {text: no choice}\n";
    const mrv_ydoc *doc = NULL;
    assert_status(mrv_yaml_load_string("m.yaml", text, strlen(text), fx->arena,
                                       &doc, fx->diag),
                  MRV_OK);
    const mrv_methodology *m = NULL;
    assert_status(mrv_methodology_load(doc, fx->arena, &m, fx->diag), MRV_OK);
    assert_string_equal(m->id, "landfill-gas.v2");
    assert_string_equal(m->title, "T");
    assert_string_equal(m->reference, "R");
    assert_int_equal(m->version, 3);
    assert_true(m->removals);
    assert_int_equal(m->ndims, 2);
    assert_int_equal(mrv_methodology_dim(m, "fleet"), 1);
    assert_string_equal(m->dims[1].description, "classes");
    assert_int_equal(m->nparams, 5);
    const mrv_param *lk = &m->params[mrv_methodology_param(m, "LK")];
    assert_int_equal(lk->nchoices, 2);
    assert_string_equal(lk->choices[1], "measured");
    /* needs by choice index, in the order written; LK_M after LK */
    assert_non_null(lk->needs);
    assert_int_equal(lk->needs[0].n, 0);
    assert_int_equal(lk->needs[1].n, 2);
    assert_int_equal(lk->needs[1].params[0], mrv_methodology_param(m, "LK_M"));
    assert_int_equal(lk->needs[1].params[1], mrv_methodology_param(m, "EF"));
    assert_string_equal(lk->unit_text, "1");
    assert_true(mrv_unit_dimensionless(lk->unit));
    assert_int_equal(lk->fill, MRV_FILL_HOLD);
    char list[16];
    mrv_param_choices_text(lk, list, sizeof list);
    assert_string_equal(list, "none, ...");
    assert_int_equal(m->nrules, 2);
    assert_string_equal(m->rules[0].name, "limit");
    assert_string_equal(m->rules[0].text, "at most 60 kt");
    assert_string_equal(m->rules[0].source, "17/CP.7");
    assert_int_equal(m->rules[0].choice, mrv_methodology_param(m, "LK"));
    assert_int_equal(m->rules[1].choice, -1);
    assert_null(m->rules[1].source);

    const mrv_param *n = &m->params[mrv_methodology_param(m, "N")];
    assert_int_equal(n->nover, 2);
    assert_int_equal(n->over[0], MRV_AXIS_VINTAGE);
    assert_int_equal(n->over[1], 1);
    assert_int_equal(n->fill, MRV_FILL_LINEAR);
    assert_int_equal(n->nchoices, 0);
    assert_null(n->needs);
    const mrv_param *w = &m->params[mrv_methodology_param(m, "W")];
    assert_int_equal(w->over[0], 0);
    assert_true(w->has_bounds);
    assert_close(w->lo, 0, 0);
    assert_close(w->hi, 2, 0); /* as written, in kt */
    assert_close(mrv_unit_scale(w->unit, MRV_YEAR_DAYS), 1e6, 1e-15);
    const mrv_param *ef = &m->params[mrv_methodology_param(m, "EF")];
    assert_int_equal(ef->fill, MRV_FILL_NONE);
    assert_non_null(ef->default_node);
    assert_close(mrv_unit_scale(ef->unit, MRV_YEAR_DAYS), 1e-12, 1e-15);
    assert_int_equal(mrv_methodology_param(m, "S"), -1);
    const mrv_equation *s = &m->eqs[mrv_methodology_equation(m, "S")];
    assert_true(s->initial_is_number);
    assert_close(s->initial->num, 2.5, 0);
    assert_int_equal(s->pos.line, 17);
    assert_int_equal(s->pos.col, 3);
    const mrv_equation *r = &m->eqs[mrv_methodology_equation(m, "R")];
    assert_false(r->initial_is_number);
    assert_int_equal(r->nover, 0);
    assert_false(r->initial_map.is_initial);
    const mrv_equation *pe = &m->eqs[mrv_methodology_equation(m, "P")];
    assert_int_equal(pe->nover, 2);
    assert_int_equal(pe->over[0], 1); /* fleet */
    assert_int_equal(pe->over[1], 0); /* waste */
    assert_null(pe->initial);
    assert_true(pe->initial_map.is_initial);
    assert_string_equal(pe->initial_map.name, "P");
    assert_int_equal(pe->initial_map.nover, 2);
    assert_int_equal(pe->initial_map.over[1], 0);
    assert_int_equal(pe->initial_map.default_node->kind, MRV_Y_MAP);
    assert_int_equal(m->results[MRV_RES_BASELINE], 0);
    assert_int_equal(m->results[MRV_RES_PROJECT], 1);
    assert_int_equal(m->results_pos[MRV_RES_REDUCTIONS].line, 20);
    assert_int_equal(mrv_model_kind(doc), MRV_FILE_METHODOLOGY);
}

static void test_model_project_fields(void **state)
{
    fixture *fx = *state;
    static const char text[] =
        "project: p-1\n"
        "methodology: ./m.yaml\n"
        "host: KHM\n"
        "crediting_period: {start: 2024-07-01, end: 2026-03-31}\n"
        "dimensions: {fleet: [a, b_2]}\n"
        "factors: [./t.yaml]\n"
        "monte_carlo: {draws: 1_000, seed: 18446744073709551615, method: "
        "lhs}\n"
        "parameters: {N: 1}\n"
        "allocation: {buyer: KOR, split: {buyer_share: 0.25}, authorized: "
        "{2024: 1, 2025: 2, 2026: 3}}\n"
        "conservativeness: {rule: lower_bound, precision: 0.1}\n";
    const mrv_ydoc *doc = NULL;
    assert_status(mrv_yaml_load_string("p.yaml", text, strlen(text), fx->arena,
                                       &doc, fx->diag),
                  MRV_OK);
    const mrv_project *p = NULL;
    assert_status(mrv_project_load(doc, fx->arena, &p, fx->diag), MRV_OK);
    assert_string_equal(p->id, "p-1");
    assert_string_equal(p->methodology, "./m.yaml");
    assert_string_equal(p->host, "KHM");
    assert_true(p->by_dates);
    assert_int_equal(p->first, 2024);
    assert_int_equal(p->last, 2026);
    assert_int_equal(p->start.m, 7);
    assert_int_equal(p->end.d, 31);
    assert_int_equal(p->ndims, 1);
    assert_int_equal(p->dims[0].n, 2);
    assert_string_equal(p->dims[0].members[1], "b_2");
    assert_int_equal(p->dims[0].member_pos[1].col, 25);
    assert_int_equal(p->nfactors, 1);
    assert_true(p->mc.given);
    assert_int_equal(p->mc.draws, 1000);
    assert_true(p->mc.seed == UINT64_MAX);
    assert_close(p->mc.confidence, 0.95, 0); /* the default */
    assert_int_equal(p->mc.method, MRV_SAMPLE_LHS);
    assert_non_null(p->params);
    /* The agreement, typed at load: the host comes from the project, the
    ** share is the decimal 25 / 10^2, the caps cover the period. */
    const mrv_allocation *al = p->allocation;
    assert_non_null(al);
    assert_string_equal(al->agr.host, "KHM");
    assert_string_equal(al->agr.buyer, "KOR");
    assert_int_equal(al->agr.split, MRV_SPLIT_SHARE);
    assert_int_equal(al->agr.share.num, 25);
    assert_int_equal(al->agr.share.den, 100);
    assert_int_equal(al->agr.auth, MRV_AUTH_VINTAGE);
    assert_int_equal(al->agr.auth_v[2], 3);
    assert_int_equal(al->ft, MRV_FT_NONE);
    assert_int_equal(p->conservativeness->rule, MRV_RULE_LOWER_BOUND);
    assert_close(p->conservativeness->confidence, 0.90, 0); /* the default */
    assert_close(p->conservativeness->precision, 0.1, 0);
    assert_int_equal(p->conservativeness->node->pos.line, 10);
    assert_int_equal(mrv_model_kind(doc), MRV_FILE_PROJECT);
}

/* Every entry of every shipped factor table names its own source, with
** a confidence tag in brackets ([checked: ...], [value checked; range
** recalled], [derived], [secondhand: ...]), so that a report shows where
** each factor used comes from and how far it was verified
** (docs/formats.md, factor tables). */
static void test_model_shipped_tables_cite_sources(void **state)
{
    fixture *fx = *state;
    DIR *dp = opendir("data/factors");
    assert_non_null(dp);
    size_t ntables = 0, untagged = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t n = strlen(de->d_name);
        if (n < 6 || strcmp(de->d_name + n - 5, ".yaml") != 0) continue;
        char *path = fx_path("data/factors", de->d_name);
        const mrv_ydoc *doc = NULL;
        const mrv_table *t = NULL;
        assert_status(mrv_yaml_load_file(path, fx->arena, &doc, fx->diag),
                      MRV_OK);
        assert_status(mrv_table_load(doc, fx->arena, &t, fx->diag), MRV_OK);
        for (size_t i = 0; i < t->n; i++) {
            const mrv_ynode *src = mrv_ymap_get(t->entries[i].node, "source");
            const char *text =
                src && src->kind == MRV_Y_SCALAR ? src->text : "";
            const char *tag = strchr(text, '[');
            if (!tag ||
                (!strstr(tag, "checked") && !strstr(tag, "recalled") &&
                 !strstr(tag, "derived") && !strstr(tag, "secondhand"))) {
                print_message("%s: entry '%s' has no tagged source\n", path,
                              t->entries[i].entry);
                untagged++;
            }
        }
        ntables++;
        free(path);
    }
    closedir(dp);
    assert_true(ntables >= 10);
    assert_int_equal(untagged, 0);
}

static void test_model_table_fields(void **state)
{
    fixture *fx = *state;
    static const char text[] =
        "table: ipcc.x\n"
        "source: Table source\n"
        "entries:\n"
        "  gas.ef: {value: 69_300, unit: kg/TJ, uncertainty: 5%}\n"
        "  gas.ncv: {value: 44.3, unit: TJ/Gg, source: Own source}\n";
    const mrv_ydoc *doc = NULL;
    assert_status(mrv_yaml_load_string("t.yaml", text, strlen(text), fx->arena,
                                       &doc, fx->diag),
                  MRV_OK);
    const mrv_table *t = NULL;
    assert_status(mrv_table_load(doc, fx->arena, &t, fx->diag), MRV_OK);
    assert_string_equal(t->id, "ipcc.x");
    assert_int_equal(t->n, 2);
    const mrv_factor *f = mrv_table_entry(t, "gas.ef");
    assert_non_null(f);
    assert_string_equal(f->id, "ipcc.x/gas.ef");
    assert_close(f->value, 69300, 0); /* as written, in its unit */
    assert_string_equal(f->unit_text, "kg/TJ");
    assert_string_equal(f->source, "Table source");
    assert_non_null(f->uncert_node);
    f = mrv_table_entry(t, "gas.ncv");
    assert_string_equal(f->source, "Own source");
    assert_null(f->uncert_node);
    assert_null(mrv_table_entry(t, "gas"));
    assert_int_equal(mrv_model_kind(doc), MRV_FILE_TABLE);
}

/* A hostile file with thousands of equations is refused before any
** linear lookup or recursion over them. */
static void test_model_declaration_cap(void **state)
{
    fixture *fx = *state;
    size_t cap = 64 * (MRV_MAX_DECLS + 2) + 256;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int over = 0; over <= 1; over++) {
        size_t n = MRV_MAX_DECLS + (size_t)over;
        size_t o = (size_t)snprintf(text, cap,
                                    "methodology: m\n"
                                    "parameters: {A: {unit: t}}\n"
                                    "equations:\n");
        for (size_t i = 0; i + 1 < n; i++)
            o += (size_t)snprintf(text + o, cap - o,
                                  "  E%zu: {unit: t, formula: \"E%zu + A\"}\n",
                                  i, i + 1);
        o += (size_t)snprintf(text + o, cap - o,
                              "  E%zu: {unit: t, formula: \"A\"}\n"
                              "results: {baseline: E0, project: E0, leakage: "
                              "E0, reductions: E0}\n",
                              n - 1);
        mrv_status st = load(fx, METH, text);
        if (!over) {
            assert_status(st, MRV_OK);
            continue;
        }
        assert_status(st, MRV_ESCHEMA);
        assert_int_equal(mrv_diag_error_count(fx->diag), 1);
        fx_expect_error(fx->diag, 4, 3,
                        "'equations' has 1001 entries; at most 1000 are "
                        "allowed");
    }
    free(text);
}

/* Each formula is at most 16 KiB, and all of a methodology's at most
** 1 MiB: 64 formulas of 16,000 bytes fit (1,024,000), 66 do not, and the
** error is at the equation that passes the total.  A 16 MB file of such
** formulas used to take over 2 GB as trees before anything was checked. */
static void test_model_formula_total_cap(void **state)
{
    fixture *fx = *state;
    enum { LEN = 16000 };
    char *formula = malloc(LEN + 1);
    assert_non_null(formula);
    for (size_t i = 0; i < LEN; i += 2) memcpy(formula + i, "1+", 2);
    formula[LEN - 1] = '1';
    formula[LEN] = '\0';
    size_t cap = 66 * (LEN + 64) + 512;
    char *text = malloc(cap);
    assert_non_null(text);
    for (int over = 0; over <= 1; over++) {
        size_t n = over ? 66 : 64;
        size_t o = (size_t)snprintf(text, cap,
                                    "methodology: m\n"
                                    "parameters: {A: {unit: t}}\n"
                                    "equations:\n");
        for (size_t i = 0; i < n; i++)
            o += (size_t)snprintf(text + o, cap - o,
                                  "  E%zu: {unit: 1, formula: \"%s\"}\n", i,
                                  formula);
        snprintf(text + o, cap - o,
                 "results: {baseline: E0, project: E0, leakage: E0, "
                 "reductions: E0}\n");
        mrv_status st = load(fx, METH, text);
        if (!over) {
            assert_status(st, MRV_OK);
            continue;
        }
        assert_status(st, MRV_ESCHEMA);
        assert_int_equal(mrv_diag_error_count(fx->diag), 1);
        fx_expect_error(fx->diag, 69, 3,
                        "the formulas pass 1048576 bytes in all at 'E65'");
    }
    free(text);
    free(formula);
}

static void test_model_kind(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *text;
        mrv_filekind k;
    } kinds[] = {
        {"methodology: m\n", MRV_FILE_METHODOLOGY},
        {"project: p\nmethodology: m\n", MRV_FILE_PROJECT},
        {"table: t\n", MRV_FILE_TABLE},
        {"other: 1\n", MRV_FILE_UNKNOWN},
        {"- 1\n", MRV_FILE_UNKNOWN},
        {"", MRV_FILE_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        const mrv_ydoc *doc = NULL;
        assert_status(mrv_yaml_load_string("k.yaml", kinds[i].text,
                                           strlen(kinds[i].text), fx->arena,
                                           &doc, fx->diag),
                      MRV_OK);
        assert_int_equal(mrv_model_kind(doc), kinds[i].k);
    }
    assert_int_equal(mrv_model_kind(NULL), MRV_FILE_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_model_bad_documents, fx_base_setup,
                                        fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_collects_every_error,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_methodology_fields,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_project_fields,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_shipped_tables_cite_sources,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_table_fields, fx_base_setup,
                                        fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_declaration_cap,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_formula_total_cap,
                                        fx_base_setup, fx_base_teardown),
        cmocka_unit_test_setup_teardown(test_model_kind, fx_base_setup,
                                        fx_base_teardown),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
