/*
** ledger.h -- from estimated tonnes to issued units (docs/allocation.md).
**
** Named 'ledger', not 'alloc', so that nobody reads it as memory
** allocation.  Built after the statistics of a run when the project has an
** 'allocation': conservativeness rule, issuance in whole tonnes, ordered
** deductions, the host/buyer split, serial blocks and corresponding
** adjustments.  The agreement it applies is read by agreement.h (which
** documents its schema), the rule by conserv.h.
**
** ---- Files (all written through the run's output set) -----------------
**
**   ledger.csv        vintage,estimate,issued,DEDUCTIONS...,host,buyer,
**                     carried
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
#include "agreement.h"
#include "caps.h"
#include "conserv.h"
#include "decimal.h"
#include "diag.h"
#include "output.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MRV_LEDGER_HEADER_HEAD "vintage,estimate,issued" /* then columns */
#define MRV_LEDGER_HEADER_TAIL "carried"                 /* after host,buyer */
#define MRV_SERIALS_HEADER     "vintage,account,first,last,count,block"
#define MRV_ADJUSTMENTS_HEADER                                                 \
    "party,year,role,by_vintage,by_first_transfer,by_use"
#define MRV_AEF_HEADER                                                         \
    "block,action,year,vintage,quantity,metric,first_transfer,purpose,"        \
    "originating_party,transferring_party,acquiring_party"
#define MRV_CONSERV_HEADER                                                     \
    "vintage,rule,basis,central,basis_adjustment,unadjusted,half_width,"       \
    "relative_half_width,factor,rule_adjustment,creditable"

/* Ledger columns after vintage, estimate and issued: one per deduction,
** then host and buyer. */
#define MRV_LEDGER_NCOLS(a) ((a)->nded + 2)

/* Whole tonnes issued for a creditable estimate: the estimate rounded
** to the gram (mrv_ledger_round, decimal.h), then down to whole tonnes;
** 0 when it is not positive.  The caller keeps it below
** MRV_LEDGER_MAX_TONNES. */
int64_t mrv_ledger_issue(double estimate);

/* Issuance with negative vintages carried forward (docs/allocation.md,
** "Negative vintages"): *carried is the shortfall of net removals or
** reductions carried into the vintage (>= 0 t, to the gram).  The
** vintage first makes it up: its estimate less *carried, rounded to the
** gram, issues as mrv_ledger_issue when positive, and otherwise issues
** nothing and becomes the new *carried.  With *carried 0 and a positive
** estimate this is mrv_ledger_issue.  So units issued up to a vintage
** never exceed the estimates up to it by more than what it carries out,
** and never exceed them at all once nothing is carried. */
int64_t mrv_ledger_issue_carry(double estimate, double *carried);

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

/* ---- the ledger -------------------------------------------------------- */

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
    /* Per vintage, for the agreement as written only (NULL in a sweep's
    ** rows): the share of draws in which the buyer's cumulative units up
    ** to and including that vintage are at least the central ledger's
    ** (its schedule: what the ledger written promises by then), and, for
    ** a buyer_volume split, at least the whole volume (complete by that
    ** vintage; NULL for the other splits).  Arrays of nvint. */
    double *p_schedule;
    double *p_complete;
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
    double *carried;       /* [nvint + 1]: the shortfall each vintage
                           ** carries into the next (>= 0); the total
                           ** row holds what the last one leaves */
    double overissued;     /* units issued beyond the crediting period's
                           ** creditable estimates (> 0 only when a
                           ** shortfall is left at the end) */
    int64_t *cells;        /* [(nvint + 1) * ncols], the total row last */
    int64_t *authorized;   /* [nvint]: authorized units per vintage */
    mrv_ftdef ft;          /* the first-transfer definition */
    const int *years[MRV_NEVENTS]; /* [nvint] year of each event, NULL:
                                   ** not given */
    bool has_mc;
    mrv_ledger_mc mc;
} mrv_ledger;

/* The agreement on one Monte Carlo draw: red[v] is the draw's reductions
** of vintage v; each vintage gives up the tonnes the conservativeness
** rule took from the reported estimate, a negative vintage's shortfall
** is carried against the draw's later issuance (mrv_ledger_issue_carry),
** and each is issued in whole tonnes and allocated
** (mrv_ledger_waterfall) into issued[v] and cells[v * ncols + c], as
** docs/allocation.md says of "the agreement on every draw".  False when
** a vintage's estimate reaches 10^15 t: its issuance is then capped
** there, and the cells are not the draw's. */
bool mrv_ledger_draw(const mrv_ledger *l, const double *red, int64_t *issued,
                     int64_t *cells);

/* What the host keeps of one ledger row (cells of one vintage, or the
** total row): its column plus the unit-moving deductions to: host. */
int64_t mrv_ledger_kept(const mrv_ledger *l, const int64_t *row);

/* Builds the ledger of the project's allocation (validated at load, as is
** the conservativeness rule) into run->ledger.  Called by mrv_run_new only
** when the project has an 'allocation', after the statistics (and draws,
** when there are any).  Errors: a rule that reads draws in a run without
** them, a creditable estimate beyond MRV_LEDGER_MAX_TONNES (positioned;
** run->ledger is then left NULL), MRV_ENOMEM. */
mrv_status mrv_ledger_build(mrv_run *run, mrv_diag *diag);
/* The same for the agreement 'al' (validated, with
** mrv_allocation_check_rule) instead of the project's own: the agreement
** a portfolio assumes for one of its projects.  'al' and the nodes it
** names are borrowed and must outlive the ledger. */
mrv_status mrv_ledger_build_for(mrv_run *run, const mrv_allocation *al,
                                mrv_diag *diag);
/* Frees the ledger; accepts NULL. */
void mrv_ledger_free(mrv_ledger *l);

/* Adds ledger.csv, serials.csv, adjustments.csv, aef.csv and
** conservativeness.csv to the output set being written by
** mrv_report_write.  Returns MRV_OK, or the status of a failed write:
** recorded in 'diag' when a file cannot be created; MRV_EIO with errno
** set, and nothing recorded, when a writer fails on its stream
** (mrv_outset_finish names the file). */
mrv_status mrv_ledger_write(const mrv_run *run, mrv_outset *set,
                            mrv_diag *diag);

/* Each writer returns false on a stream error. */
bool mrv_ledger_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_serials_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_adjustments_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_aef_csv(const mrv_ledger *l, FILE *f);
bool mrv_ledger_conserv_csv(const mrv_ledger *l, FILE *f);

/* ---- rows, for other writers (report.xlsx) ------------------------------ */

/* A row of serials.csv: a block of units of one vintage to one account,
** numbered first..last.  'block' lives only during the callback. */
typedef struct mrv_serial_block {
    int vintage;
    const char *account;
    int64_t first, last, count;
    const char *block; /* HOST-PROJECT-VINTAGE-FIRST-LAST */
} mrv_serial_block;

/* Calls 'fn' with each block, in serials.csv's order. */
void mrv_ledger_serials(const mrv_ledger *l,
                        void (*fn)(const mrv_serial_block *, void *), void *ud);

/* A row of adjustments.csv.  A column that does not apply to the party,
** or whose years the agreement does not give, has its has_ flag false
** (an empty cell). */
typedef struct mrv_adjustment {
    const char *party;
    int year;
    const char *role; /* "host" or "buyer" */
    int64_t by_vintage;
    bool has_first_transfer;
    int64_t by_first_transfer;
    bool has_use;
    int64_t by_use;
} mrv_adjustment;

/* Calls 'fn' with each row, in adjustments.csv's order. */
void mrv_ledger_adjustments(const mrv_ledger *l,
                            void (*fn)(const mrv_adjustment *, void *),
                            void *ud);

/* The name of ledger column c (c < MRV_LEDGER_NCOLS): a deduction's, then
** "host", "buyer". */
const char *mrv_ledger_column_name(const mrv_agreement *a, size_t c);

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

/* The file a sweep is written to, with the ledger's (mrv_ledger_write). */
#define MRV_SWEEP_FILE "sweep.csv"

/* One swept number: KEY and its values FROM, FROM + STEP, ... TO. */
typedef struct mrv_sweep_axis {
    char *key;       /* KEY as given */
    size_t n;        /* values */
    mrv_dec *values; /* [n] */
} mrv_sweep_axis;

/* Per-party crediting-period totals over one agreement number, or over
** the grid of two ('mrv allocate --sweep K1=... --sweep K2=...'). */
typedef struct mrv_sweep {
    size_t naxes; /* 1 to MRV_SWEEP_MAX_KEYS */
    mrv_sweep_axis axis[MRV_SWEEP_MAX_KEYS];
    size_t n;        /* rows: every combination, the last axis fastest */
    size_t ncols;    /* issued, then the ledger columns */
    int64_t *totals; /* [n * ncols] */
    bool has_mc;
    mrv_ledger_mc *mc; /* [n] with draws, else NULL (no per-vintage
                       ** arrays) */
} mrv_sweep;

/* The value of axis 'k' in row 'j'. */
mrv_dec mrv_sweep_value(const mrv_sweep *s, size_t j, size_t k);

/* Parses each of 'specs' ("split.buyer_share=0.4:0.8:0.1"; keys:
** split.buyer_share, split.buyer_volume, split.host_volume,
** deductions.NAME.rate, authorized; 1 to MRV_SWEEP_MAX_KEYS of them, each
** key once) and runs the run's agreement with every combination of the
** values, each from FROM to TO (inclusive) in exact decimal steps of
** STEP.  Each key must name a number the agreement has; every
** combination must be valid (two rates together at most 1).  At most
** MRV_SWEEP_MAX_STEPS combinations.  On success sets *out (free with
** mrv_sweep_free).  Errors are recorded without a file position. */
mrv_status mrv_ledger_sweep_grid(const mrv_run *run, const char *const *specs,
                                 size_t nspecs, mrv_sweep **out,
                                 mrv_diag *diag);
/* The same for one key. */
mrv_status mrv_ledger_sweep(const mrv_run *run, const char *spec,
                            mrv_sweep **out, mrv_diag *diag);
void mrv_sweep_free(mrv_sweep *s);
/* The sweep as a table: one row per combination. */
void mrv_ledger_sweep_print(const mrv_run *run, const mrv_sweep *s, FILE *f);
/* sweep.csv: the keys' values, then issued and every ledger column's
** crediting-period total, then with draws the per-draw outcome. */
bool mrv_ledger_sweep_csv(const mrv_ledger *l, const mrv_sweep *s, FILE *f);
/* The same as one JSON object ('mrv allocate --json'): {"keys": [KEY...],
** "rows": [{"values": {KEY: exact decimal...}, "issued": N, COLUMN: N...,
** with draws "p_buyer_volume" (a buyer_volume split), "host_keeps" and
** "buyer_receives" as {p05, p50, p95, mean}}]}. */
void mrv_ledger_sweep_json(const mrv_ledger *l, const mrv_sweep *s, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* MRV_LEDGER_H */
