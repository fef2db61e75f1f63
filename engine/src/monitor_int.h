/*
** monitor_int.h -- monitored data while a project is bound (internal).
**
** Shared by monitor.c (the specs of data-file values and dimensions, and
** reading the files), moncells.c (rows into values: cells, gaps, the
** value trees, periods) and survey.c (samples into estimates).  resolve.c
** drives them through the mrv__mon_* calls declared in resolve_int.h.
*/
#ifndef MRV_MONITOR_INT_H
#define MRV_MONITOR_INT_H

#include "csvsrc.h"
#include "resolve_int.h"
#include "strmap.h"

/* Something that reads rows of a data file: a monitored parameter, a
** survey or a dimension's members. */
typedef struct mrv__reader mrv__reader;
struct mrv__reader {
    const mrv_ynode *path_node; /* the 'csv:' scalar */
    const char *path;           /* resolved against the project's folder */
    /* Finds its columns in the header; false after recording errors. */
    bool (*begin)(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
    /* One row; false after recording an error (reading stops). */
    bool (*row)(mrv__reader *rd, mrv__mon *m, mrv_csvsrc *r);
    /* After the last row, with the file's record. */
    bool (*end)(mrv__reader *rd, mrv__mon *m, const mrv_datafile *f);
    /* Frees what the rows read so far hold, when reading stopped before
    ** 'end' (an error in this file or another); NULL when nothing. */
    void (*drop)(mrv__reader *rd);
    void *self;
    const mrv_datafile *file;
};

struct mrv__mon {
    mrv_bound *b;
    mrv_mondata *md;
    const char *project_dir;
    mrv_diag *d;
    mrv_arena *a;
    bool failed;
    mrv_vec readers; /* mrv__reader * */
    mrv_datafile files[MRV_MAX_DATA_FILES];
    size_t nfiles;
    mrv_vec params;  /* mrv_monparam * (arena) */
    mrv_vec surveys; /* mrv_survey * (arena) */
    mrv_vec gaps;    /* mrv_gap */
    mrv_vec leaves;  /* mrv_vnode *: the value each gap fills */
    /* Per methodology dimension, its members by name for the rows'
    ** member columns (a registry may list a million); built on first
    ** use. */
    mrv__strmap *tabs;
};

/* A parse of one number written in a data file: plain decimal ('.'
** decimals, an optional exponent), a double's range.  Records an error at
** the field and returns false otherwise. */
bool mrv__mon_number(mrv__mon *m, const mrv_csvfield *f, const char *col,
                     double *out);
/* The number of field 'f' of column 'col' (mrv__mon_number), written in
** 'unit' ('unit_text'), as read ('raw') and in the internal units ('out').
** Records an error at the field and returns false when it is no number,
** or when the conversion leaves a double's range: beyond the largest or,
** nonzero, below the smallest normal. */
bool mrv__mon_quantity(mrv__mon *m, const mrv_csvfield *f, const char *col,
                       mrv_unit unit, const char *unit_text, double *raw,
                       double *out);
/* The index of member 'name' of dimension 'dim', or records an error at
** the field (with a hint when a member is close) and returns -1. */
long mrv__mon_member(mrv__mon *m, int dim, const mrv_csvfield *f);
/* Registers a reader of the file named at 'path_node' (confined to the
** project's folder); false after recording why not. */
bool mrv__mon_add_reader(mrv__mon *m, mrv__reader *rd,
                         const mrv_ynode *path_node);
/* The unit 'name' of a value's column, of the dimension of parameter
** 'p'; false after recording an error at 'at'. */
bool mrv__mon_unit(mrv__mon *m, const mrv_ynode *at, const mrv_param *p,
                   mrv_unit *out, const char **text);
/* Reads each member column named in 'map' ({DIM: COLUMN}) for the
** dimensions 'dims' of parameter 'p' (its 'over' without the vintage):
** checks every one is given and is a dimension of the parameter. */
bool mrv__mon_members_spec(mrv__mon *m, const mrv_param *p,
                           const mrv_ynode *map, size_t *n, int *dims,
                           const char **cols);

/* survey.c: registers the survey of parameter 'pi' ({survey: {...}});
** after the files are read, estimates every survey into b->values;
** moves a survey whose precision falls short to a bound. */
bool mrv__mon_survey(mrv__mon *m, size_t pi, const mrv_ynode *n);
bool mrv__mon_surveys_bind(mrv__mon *m);
void mrv__survey_set_bound(mrv_survey *sv, bool upper, bool decided);

/* moncells.c: binds every monitored parameter's value tree for the run's
** days (mrv_mondata's cover and focus); records gaps and errors. */
bool mrv__mon_cells(mrv__mon *m);

#endif /* MRV_MONITOR_INT_H */
