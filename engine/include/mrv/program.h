/*
** program.h -- the flat program that evaluates a bound model.
**
** Lowering (lower.h) turns every equation at every vintage into straight-
** line code over "slots": columns of doubles, one element per Monte Carlo
** draw of the current block.  Sums, subscripts, lags and everything that
** does not depend on a draw are resolved while lowering, so the VM
** (eval.h) only runs arithmetic: interpretation costs one dispatch per
** instruction per block, never per draw.
**
** Slot layout: [0, ninputs) are the uncertain inputs, filled per block by
** the sampler (or with their central values); then the constants, filled
** once; then temporaries.  An instruction never writes a slot it reads.
*/
#ifndef MRV_PROGRAM_H
#define MRV_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opcodes.  ORDER OPS: eval_run.h's switch and eval.c's op_names[] follow
** this list.
** R[x] is slot x; K is the instruction's constant. */
typedef enum mrv_opcode {
    MRV_I_ADD,   /* R[a] := R[b] + R[c] */
    MRV_I_SUB,   /* R[a] := R[b] - R[c] */
    MRV_I_MUL,   /* R[a] := R[b] * R[c] */
    MRV_I_DIV,   /* R[a] := R[b] / R[c]; NaN when R[c] is 0 */
    MRV_I_POW,   /* R[a] := pow(R[b], R[c]) */
    MRV_I_ADDK,  /* R[a] := R[b] + K */
    MRV_I_SUBK,  /* R[a] := R[b] - K */
    MRV_I_RSUBK, /* R[a] := K - R[b] */
    MRV_I_MULK,  /* R[a] := R[b] * K */
    MRV_I_MADDK, /* R[a] := R[b] + R[c] * K: two roundings, an ADD of a MULK
                 ** fused by lowering (one pass over the columns) */
    MRV_I_DIVK,  /* R[a] := R[b] / K */
    MRV_I_RDIVK, /* R[a] := K / R[b]; NaN when R[b] is 0 */
    MRV_I_POWK,  /* R[a] := pow(R[b], K) */
    MRV_I_RPOWK, /* R[a] := pow(K, R[b]) */
    MRV_I_POWI,  /* R[a] := R[b]^c for the integer c (signed, in c) */
    MRV_I_NEG,   /* R[a] := -R[b] */
    MRV_I_ABS,   /* R[a] := |R[b]| */
    MRV_I_EXP,   /* R[a] := exp(R[b]) */
    MRV_I_LN,    /* R[a] := ln(R[b]) */
    MRV_I_LOG10, /* R[a] := log10(R[b]) */
    MRV_I_SQRT,  /* R[a] := sqrt(R[b]) */
    MRV_I_FLOOR, /* R[a] := floor(R[b]) */
    MRV_I_CEIL,  /* R[a] := ceil(R[b]) */
    MRV_I_ROUND, /* R[a] := mrv_eval_round(R[b], c) (signed c decimals) */
    MRV_I_LT,    /* R[a] := R[b] < R[c] (1 or 0; NaN if either is not finite) */
    MRV_I_LE,    /* R[a] := R[b] <= R[c] */
    MRV_I_GT,    /* R[a] := R[b] > R[c] */
    MRV_I_GE,    /* R[a] := R[b] >= R[c] */
    MRV_I_EQ,    /* R[a] := R[b] == R[c] */
    MRV_I_NE,    /* R[a] := R[b] != R[c] */
    MRV_I_AND,   /* R[a] := R[b] && R[c] (nonzero is true; not finite -> NaN) */
    MRV_I_OR,    /* R[a] := R[b] || R[c] */
    MRV_I_NOT,   /* R[a] := !R[b] */
    MRV_I_MIN,   /* R[a] := min(R[b], R[c]) (NaN if either is not finite) */
    MRV_I_MAX,   /* R[a] := max(R[b], R[c]) */
    MRV_I_SEL,   /* R[a] := R[b] ? R[c] : R[d] (condition not finite -> NaN) */
    MRV_I_CHECK, /* count non-finite R[b] into check number c */
    MRV_I_COUNT
} mrv_opcode;

typedef struct mrv_insn {
    uint32_t op;
    uint32_t a, b, c, d;
    double k;
    uint32_t site; /* index into sites: where it came from */
} mrv_insn;

/* Where an instruction came from: formula of equation 'eq' (its initial
** formula when 'initial'), at byte 'off' of the formula. */
typedef struct mrv_site {
    int eq;
    bool initial;
    size_t off;
} mrv_site;

/* One uncertain input column: a draw of 'unc' for one (year, members)
** key.  Inputs with the same stream id share their draws. */
typedef struct mrv_input {
    const mrv_uncert *unc;
    uint64_t stream; /* unc->stream, with the year drawn for if it varies
                     ** by vintage and the member of each dimension if it
                     ** varies by member (hash.h's stream ids) */
    double center;   /* the central case's value */
    /* Where it belongs, to name it (sensitivity): the parameter that
    ** first read it, the year it is drawn for (vary: vintage; else -1)
    ** and, when it varies by member, the member of each of the
    ** parameter's dimensions (dimension << 24 | member index). */
    const mrv_param *param;
    int year;
    uint32_t nmem;
    uint32_t mem[MRV_MAX_AXES];
} mrv_input;

/* A non-finite check: equation 'eq' at vintage index 'v', for its
** combination 'm' of members (0 when it is over no dimension). */
typedef struct mrv_check {
    int eq;
    size_t v;
    size_t m;
} mrv_check;

typedef struct mrv_program {
    size_t nslots;
    size_t ninputs;
    mrv_input *inputs;
    size_t nconsts;
    uint32_t *const_slot;
    double *const_value;
    size_t ncode;
    mrv_insn *code;
    size_t nsites;
    mrv_site *sites;
    size_t nchecks;
    mrv_check *checks;
    size_t nvint;
    uint32_t *result_slot; /* [v * MRV_NRESULTS + r] */
    double *result_scale;  /* [v * MRV_NRESULTS + r]: frac / unit scale */
    /* The central program of a lowering with keep_equations (lower.h):
    ** the slot holding equation e's value at vintage index v for its
    ** combination of members m, [mrv_bound_eq_at(b, e, v, m)], in the
    ** internal scale; NULL otherwise. */
    uint32_t *eq_slot;
} mrv_program;

const char *mrv_opcode_name(mrv_opcode op);

/* Which operand fields of an instruction with opcode 'op' are slots it
** reads: b (1), c (2), d (4). */
unsigned mrv_opcode_reads(mrv_opcode op);

#ifdef __cplusplus
}
#endif

#endif /* MRV_PROGRAM_H */
