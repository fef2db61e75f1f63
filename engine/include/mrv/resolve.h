/*
** resolve.h -- a project bound to its methodology and factor tables.
**
** resolve loads the project file, finds its methodology (by id on the
** search path, or by a relative path ending in .yaml) and every factor
** table a value refers to, then binds: the dimensions' members, the
** vintages with their day shares (frac), and each parameter's value tree
** in the internal unit scale, checked against the parameter's axes,
** bounds, fill rule and unit.  Everything lives in one arena owned by the
** mrv_bound and released by mrv_bound_free().
*/
#ifndef MRV_RESOLVE_H
#define MRV_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "caps.h"
#include "diag.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where methodologies and factor tables are looked up by id: each
** directory in order; DIR/ID.yaml. */
typedef struct mrv_search {
    const char *const *meth_dirs;
    size_t nmeth;
    const char *const *factor_dirs;
    size_t nfactor;
    /* Allocation function of the model's arena (NULL: malloc, in 64 KiB
    ** chunks).  With one given, every allocation is a block of its own,
    ** so tests can fail each allocation site of a load in turn (see
    ** mrv_arena_set_chunk_size). */
    mrv_allocf alloc;
    void *alloc_ud;
} mrv_search;

typedef struct mrv_input_file {
    const char *role; /* "project", "methodology", "factors", "data" */
    const char *path; /* as read */
    const char *sha256_hex;
    const mrv_ydoc *doc; /* NULL for a data file */
} mrv_input_file;

typedef struct mrv_bound mrv_bound;
struct mrv_bound {
    mrv_arena *arena; /* owns everything below */
    const mrv_project *project;
    const mrv_methodology *meth;
    size_t nfiles; /* every file read, in reading order */
    mrv_input_file *files;
    size_t ntables;
    const mrv_table **tables;
    int first, last;
    size_t nvint;     /* last - first + 1 */
    double *frac;     /* frac[v]: share of vintage v's days */
    double year_days; /* the project's year_length: the scale of d, h,
                      ** min, s and W against yr (units.h) */
    size_t ndims;     /* as the methodology's dims */
    size_t *nmembers;
    const char *const **members;
    mrv_vnode **values;        /* per methodology parameter */
    const char **value_origin; /* "project" or "default" per param */
    /* Per equation: its per-member 'initial' bound (mrv_equation.
    ** initial_map), else NULL. */
    mrv_vnode **eq_initial;
    /* Where equations' values lie: equation e has eq_nmem[e]
    ** combinations of members of its dimensions (1 when it has none);
    ** its value at vintage index v for combination m is number
    ** eq_base[e] + v * eq_nmem[e] + m of neqvals (mrv_bound_eq_at). */
    size_t *eq_nmem, *eq_base;
    size_t neqvals;
    size_t nfactors_used; /* factor entries referenced */
    const mrv_factor **factors_used;
    /* Monitored data (mondata.h): the days covered, data files,
    ** monitored parameters, gaps, surveys.  Always set. */
    mrv_mondata *mon;
    /* A monitoring period's bound (mrv_bound_focus): the run's bound it
    ** shares its files, methodology and written values with. */
    const mrv_bound *parent;
};

/* Loads and binds the project at 'path'.  On success sets *out (free with
** mrv_bound_free) and returns MRV_OK; otherwise records every error found
** and returns the first one's status (nothing to free). */
mrv_status mrv_resolve(const char *path, const mrv_search *search,
                       mrv_bound **out, mrv_diag *diag);

/* How a project is bound (mrv_resolve_with). */
typedef struct mrv_resolve_opts {
    /* The ex-ante run of a monitored project: the file without its
    ** 'monitoring: parameters', over the monitored project's periods
    ** (docs/monitoring.md, "Ex-ante and monitored"). */
    bool ex_ante;
    size_t nperiods;
    const mrv_period *periods;
} mrv_resolve_opts;
mrv_status mrv_resolve_with(const char *path, const mrv_search *search,
                            const mrv_resolve_opts *opts, mrv_bound **out,
                            mrv_diag *diag);
void mrv_bound_free(mrv_bound *b);

/* ---- equations' values ------------------------------------------------- */

/* The number of equation e's value at vintage index v, combination m. */
size_t mrv_bound_eq_at(const mrv_bound *b, size_t e, size_t v, size_t m);
/* Combination m of equation e: the member of each of its dimensions, in
** the order of its 'over' (the first slowest), into pos[]. */
void mrv_bound_eq_members(const mrv_bound *b, size_t e, size_t m,
                          size_t pos[MRV_MAX_AXES]);
/* The combination of the members pos[] (in the order of 'over'). */
size_t mrv_bound_eq_combo(const mrv_bound *b, size_t e,
                          const size_t pos[MRV_MAX_AXES]);
/* The equation element as messages name it: "A" for an equation over no
** dimension, "A[food]", "A[site_1, food]". */
void mrv_bound_eq_label(const mrv_bound *b, size_t e, size_t m, char *buf,
                        size_t n);

/* ---- monitoring periods and conservative fills (docs/monitoring.md) ---- */

/* The bound of monitoring period 'period' of 'b': the same project with
** its results confined to the period's days.  A vintage the period
** touches takes 'frac' = the period's share of its days and its
** monitored values from the rows dated inside the period; every other
** vintage takes frac 0 and keeps b's values (what a lag reads).  Gaps
** are found again for the period's days.  'b' must outlive *out (free it
** with mrv_bound_free).  Records errors (a gap the project says is an
** error) and returns their status. */
mrv_status mrv_bound_focus(const mrv_bound *b, size_t period, mrv_bound **out,
                           mrv_diag *diag);
/* The conservative choices still to make: monitored parameters with
** conservative gap fills (their indexes in b->mon->params) and surveys
** whose precision falls short (nparams + their indexes in
** b->mon->surveys), up to 'cap' into 'out'; the count. */
size_t mrv_bound_conservative(const mrv_bound *b, size_t *out, size_t cap);
/* Fills every conservative gap of choice 'mp' (as listed by
** mrv_bound_conservative) with its range's upper or lower end, or moves a
** survey's short estimates to the upper or lower bound of their
** interval; 'decided' marks the choice as final (for the report). */
void mrv_bound_set_conservative(mrv_bound *b, size_t mp, bool upper,
                                bool decided);
/* A survey whose units' values come from an equation (mrv_survey.
** equation): estimates it from 'unit_values', the equation's central
** value for every member of its dimension (internal scale).  Records an
** error (a stratum with fewer than two units) and returns its status. */
mrv_status mrv_bound_survey_equation(mrv_bound *b, size_t survey,
                                     const double *unit_values, mrv_diag *diag);

/* ---- reading a value tree ---------------------------------------------- */

#define MRV_NO_YEAR (-1)

/* One element of a parameter, as lowering needs it: the value is
** sum over parts of w * leaf * product of relative multipliers.  A
** linear fill gives two parts; everything else one. */
typedef struct mrv_vpick {
    size_t nparts;
    struct {
        double w;
        const mrv_vnode *leaf;
        size_t nrel;
        const mrv_vnode *rel[MRV_PICK_MAXREL];
    } part[2];
} mrv_vpick;

/* Picks the element of parameter 'p' (index 'pi') at 'year' (MRV_NO_YEAR
** if the parameter has no vintage axis) and members 'mem' (one per
** methodology dimension; only the parameter's axes are read).  Returns
** MRV_OK, or MRV_EREF when the series has no value for 'year' (with the
** years it has written into 'why', up to 'nwhy' bytes). */
mrv_status mrv_bound_pick(const mrv_bound *b, size_t pi, int year,
                          const size_t *mem, mrv_vpick *out, char *why,
                          size_t nwhy);
/* The same from the tree 'root' of the declaration 'p' (an equation's
** per-member 'initial'). */
mrv_status mrv_vnode_pick(const mrv_vnode *root, const mrv_param *p, int year,
                          const size_t *mem, mrv_vpick *out, char *why,
                          size_t nwhy);

/* The picked element's value in the central case, every input at its
** value and every relative multiplier at 1: the sum over parts of w *
** leaf, first part first.  On the central inputs, the instructions
** lowering makes for the element compute exactly this (tested against
** the run's trail). */
double mrv_vpick_central(const mrv_vpick *pk);

/* The leaf a series with fill: zero gives for a year it does not hold:
** 0, certain, from no line of any file (explain tells it by address). */
extern const mrv_vnode mrv_fill_zero_leaf;

#ifdef __cplusplus
}
#endif

#endif /* MRV_RESOLVE_H */
