/*
** agreement.h -- the project's 'allocation': the agreement between host
** and buyer, as plain data (docs/allocation.md).
**
** Read and validated by mrv_allocation_load; applied by the ledger
** (ledger.h), which turns estimates into issued units and splits them.
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
** not vintage, estimate, issued, host, buyer or total), 'rate' (in
** [0, 1], read exactly from its text: a decimal of up to 18 digits, a
** percentage such as 5%, or a fraction such as 1/40), 'to'
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
** 'split' is one of {buyer_share: s} (in [0, 1], exact as a rate; optional
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
** A 'conservativeness' rule (conserv.h) acts on the estimate before any
** of this; 'basis: lower' is itself such a rule.
*/
#ifndef MRV_AGREEMENT_H
#define MRV_AGREEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "caps.h"
#include "conserv.h"
#include "decimal.h"
#include "diag.h"
#include "yamlsrc.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/* A validated agreement: the numbers the waterfall reads, plain data
** copied by value (the sweep changes one number of a copy).  Strings and
** auth_v are borrowed from the model it was read from. */
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

typedef enum mrv_basis {
    MRV_BASIS_CENTRAL,
    MRV_BASIS_MEAN,
    MRV_BASIS_LOWER
} mrv_basis;

typedef enum mrv_ftdef { /* ORDER EVENTS: mrv__event_names in agreement.c */
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

/* Reads and validates the 'allocation' map 'node' into the arena 'a'.
** 'first' and 'nvint' are the crediting period, which vintage-keyed maps
** must cover; 'host' is the project's 'host' node, or NULL.  Records
** every schema error with its position and returns the first one's
** status; *out is set only on MRV_OK. */
mrv_status mrv_allocation_load(const mrv_ynode *node, int first, size_t nvint,
                               const mrv_ynode *host, mrv_arena *a,
                               const mrv_allocation **out, mrv_diag *diag);

/* 'basis: lower' is itself a conservativeness rule, so it cannot be
** combined with another: records an error at the basis (and a note at
** the rule) when allocation 'a' says 'basis: lower' and 'rule', the rule
** that acts (NULL: none), is not 'none'.  'from' says whose rule it is
** ("project" or "methodology"). */
void mrv_allocation_check_rule(const mrv_allocation *a,
                               const mrv_rule_spec *rule, const char *from,
                               mrv_diag *diag);

/* Sums the rates of the unit-moving deductions of issued or authorized
** units into *sum, exactly; returns false when the sum exceeds 1, which
** makes the agreement invalid, or when fractions make it too large for 64
** bits (then sum->den is 0).  Deductions of what remains can never take
** more than all of it and are left out. */
bool mrv_agreement_rates_ok(const mrv_agreement *a, mrv_dec *sum);

#ifdef __cplusplus
}
#endif

#endif /* MRV_AGREEMENT_H */
