/*
** mondata.h -- monitored data as a run holds it (docs/monitoring.md).
**
** Plain data, filled while a project is bound (resolve.h) and read by
** the stages after it: the monitoring periods and the days a run covers,
** the data files read with their digests, every parameter whose values
** come from a data file with the rows it kept, where each of its values
** came from (the rows and how they were combined), every gap and how it
** was filled, and every sampling survey with its statistics.
**
** Days are counted as mrv_date_ordinal counts them (1970-01-01 is day 0),
** and a window of days is inclusive at both ends.
*/
#ifndef MRV_MONDATA_H
#define MRV_MONDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "date.h"
#include "diag.h"
#include "units.h"
#include "yamlsrc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A monitoring period of the project: 'monitoring: periods:'. */
typedef struct mrv_period {
    const char *id;
    mrv_date start, end;
    int32_t from, to; /* as days */
    mrv_srcpos pos;
} mrv_period;

/* A data file read, once however many parameters it feeds. */
typedef struct mrv_datafile {
    const char *path; /* as read: relative to the current folder */
    const char *rel;  /* as the project wrote it */
    char sha256_hex[65];
    uint64_t rows;
} mrv_datafile;

/* How the rows that fall in one value are combined. */
typedef enum mrv_agg {
    MRV_AGG_NONE, /* one row at most */
    MRV_AGG_SUM,
    MRV_AGG_MEAN,
    MRV_AGG_MIN,
    MRV_AGG_MAX,
    MRV_AGG_LAST, /* the row with the latest date */
    MRV_AGG_COUNT /* the number of rows */
} mrv_agg;
extern const char *const mrv_agg_names[]; /* "none", "sum", ... */

/* How the rows of a parameter are placed in time. */
typedef enum mrv_timing {
    MRV_TIME_NONE,   /* no date: every row counts wherever read */
    MRV_TIME_DATE,   /* a date per row: the vintage of that day */
    MRV_TIME_YEAR,   /* a year per row: that vintage, whole */
    MRV_TIME_ACTIVE, /* from and to dates: the days in between */
} mrv_timing;

/* What fills a gap (docs/monitoring.md, "Missing data"). */
typedef enum mrv_fill_rule {
    MRV_GAP_ERROR,
    MRV_GAP_HOLD,
    MRV_GAP_ZERO,
    MRV_GAP_VALUE,
    MRV_GAP_CONSERVATIVE
} mrv_fill_rule;
extern const char *const mrv_fill_rule_names[];

/* Where a conservative fill's range comes from. */
typedef enum mrv_range_from {
    MRV_RANGE_RECORDS, /* the lowest and highest readings of the window */
    MRV_RANGE_BOUNDS,  /* the parameter's bounds */
    MRV_RANGE_GIVEN    /* [lo, hi] as written */
} mrv_range_from;

enum { MRV_ROW_VALUE, MRV_ROW_EMPTY, MRV_ROW_REJECTED };

/* A row a monitored parameter keeps: when it counts, for which members,
** its value as written (in the column's unit) and where it is. */
typedef struct mrv_mrow {
    int32_t day;  /* the date's day, or the year (MRV_TIME_YEAR); 0 when
                  ** the rows have no time */
    int32_t day2; /* MRV_TIME_ACTIVE: the last day (INT32_MAX: still
                  ** active); else day */
    uint32_t line, col_key, col_val;
    uint32_t kind; /* MRV_ROW_* */
    uint32_t mem[MRV_MAX_AXES];
    double value;
} mrv_mrow;

/* A parameter whose values come from a data file. */
typedef struct mrv_monparam {
    int param; /* the methodology's parameter index */
    const char *name;
    const mrv_ynode *node; /* the 'csv:' map */
    const mrv_datafile *file;
    const char *value_col; /* NULL: each row counts 1 */
    const char *unit_text; /* the column's unit */
    mrv_unit unit;
    mrv_timing timing;
    const char *time_col[2]; /* date or year; from and to */
    int frequency;           /* 0, or MRV_FREQ_* */
    size_t nmem;
    int mem_dim[MRV_MAX_AXES]; /* the parameter's dimensions in 'over' order */
    const char *mem_col[MRV_MAX_AXES];
    mrv_agg agg;
    bool cumulative;
    bool amount; /* rows add up over the days they cover: annualised */
    bool has_absent;
    double absent; /* internal scale */
    mrv_fill_rule fill;
    double fill_value; /* MRV_GAP_VALUE, in the column's unit */
    mrv_range_from range;
    double range_lo, range_hi; /* MRV_RANGE_GIVEN, in the column's unit */
    const mrv_ynode *missing_node;
    size_t nrows;
    const mrv_mrow *rows; /* sorted by members, then day, then line */
} mrv_monparam;

enum { MRV_FREQ_MONTH = 1, MRV_FREQ_DAY = 2 };

/* Where one value of a monitored parameter came from: rows[first ..
** first + nrows) of its parameter, combined by its aggregate into 'raw'
** (in the column's unit); an amount is then divided by 'share', the
** share of a year its days cover, so that formulas read a yearly rate. */
typedef struct mrv_cellsrc {
    const mrv_monparam *mp;
    size_t first, nrows;
    double raw;
    double share;       /* 0: not an amount */
    int vintage;        /* MRV_NO_YEAR (-1) when the parameter has no vintage */
    size_t gap0, ngaps; /* gaps[gap0 .. gap0 + ngaps) filled in it */
    bool covered;       /* false: a vintage no monitored day reaches (0) */
} mrv_cellsrc;

/* A gap: a slot (a vintage, month or day, for one set of members) that
** a monitored parameter must cover and has no value for, and how it was
** filled. */
typedef struct mrv_gap {
    const mrv_monparam *mp;
    const char *window; /* NULL: the whole run; else the period's id */
    int vintage;        /* -1 when the parameter has no vintage */
    int32_t from, to;   /* the slot's days */
    uint32_t mem[MRV_MAX_AXES];
    uint32_t line; /* the empty or rejected row; 0 when there is none */
    uint32_t kind; /* MRV_ROW_EMPTY, MRV_ROW_REJECTED, or MRV_ROW_VALUE
                   ** for a slot without a row */
    mrv_fill_rule fill;
    double value;              /* what filled it, in the column's unit */
    uint32_t from_line;        /* hold and a range from records: that row */
    const char *chosen;        /* conservative: "lower" or "upper" */
    double lo, hi;             /* conservative: the range tried */
    uint32_t lo_line, hi_line; /* a range from records: each end's row */
} mrv_gap;

/* The estimate of one stratum of a survey (docs/monitoring.md,
** "Sampling surveys"), in the internal scale. */
typedef struct mrv_stratum_est {
    uint32_t mem[MRV_MAX_AXES]; /* the members it is for */
    const char *label;          /* or a named stratum (weights) */
    double weight;              /* its weight in a stratified estimate */
    uint64_t n;
    double mean, sd, se;  /* sd with n - 1 */
    double df;            /* degrees of freedom of t */
    double t;             /* Student t quantile at (1 + confidence) / 2 */
    double half_width;    /* t * se */
    double rel_precision; /* half_width / |mean| (inf when mean is 0) */
    bool met;             /* rel_precision <= the required precision */
    double value;         /* what the parameter takes: mean or a bound */
    const char *used;     /* "mean", "lower bound", "upper bound" */
} mrv_stratum_est;

/* One sampled unit: its stratum, its value (internal scale) and row. */
typedef struct mrv_srow {
    uint32_t mem[MRV_MAX_AXES]; /* the stratum's members, or the named
                                ** stratum in mem[0] */
    uint32_t sample;            /* equation surveys: the unit's member */
    uint32_t line;
    uint32_t col; /* of the value's cell, or of the unit's (equation) */
    double value;
} mrv_srow;

struct mrv_vnode;

/* A parameter estimated from a sample. */
typedef struct mrv_survey {
    int param;
    const char *name;
    const mrv_ynode *node; /* the 'survey:' map */
    const mrv_datafile *file;
    const char *value_col; /* the sampled values' column, or NULL */
    const char *unit_text; /* their unit */
    mrv_unit unit;
    int equation;   /* -1, or the equation giving each unit's value */
    int sample_dim; /* with an equation: the dimension of the units */
    int vintage;    /* with an equation: the vintage it was read at */
    double confidence, precision;
    size_t nmem;
    int mem_dim[MRV_MAX_AXES]; /* the parameter's dimensions */
    size_t nweights;           /* a stratified estimate of one value */
    const char **wname;
    double *weight;
    size_t nrows;
    const mrv_srow *rows;
    size_t nstrata;
    mrv_stratum_est *strata; /* per stratum (per member tuple) */
    bool stratified;         /* one value from weighted strata: */
    mrv_stratum_est combined;
    struct mrv_vnode **leaves; /* per estimate the parameter takes */
    bool pending;              /* a bound is to be chosen by the run */
} mrv_survey;

/* Everything a bound project holds of monitored data. */
typedef struct mrv_mondata {
    size_t nperiods;
    const mrv_period *periods;
    /* The days this run covers: the monitoring periods (or the crediting
    ** period when there are none); a period's run covers that period in
    ** the vintages it touches ('focus'). */
    size_t ncover;
    const int32_t *cover_from, *cover_to;
    const char *focus; /* NULL, or the period's id */
    int32_t focus_from, focus_to;
    size_t nfiles;
    const mrv_datafile *files;
    size_t nparams;
    const mrv_monparam *params;
    size_t ngaps;
    mrv_gap *gaps;
    struct mrv_vnode **gap_leaf; /* the value each gap fills */
    size_t nsurveys;
    mrv_survey *surveys;
    /* The ex-ante project to compare with (docs/monitoring.md): the file
    ** 'monitoring: ex_ante:' names (resolved, checked to lie below the
    ** project's folder), or the project's own file when it adds monitored
    ** data under 'monitoring: parameters:'; NULL when neither. */
    const char *ex_ante_path;
    const mrv_ynode *ex_ante_node; /* where it is named, or NULL */
} mrv_mondata;

#ifdef __cplusplus
}
#endif

#endif /* MRV_MONDATA_H */
