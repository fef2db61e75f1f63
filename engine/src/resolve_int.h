/*
** resolve_int.h -- shared between resolve.c, values.c and the portfolio
** loader (internal).
*/
#ifndef MRV_RESOLVE_INT_H
#define MRV_RESOLVE_INT_H

#include "resolve.h"
#include "strmap.h"

typedef struct mrv__valctx mrv__valctx;
struct mrv__valctx {
    mrv_arena *a;
    mrv_diag *d;
    const mrv_methodology *m;
    const size_t *nmembers; /* per methodology dimension */
    const char *const *const *members;
    /* Per methodology dimension, its members by name: values.c builds
    ** each on first use; the owner of the context frees them, and a
    ** failed one means out of memory. */
    mrv__strmap *member_index;
    int first, last;
    double year_days; /* the project's year_length */
    /* Finds "TABLE/ENTRY" (loading the table on first use); records a
    ** positioned error and returns NULL when it cannot. */
    const mrv_factor *(*factor)(mrv__valctx *c, const char *ref,
                                const mrv_ynode *at);
    void *ud;
    bool failed;
};

/* Parses the value of parameter 'p' written at 'n' (project value or
** methodology default).  Returns the tree, or NULL after recording errors
** (and setting c->failed). */
mrv_vnode *mrv__value_parse(mrv__valctx *c, const mrv_param *p,
                            const mrv_ynode *n);

/* Checks that the project of bound 'b' (its values bound, those that
** could be) gives itself every parameter the options its choices take
** need (mrv_param.needs), recording a positioned error for each option
** that lacks one; with 'warn', warns of a parameter given that only
** options not taken need.  False when it recorded errors. */
bool mrv__needs_check(const mrv_bound *b, bool warn, mrv_diag *d);

/* How many values an array over axes[0..n) holds (MRV_AXIS_VINTAGE:
** the nvint vintages; else a dimension of 'm', of nmembers[] members),
** for a cap check and its message. */
typedef struct mrv__count {
    uint64_t n;        /* UINT64_MAX past 64 bits (mrv__caps_mul) */
    char text[32];     /* "4294967296", or "about 1.8e+19" past 64 bits */
    char factors[400]; /* "a (65536) x b (65536)", "vintage (2) x a (9)" */
} mrv__count;
void mrv__count_axes(mrv__count *c, const mrv_methodology *m,
                     const size_t *nmembers, size_t nvint, const int *axes,
                     size_t n);

/* "2025-2030, 2032" for the years of a series node. */
void mrv__years_text(const mrv_vnode *n, char *buf, size_t len);

/* ---- monitored data (monitor.c, moncells.c, survey.c) ------------------ */

typedef struct mrv__mon mrv__mon;
/* State for reading the data files of bound project 'b' (whose project,
** methodology, arena and vintages are set), named relative to
** 'project_dir'.  NULL when out of memory. */
mrv__mon *mrv__mon_new(mrv_bound *b, const char *project_dir, mrv_diag *d);
void mrv__mon_free(mrv__mon *m);
/* The members of every dimension the project reads from a data file
** (b->members of those dimensions); false after recording errors. */
bool mrv__mon_dims(mrv__mon *m);
/* Whether project value 'n' takes its values from a data file ('csv:' or
** 'survey:'). */
bool mrv__mon_is_data(const mrv_ynode *n);
/* Registers parameter 'pi''s value 'n' (mrv__mon_is_data); false after
** recording errors in it. */
bool mrv__mon_param(mrv__mon *m, size_t pi, const mrv_ynode *n);
/* Reads every registered file and binds every registered parameter into
** b->values; b->mon is complete after it.  False after recording errors. */
bool mrv__mon_bind(mrv__mon *m);
/* The share of year y's days the run of 'b' covers (its frac). */
double mrv__covered_share(const mrv_bound *b, int y);
/* The data files read, for the bound's list of inputs. */
size_t mrv__mon_files(const mrv__mon *m, const mrv_datafile **files);

/* Paths as files name them.  'rel' joined to 'dir' ("./" prefixes
** dropped; an absolute 'rel' or a 'dir' of "." gives 'rel'), and the
** folder holding 'path' ("." when it has no '/'); both in the arena,
** NULL when it is out of memory. */
char *mrv__path_join(mrv_arena *a, const char *dir, const char *rel);
char *mrv__path_dir(mrv_arena *a, const char *path);
/* A name usable as a file name component, looked up by id on a search
** path: [A-Za-z0-9_.-], not starting with '.', at most 128 characters. */
bool mrv__plain_name(const char *s);
bool mrv__ends_with(const char *s, const char *suffix);
/* The first regular file DIR/ID.yaml of dirs[0..n), as a run finds a
** methodology or factor table by id (malloc'd), or NULL: none there, or
** out of memory, which sets *nomem. */
char *mrv__find_by_id(const char *const *dirs, size_t n, const char *id,
                      bool *nomem);

#endif /* MRV_RESOLVE_INT_H */
