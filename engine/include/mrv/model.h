/*
** model.h -- the typed model: methodologies, projects, factor tables.
**
** load (this header's loaders) turns YAML trees into plain structs that
** keep the YAML node of every value, so later stages can point at the
** exact line and column.  Nothing here evaluates a formula.  Every struct
** lives in the arena passed to the loader and is released with it.
**
** Parameter values (docs/formats.md) are kept as value trees (mrv_vnode): a
** leaf holds one number already converted to the internal scale (units.h);
** a year map holds a series; a member map holds one subtree per member of
** a dimension; any node may carry an uncertainty (docs/formats.md), absolute on
** a leaf or relative (a multiplier around 1) on a map.
*/
#ifndef MRV_MODEL_H
#define MRV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agreement.h"
#include "arena.h"
#include "caps.h"
#include "conserv.h"
#include "date.h"
#include "diag.h"
#include "expr.h"
#include "mondata.h"
#include "units.h"
#include "yamlsrc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- uncertainty (docs/uncertainty.md) -------------------------------- */

typedef enum mrv_dist {
    MRV_DIST_NONE,
    MRV_DIST_NORMAL,     /* mean = value, sd */
    MRV_DIST_LOGNORMAL,  /* median = value, gsd: ln X ~ N(ln value, ln gsd) */
    MRV_DIST_TRIANGULAR, /* mode = value, min, max */
    MRV_DIST_UNIFORM,    /* min, max */
    MRV_DIST_PERT        /* mode = value, min, max */
} mrv_dist;

enum { MRV_VARY_VINTAGE = 1, MRV_VARY_MEMBER = 2 };

typedef struct mrv_uncert {
    mrv_dist dist;
    bool relative;            /* a multiplier around 1 (maps, series, '10%') */
    double center;            /* value, mode or median (internal scale; 1 if
                              ** relative) */
    double sd, gsd, min, max; /* as the dist needs, internal scale */
    unsigned vary;            /* MRV_VARY_* bits */
    double lo, hi;            /* truncation from the parameter's bounds (in
                              ** the drawn quantity's own terms); -inf/+inf */
    uint64_t stream;          /* where the RNG stream derives from: the
                              ** parameter and the years and members on
                              ** the way to this value, or the factor
                              ** entry (shared by every parameter that
                              ** reads it); a hash of that structure */
    const char *text; /* as written, for reports ("10%", "normal sd 800") */
    mrv_srcpos pos;
} mrv_uncert;

/* ---- value trees ------------------------------------------------------- */

typedef enum mrv_vkind {
    MRV_V_LEAF,   /* one number */
    MRV_V_YEARS,  /* series: years[i] -> kids[i], years ascending */
    MRV_V_MEMBERS /* kids[m] for each member m of dimension 'dim' */
} mrv_vkind;

typedef struct mrv_vnode mrv_vnode;
struct mrv_vnode {
    mrv_vkind kind;
    double value;          /* LEAF: internal scale */
    const char *source;    /* LEAF: factor entry "TABLE/ENTRY", or NULL */
    const char *text;      /* LEAF: as written, with the unit its number
                           ** is in when not the parameter's: "25 km/d",
                           ** "12 t/d" ({value: 12, unit: t/d}), "0.95",
                           ** "TABLE/ENTRY" */
    const char *unit_text; /* LEAF: the unit its number is in when not the
                           ** parameter's: a quantity's, a wrapper's
                           ** 'unit', a factor entry's; else NULL */
    int dim;               /* MEMBERS: dimension index in methodology */
    size_t n;
    int *years;            /* YEARS */
    mrv_vnode **kids;      /* YEARS, MEMBERS */
    const mrv_uncert *unc; /* absolute on a LEAF, relative on a map;
                           ** NULL when certain */
    mrv_srcpos pos;
    /* LEAF of a monitored parameter: the rows it came from (mondata.h);
    ** NULL for a value written in YAML. */
    const mrv_cellsrc *cell;
};

/* ---- factor tables (docs/formats.md) ----------------------------------- */

typedef struct mrv_factor {
    const char *id;    /* "TABLE/ENTRY" */
    const char *entry; /* "ENTRY" */
    double value;      /* as written, in 'unit' */
    const char *unit_text;
    mrv_unit unit;
    const mrv_ynode *uncert_node; /* NULL when none */
    const char *source;           /* entry's source, else the table's */
    mrv_srcpos pos;
    const mrv_ynode *node;
} mrv_factor;

typedef struct mrv_table {
    const mrv_ydoc *doc;
    const char *id;
    const char *source;
    size_t n;
    mrv_factor *entries;
} mrv_table;

/* ---- methodology (docs/formats.md) ------------------------------------- */

enum { MRV_AXIS_VINTAGE = -1 }; /* in mrv_param.over: else a dim index */

typedef enum mrv_fill {
    MRV_FILL_NONE,
    MRV_FILL_HOLD,
    MRV_FILL_LINEAR,
    MRV_FILL_ZERO /* a year not given is 0: deployment that stops */
} mrv_fill;

typedef struct mrv_dimdecl {
    const char *name;
    const char *description;
    mrv_srcpos pos;
} mrv_dimdecl;

/* The parameters one option of a choice reads and a project must give
** (mrv_param.needs). */
typedef struct mrv_choice_needs {
    size_t n;
    const int *params; /* indexes of methodology parameters */
} mrv_choice_needs;

typedef struct mrv_param {
    const char *name;
    mrv_srcpos pos;
    const char *unit_text;
    mrv_unit unit;
    size_t nover;
    int over[MRV_MAX_AXES]; /* MRV_AXIS_VINTAGE or a dimension index */
    bool has_bounds;
    double lo, hi; /* as written, in the declared unit */
    mrv_fill fill;
    const mrv_ynode *default_node; /* value syntax of §4.2, or NULL */
    const char *description;
    /* A choice parameter ({choice: [none, measured]}) takes one of these
    ** names; its value is the name's index, certain and dimensionless,
    ** and formulas only compare it with a quoted name.  0: a number. */
    size_t nchoices;
    const char **choices;
    /* What each choice needs ({needs: {measured: [M]}}): nchoices
    ** entries, needs[k] the parameters a project must give itself (not
    ** take from their defaults) when its value takes choice k; NULL when
    ** the declaration has no 'needs'. */
    const struct mrv_choice_needs *needs;
    /* The per-member 'initial' of an equation over dimensions, read as a
    ** value of this (unnamed) parameter: the equation's name, unit and
    ** dimensions, no uncertainty (mrv_equation.initial_map). */
    bool is_initial;
} mrv_param;

typedef struct mrv_equation {
    const char *name;
    mrv_srcpos pos;
    const char *unit_text;
    mrv_unit unit;
    /* An equation over dimensions ('over: [waste]') has a value per
    ** vintage and member of each; in its formulas each dimension's name
    ** stands for the member being computed.  nover 0: one per vintage. */
    size_t nover;
    int over[MRV_MAX_AXES]; /* dimension indexes */
    mrv_srcpos over_pos;
    const mrv_ynode *formula_node;
    mrv_ast *ast;
    const mrv_ynode *initial_node; /* NULL when none */
    mrv_ast *initial;       /* a number is parsed as a formula; NULL for a
                            ** map */
    bool initial_is_number; /* then in the declared unit */
    /* An 'initial' given per member ({paper: 0, food: 12}): the
    ** declaration its value tree is bound with (is_initial set; bound as
    ** mrv_bound.eq_initial); its default_node is the map. */
    mrv_param initial_map;
    const char *description;
} mrv_equation;

/* A rule the methodology imposes that a validator checks a project
** against (the Type III small-scale limit, the factor valid for
** electricity consumed): its text and source, and the choice parameter by
** which a project says how it meets it, if any.  Reports state each rule
** with the project's answer (docs/formats.md, "Rules"). */
typedef struct mrv_meth_rule {
    const char *name;
    mrv_srcpos pos;
    const char *text;   /* what the rule says */
    const char *source; /* where it comes from, or NULL */
    int choice;         /* index of a choice parameter, or -1 */
} mrv_meth_rule;

enum {
    MRV_RES_BASELINE,
    MRV_RES_PROJECT,
    MRV_RES_LEAKAGE,
    MRV_RES_REDUCTIONS,
    MRV_NRESULTS
};
extern const char *const mrv_result_names[MRV_NRESULTS];

typedef struct mrv_methodology {
    const mrv_ydoc *doc;
    const char *id;
    const char *title;
    const char *reference;
    const char *description;
    long version;
    bool removals; /* kind: removals */
    size_t ndims;
    mrv_dimdecl *dims;
    size_t nparams;
    mrv_param *params;
    size_t neqs;
    mrv_equation *eqs;
    int results[MRV_NRESULTS]; /* equation indexes */
    mrv_srcpos results_pos[MRV_NRESULTS];
    size_t nrules;
    mrv_meth_rule *rules;                  /* in the order written */
    const mrv_rule_spec *conservativeness; /* NULL: none (conserv.h) */
} mrv_methodology;

/* ---- project (docs/formats.md) ----------------------------------------- */

typedef struct mrv_pdim { /* dimensions: NAME: [members] */
    const char *name;
    mrv_srcpos pos;
    size_t n;
    const char **members;
    mrv_srcpos *member_pos;
    /* Members read from a data file ({csv: PATH, column: NAME}): one per
    ** row, filled when the project is bound; NULL for a list. */
    const mrv_ynode *csv, *column;
} mrv_pdim;

typedef enum mrv_sampling { MRV_SAMPLE_RANDOM, MRV_SAMPLE_LHS } mrv_sampling;

typedef struct mrv_mcspec {
    bool given;
    uint64_t draws;
    uint64_t seed;
    double confidence;
    mrv_sampling method;
    mrv_srcpos pos;
} mrv_mcspec;

typedef struct mrv_project {
    const mrv_ydoc *doc;
    const char *id;
    const char *title;
    const char *description;
    const char *host;
    const char *methodology; /* id, or a relative path ending .yaml */
    const mrv_ynode *methodology_node;
    int first, last; /* crediting period years */
    bool by_dates;
    mrv_date start, end; /* when by_dates */
    mrv_srcpos period_pos;
    size_t ndims;
    mrv_pdim *dims;
    const mrv_ynode *params; /* the parameters: map, or NULL */
    size_t nfactors;         /* factors: [paths] */
    const mrv_ynode **factors;
    mrv_mcspec mc;
    double year_days;                      /* year_length, in days (365) */
    const mrv_ynode *year_length;          /* as written, or NULL */
    const mrv_allocation *allocation;      /* NULL: none (agreement.h) */
    const mrv_rule_spec *conservativeness; /* NULL: none (conserv.h) */
    /* monitoring: (docs/monitoring.md) */
    size_t nperiods;
    mrv_period *periods;            /* ascending, disjoint, inside */
    const mrv_ynode *monitored;     /* monitoring: parameters:, or NULL */
    const mrv_ynode *ex_ante;       /* monitoring: ex_ante:, or NULL */
    int32_t period_from, period_to; /* the crediting period's days */
} mrv_project;

/* What kind of mrv file a document is, from its top-level keys. */
typedef enum mrv_filekind {
    MRV_FILE_UNKNOWN,
    MRV_FILE_METHODOLOGY,
    MRV_FILE_PROJECT,
    MRV_FILE_TABLE,
    MRV_FILE_PORTFOLIO
} mrv_filekind;
mrv_filekind mrv_model_kind(const mrv_ydoc *doc);

/* Each loader checks the whole document against its schema (unknown and
** missing keys, types, ranges, units, formula syntax), records every error
** it finds, and returns the first one's status; *out is set only on
** MRV_OK.  Everything is allocated in 'arena'. */
mrv_status mrv_methodology_load(const mrv_ydoc *doc, mrv_arena *arena,
                                const mrv_methodology **out, mrv_diag *diag);
mrv_status mrv_project_load(const mrv_ydoc *doc, mrv_arena *arena,
                            const mrv_project **out, mrv_diag *diag);
mrv_status mrv_table_load(const mrv_ydoc *doc, mrv_arena *arena,
                          const mrv_table **out, mrv_diag *diag);

/* The conservativeness rule that acts on project 'p' of methodology 'm':
** the project's, which replaces the methodology's (one rule, applied
** once), else the methodology's; NULL when neither names one.  *from is
** set to "project" or "methodology" (NULL with no rule). */
const mrv_rule_spec *mrv_project_rule(const mrv_project *p,
                                      const mrv_methodology *m,
                                      const char **from);

/* A choice parameter's names as a list for messages, "none, default,
** measured" (shortened with "..." to fit 'n' bytes). */
void mrv_param_choices_text(const mrv_param *p, char *buf, size_t n);
/* The message for 'name', which is not one of p's choices: "'x' is not a
** choice of 'P' (did you mean 'y'?); its choices are ...". */
void mrv_param_not_a_choice(const mrv_param *p, const char *name, char *buf,
                            size_t n);

/* Whether equation 'eq' of compiled methodology 'm' reads parameter 'pi'
** in its formula or initial, directly or through the equations it reads
** (compile.h resolves the names first). */
bool mrv_methodology_reads(const mrv_methodology *m, int eq, int pi);

/* Index of a parameter / equation / dimension by name, or -1. */
int mrv_methodology_param(const mrv_methodology *m, const char *name);
int mrv_methodology_equation(const mrv_methodology *m, const char *name);
int mrv_methodology_dim(const mrv_methodology *m, const char *name);
const mrv_factor *mrv_table_entry(const mrv_table *t, const char *entry);

#ifdef __cplusplus
}
#endif

#endif /* MRV_MODEL_H */
