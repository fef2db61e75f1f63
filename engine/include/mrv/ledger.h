/*
** ledger.h -- from estimated tonnes to issued units (docs/allocation.md).
**
** Named 'ledger', not 'alloc', so that nobody reads it as memory
** allocation.  Built after the statistics of a run when the project has an
** 'allocation': conservativeness rule, issuance in whole tonnes, ordered
** deductions, the host/buyer split, serial blocks and corresponding
** adjustments.
**
** ---- The agreement (the project's 'allocation:') ----------------------
**
**   allocation:
**     host: KHM              # ISO 3166-1 alpha-3; default: the project's
**                            # 'host' (they must agree when both are given)
**     buyer: KOR             # required; differs from the host
**     basis: central         # central | mean | lower (two-sided lower
**                            # bound at monte_carlo.confidence)
**     source: LoA 2025-07-18 # optional free text, kept in report.json
**     accounts: [fees]       # optional extra destination accounts
**     authorized: 500000     # optional Letter of Authorization cap: a
**                            # total, consumed in vintage order, or
**                            # {VINTAGE: t} for every vintage
**     deductions:            # optional, applied in this order
**       - {name: sop, rate: 0.05, to: adaptation_fund}
**       - {name: omge, rate: 0.02, to: cancellation, rounding: ceil}
**     split: {buyer_volume: 400000, order: buyer_first}
**     first_transfer: transfer   # transfer | authorization | issuance | use
**     years: {transfer: {lag: 1}, use: {lag: 1}, issuance: {lag: 1}}
**
** A deduction has 'name' (an identifier that becomes its ledger column;
** not vintage, estimate, issued, host, buyer or total), 'rate' (a decimal
** in [0, 1] with at most 9 decimals, read exactly from its text), 'to'
** (adaptation_fund, cancellation, buffer_pool, host, or one of
** 'accounts'), and optionally 'rounding' (floor, the default, ceil or
** nearest with ties half up), 'of' (issued, the default; remaining: what
** the deductions above it left; authorized: the authorized units of the
** vintage, which needs 'authorized') and 'units' (true; false records a
** levy paid in value: its column shows rate x base in tonnes, but it moves
** no units, so it is left out of the conservation sum and of serials.csv).
** The unit-moving deductions of issued or authorized units may take at
** most 100 % together; a deduction never takes more than what remains
** (with ceil rounding the last one may be trimmed).
**
** 'split' is one of {buyer_share: s} (decimal in [0, 1]; optional
** 'rounding', default nearest, applied cumulatively: buyer_v =
** round(s ΣR≤v) - round(s ΣR<v)), {buyer_volume: V} (order buyer_first,
** the default and only order for it) or {host_volume: H} (order
** host_first).  Volumes are whole tonnes.  With 'authorized', the buyer
** receives at most the vintage's authorized units less the deductions
** taken 'of: authorized'; the rest stays with the host.
**
** 'first_transfer' is the definition of the first transfer (decision
** 2/CMA.3 annex para 2(b)): the first international transfer, or the
** authorization, issuance or use of the units.  'years' gives the calendar
** year of each event per vintage, as {lag: N} (N years after the vintage),
** a single year YYYY, or {VINTAGE: YEAR} for every vintage.  With
** 'first_transfer', years[definition] and years.use are required, and
** years.issuance too when units are cancelled (cancellation happens at
** issuance).  Without 'first_transfer', adjustments.csv is keyed by
** vintage only and aef.csv lists no actions; a warning says so.
**
** ---- Conservativeness --------------------------------------------------
**
** A 'conservativeness:' key at the top of the project, or else of the
** methodology, names the programme rule (docs/allocation.md,
** "Conservativeness rules"), applied once to the basis estimate of each
** vintage:
**
**   conservativeness: ar_tool14      # or {rule: ar_tool14}
**   conservativeness: {rule: lower_bound, confidence: 0.90, precision: 0.10}
**
**   none         nothing (the default; lets a project switch off its
**                methodology's rule)
**   ar_tool14    U = HW90 / estimate; discount d of the absolute HW90 by
**                the bands <= 10 % -> 0, <= 15 % -> 25 %, <= 20 % -> 50 %,
**                <= 30 % -> 75 %, above -> 100 %
**   lower_bound  the one-sided lower bound at 'confidence' (default 0.90),
**                the (1 - c) quantile of the draws; with 'precision', only
**                when the two-sided half-width at c over the estimate
**                exceeds it (the 90/10 practice); never raises the estimate
**   art_trees    UA = 0.524417 * (HW90 / estimate) / 1.645006; deduction
**                estimate * UA
**   fcpf         set-aside of the estimate by HW90 / estimate: <= 15 % ->
**                0, <= 30 % -> 4 %, <= 60 % -> 8 %, <= 100 % -> 12 %,
**                above -> 15 %
**
** HW90 is half the two-sided 90 % interval of the vintage's draws (type-7
** quantiles).  Bands are upper-inclusive.  Every rule but 'none' needs
** Monte Carlo draws and is an error without them.  'basis: lower' is
** itself such a rule, so it cannot be combined with another one; 'basis:
** mean' or 'lower' without draws falls back to the central estimate (without
** draws the statistics repeat it) with a warning.  The ledger's
** 'estimate' column is the creditable estimate after the rule.
**
** ---- Files (all written through the run's output set) -----------------
**
**   ledger.csv        vintage,estimate,issued,DEDUCTIONS...,host,buyer
**   serials.csv       vintage,account,first,last,count,block
**   adjustments.csv   party,year,role,by_vintage,by_first_transfer,by_use
**   aef.csv           block,action,year,vintage,quantity,metric,
**                     first_transfer,purpose,originating_party,
**                     transferring_party,acquiring_party
**   conservativeness.csv  vintage,rule,basis,central,basis_adjustment,
**                     unadjusted,half_width,relative_half_width,factor,
**                     rule_adjustment,creditable
**
** The first two columns of every file identify a row, as tests/run-cases
** reads them.  Tonnes are whole numbers; estimates are printed with the
** fewest digits that read back to the same double.
*/
#ifndef MRV_LEDGER_H
#define MRV_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "caps.h"
#include "decimal.h"
#include "diag.h"
#include "output.h"
#include "result.h"

#define MRV_LEDGER_HEADER_HEAD "vintage,estimate,issued" /* then columns */
#define MRV_SERIALS_HEADER     "vintage,account,first,last,count,block"
#define MRV_ADJUSTMENTS_HEADER                                                 \
    "party,year,role,by_vintage,by_first_transfer,by_use"
#define MRV_AEF_HEADER                                                         \
    "block,action,year,vintage,quantity,metric,first_transfer,purpose,"        \
    "originating_party,transferring_party,acquiring_party"
#define MRV_CONSERV_HEADER                                                     \
    "vintage,rule,basis,central,basis_adjustment,unadjusted,half_width,"       \
    "relative_half_width,factor,rule_adjustment,creditable"

/* Scratch per Monte Carlo draw while the ledger is built: a vintage's
** draws for its conservativeness rule, and what the host keeps and the
** buyer receives in every draw (the Monte Carlo's memory limit counts
** it). */
#define MRV_LEDGER_DRAW_BYTES (3 * sizeof(double))

/* ---- the agreement ----------------------------------------------------- */

typedef enum mrv_dbase {
    MRV_OF_ISSUED,
    MRV_OF_REMAINING,
    MRV_OF_AUTHORIZED
} mrv_dbase;

typedef struct mrv_deduction {
    const char *name; /* the ledger column */
    const char *to;   /* destination account as written */
    bool to_host;     /* to: host (the host's own account) */
    mrv_dec rate;
    mrv_rounding rounding;
    mrv_dbase of;
    bool units; /* false: a levy in value, moves no units */
} mrv_deduction;

typedef enum mrv_split {
    MRV_SPLIT_SHARE,        /* buyer_share, cumulative rounding */
    MRV_SPLIT_BUYER_VOLUME, /* buyer first up to 'volume' */
    MRV_SPLIT_HOST_VOLUME   /* host first up to 'volume' */
} mrv_split;

typedef enum mrv_auth {
    MRV_AUTH_NONE,   /* everything issued is authorized */
    MRV_AUTH_TOTAL,  /* one cap, consumed in vintage order */
    MRV_AUTH_VINTAGE /* a cap per vintage */
} mrv_auth;

/* A validated agreement: plain data, copied by value (the sweep changes
** one number of a copy).  Strings and auth_v are borrowed from the
** ledger. */
typedef struct mrv_agreement {
    const char *host, *buyer; /* party codes */
    size_t nded;
    mrv_deduction ded[MRV_LEDGER_MAX_DEDUCTIONS];
    mrv_split split;
    mrv_dec share; /* MRV_SPLIT_SHARE */
    mrv_rounding share_rounding;
    int64_t volume; /* the two volume splits */
    mrv_auth auth;
    int64_t auth_total;    /* MRV_AUTH_TOTAL */
    const int64_t *auth_v; /* MRV_AUTH_VINTAGE: [nvint] */
} mrv_agreement;

/* Ledger columns after vintage, estimate and issued: one per deduction,
** then host and buyer. */
#define MRV_LEDGER_NCOLS(a) ((a)->nded + 2)

/* Decimals an estimate (or a relative half-width) is rounded to before
** it is compared or rounded down: a millionth of a tonne is a gram. */
#define MRV_LEDGER_DECIMALS 6

/* x rounded to MRV_LEDGER_DECIMALS decimals, halves away from zero.
** Computed estimates carry binary rounding error (90 MWh x 0.7 tCO2/MWh
** comes out as 62.99999999999999 t); rounding to a gram first makes an
** estimate that is a whole number of tonnes by hand that number here,
** for any estimate below about 10^9 t (where a double still resolves a
** gram through a few dozen operations). */
double mrv_ledger_round(double x);

/* Whole tonnes issued for a creditable estimate: the estimate rounded
** to the gram (mrv_ledger_round), then down to whole tonnes; 0 when it
** is not positive.  The caller keeps it below MRV_LEDGER_MAX_TONNES. */
int64_t mrv_ledger_issue(double estimate);

/* The waterfall of docs/allocation.md over 'nvint' vintages with
** issued[v] whole tonnes each (0 <= issued[v] <= MRV_LEDGER_MAX_TONNES):
** writes cells[v * ncols + c] (c < nded: deductions, then host, then
** buyer) and, when 'authorized' is not NULL, the authorized units of each
** vintage.
** The agreement must be valid (as mrv_ledger_build leaves it): then every
** entry is >= 0 and, per vintage, the unit-moving deductions plus host
** plus buyer equal issued[v].  Cannot fail. */
void mrv_ledger_waterfall(const mrv_agreement *a, size_t nvint,
                          const int64_t *issued, int64_t *cells,
                          int64_t *authorized);

/* Sums the rates of the unit-moving deductions of issued or authorized
** units into *sum (when not NULL), exactly; returns false when the sum
** exceeds 1, which makes the agreement invalid.  Deductions of what
** remains can never take more than all of it and are left out. */
bool mrv_agreement_rates_ok(const mrv_agreement *a, mrv_dec *sum);

/* ---- conservativeness -------------------------------------------------- */

typedef enum mrv_basis {
    MRV_BASIS_CENTRAL,
    MRV_BASIS_MEAN,
    MRV_BASIS_LOWER
} mrv_basis;

typedef enum mrv_rule { /* ORDER RULES: rule_names in ledger.c */
                        MRV_RULE_NONE,
                        MRV_RULE_AR_TOOL14,
                        MRV_RULE_LOWER_BOUND,
                        MRV_RULE_ART_TREES,
                        MRV_RULE_FCPF
} mrv_rule;

/* A 'conservativeness' rule as written, validated. */
typedef struct mrv_rule_spec {
    mrv_rule rule;
    double confidence;     /* lower_bound: one-sided confidence; 0.90 */
    double precision;      /* lower_bound; (double)NAN: always the bound */
    const mrv_ynode *node; /* where the rule is written */
} mrv_rule_spec;

/* One vintage (or the total, as column sums) of conservativeness.csv. */
typedef struct mrv_conserv {
    double central;    /* every input at its value (unadjusted) */
    double basis_adj;  /* central - the basis estimate */
    double unadjusted; /* the basis estimate, before the rule */
    double half_width; /* the half-width the rule read; (double)NAN if none */
    double relative;   /* half_width / |unadjusted|; (double)NAN if none */
    double factor;     /* band discount, UA or set-aside; (double)NAN if none */
    double rule_adj;   /* what the rule took, >= 0 */
    double creditable; /* unadjusted - rule_adj: the ledger estimate */
} mrv_conserv;

/* ---- the ledger -------------------------------------------------------- */

typedef enum mrv_ftdef { /* ORDER EVENTS: event_names in ledger.c */
                         MRV_EV_ISSUANCE,
                         MRV_EV_AUTHORIZATION,
                         MRV_EV_TRANSFER,
                         MRV_EV_USE,
                         MRV_NEVENTS,
                         MRV_FT_NONE = MRV_NEVENTS /* no first_transfer given */
} mrv_ftdef;

/* The project's 'allocation', read and validated: the agreement and what
** the ledger's files need besides.  Strings and nodes are borrowed from
** the YAML document, arrays from the arena it was read into. */
typedef struct mrv_allocation {
    mrv_agreement agr;
    const char *source; /* 'source', or NULL */
    size_t naccounts;   /* 'accounts': extra destinations */
    const char *accounts[MRV_LEDGER_MAX_ACCOUNTS];
    mrv_basis basis;
    mrv_ftdef ft;                  /* MRV_FT_NONE: no 'first_transfer' */
    const int *years[MRV_NEVENTS]; /* [nvint] year of each event, NULL:
                                   ** not given */
    const mrv_ynode *node;         /* the 'allocation' map */
    const mrv_ynode *basis_node;   /* 'basis', or NULL */
    const mrv_ynode *ft_node;      /* 'first_transfer', or NULL */
} mrv_allocation;

/* The allocation run on every Monte Carlo draw (crediting-period totals). */
typedef struct mrv_ledger_mc {
    uint64_t draws;
    double p_volume;   /* share of draws in which the buyer receives
                       ** its whole buyer_volume; (double)NAN for the other
                       ** splits */
    double host_q[3];  /* what the host keeps (host column plus the
                       ** deductions to: host): 5, 50, 95 % */
    double buyer_q[3]; /* what the buyer receives: 5, 50, 95 % */
    double host_mean, buyer_mean;
} mrv_ledger_mc;

typedef struct mrv_ledger {
    mrv_arena *arena;    /* owns everything below */
    const char *project; /* the project id (serials) */
    int first;           /* first vintage */
    size_t nvint;
    mrv_agreement agr;
    const char *source; /* allocation.source, or NULL */
    size_t naccounts;
    const char *accounts[MRV_LEDGER_MAX_ACCOUNTS];
    mrv_basis basis;
    double confidence;   /* of the run, for basis: lower */
    bool basis_fallback; /* mean/lower without draws: central */
    mrv_rule rule;
    const char *rule_from; /* "project" or "methodology"; NULL: none */
    double lb_confidence;  /* lower_bound */
    double lb_precision;   /* lower_bound; (double)NAN: always the bound */
    mrv_conserv *cons;     /* [nvint + 1], the total row last */
    double *draw_adj;      /* [nvint] tonnes taken from each draw */
    int64_t *issued;       /* [nvint + 1] */
    int64_t *cells;        /* [(nvint + 1) * ncols], the total row last */
    int64_t *authorized;   /* [nvint]: authorized units per vintage */
    mrv_ftdef ft;          /* the first-transfer definition */
    const int *years[MRV_NEVENTS]; /* [nvint] year of each event, NULL:
                                   ** not given */
    bool has_mc;
    mrv_ledger_mc mc;
} mrv_ledger;

/* Validates the project's allocation (and the conservativeness rules of
** the project and methodology) and builds the ledger into run->ledger.
** Called by mrv_run_new only when the project has an 'allocation', after
** the statistics (and draws, when there are any).  Records every schema
** error with its position and returns the first status; run->ledger is
** then left NULL. */
mrv_status mrv_ledger_build(mrv_run *run, mrv_diag *diag);
/* Frees the ledger; accepts NULL. */
void mrv_ledger_free(mrv_ledger *l);

/* Adds ledger.csv, serials.csv, adjustments.csv, aef.csv and
** conservativeness.csv to the output set being written by
** mrv_report_write.  Returns MRV_OK, or the status of a failed write
** (recorded in 'diag'). */
mrv_status mrv_ledger_write(const mrv_run *run, mrv_outset *set,
                            mrv_diag *diag);

/* Each writer returns false on a stream error. */
bool mrv_ledger_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_serials_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_adjustments_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_aef_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_conserv_csv(const mrv_ledger *l, FILE *f);

/* Writes ',\n  "ledger": {...}' for report.json when the run has a
** ledger, nothing otherwise; meant to be called by report.c just before
** the closing brace of the top-level object. */
void mrv_ledger_json(const mrv_run *run, FILE *f);

/* The ledger table printed by 'mrv allocate': per vintage and in total,
** the estimate, issued units, each deduction, host and buyer, then what
** each deduction is, how the buyer's volume is delivered and, with draws,
** the probability of the contracted volume and the spread of the shares. */
void mrv_ledger_print(const mrv_run *run, FILE *f);

/* What the split delivered over the crediting period, as 'mrv allocate'
** states it, for writers other than this module's (report.html). */
typedef struct mrv_ledger_outcome {
    int64_t host_keeps; /* the host column plus the unit-moving
                        ** deductions to: host */
    int64_t buyer;      /* the buyer column */
    int volume_done;    /* the vintage in which the contracted volume
                        ** (buyer_volume or host_volume) is complete;
                        ** -1 when it never is, or for buyer_share */
} mrv_ledger_outcome;
mrv_ledger_outcome mrv_ledger_outcome_of(const mrv_ledger *l);

/* The name of the i-th file mrv_ledger_write adds ("ledger.csv" first),
** or NULL past the last. */
const char *mrv_ledger_file_name(size_t i);

/* ---- sweeps ------------------------------------------------------------ */

/* Per-party crediting-period totals over a range of one agreement number,
** for 'mrv allocate --sweep KEY=FROM:TO:STEP'. */
typedef struct mrv_sweep {
    char *key;       /* KEY as given */
    size_t n;        /* values swept */
    mrv_dec *values; /* [n] */
    size_t ncols;    /* issued, then the ledger columns */
    int64_t *totals; /* [n * ncols] */
    bool has_mc;
    mrv_ledger_mc *mc; /* [n] with draws, else NULL */
} mrv_sweep;

/* Parses 'spec' ("split.buyer_share=0.4:0.8:0.1"; keys:
** split.buyer_share, split.buyer_volume, split.host_volume,
** deductions.NAME.rate, authorized) and runs the run's agreement with each
** value from FROM to TO (inclusive) in exact decimal steps of STEP.  The
** key must name a number the agreement has; every value must be valid for
** it.  On success sets *out (free with mrv_sweep_free).  Errors are
** recorded without a file position. */
mrv_status mrv_ledger_sweep(const mrv_run *run, const char *spec,
                            mrv_sweep **out, mrv_diag *diag);
void mrv_sweep_free(mrv_sweep *s);
/* The sweep as a table: one row per value. */
void mrv_ledger_sweep_print(const mrv_run *run, const mrv_sweep *s, FILE *f);

/* For 'mrv check': validates a bound project's allocation and
** conservativeness rules (or, without an allocation, the rules alone)
** exactly as mrv_ledger_build would, without estimates; whether a rule has
** the draws it needs is left to the run (--draws may supply them).
** Returns MRV_OK or the first error's status, every error recorded. */
mrv_status mrv_ledger_check(const mrv_bound *bound, mrv_diag *diag);

/* Validates one 'conservativeness' node (a methodology's, for 'mrv check'
** of a methodology file); NULL is valid. */
mrv_status mrv_ledger_check_rule(const mrv_ynode *node, mrv_diag *diag);

#endif /* MRV_LEDGER_H */
