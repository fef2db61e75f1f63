/*
** diag.h -- the diagnostics sink and source positions.
**
** Every error in an input file is recorded here with its position, in the
** order found, so a whole file's schema errors reach the user at once.  The
** library never prints; the CLI prints the sink with mrv_diag_print() as
** "FILE:LINE:COL: error: MESSAGE", GCC style, so editors can jump to it.
*/
#ifndef MRV_DIAG_H
#define MRV_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "caps.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A position in an input file.  'file' is borrowed: the sink copies it
** when a diagnostic is recorded.  line and col are 1-based, col counted in
** characters; line 0 means "the whole file" (printed as FILE: error: ...),
** and a NULL file means "no file" (printed as mrv: error: ...). */
typedef struct mrv_srcpos {
    const char *file;
    unsigned line;
    unsigned col;
} mrv_srcpos;

typedef enum mrv_severity {
    MRV_SEV_ERROR,
    MRV_SEV_WARNING,
    MRV_SEV_NOTE
} mrv_severity;

typedef struct mrv_diag_entry {
    mrv_srcpos pos; /* pos.file owned by the sink */
    mrv_severity sev;
    mrv_status code; /* MRV_OK for warnings and notes */
    char *msg;       /* owned by the sink */
} mrv_diag_entry;

typedef struct mrv_diag mrv_diag;

/* The sink stops recording (but keeps counting) after
** MRV_DIAG_MAX_ERRORS errors (caps.h). */

/* Returns a new empty sink, or NULL when out of memory. */
mrv_diag *mrv_diag_new(void);
/* Frees the sink and every entry; accepts NULL. */
void mrv_diag_free(mrv_diag *d);
/* Forgets every entry. */
void mrv_diag_reset(mrv_diag *d);

/* Records an error at 'pos' and returns 'code', so call sites can write
** 'return mrv_error(d, pos, MRV_ESCHEMA, "...");'.  If recording itself
** runs out of memory the sink remembers MRV_ENOMEM instead. */
mrv_status mrv_error(mrv_diag *d, mrv_srcpos pos, mrv_status code,
                     const char *fmt, ...) MRV_PRINTF(4, 5);
mrv_status mrv_verror(mrv_diag *d, mrv_srcpos pos, mrv_status code,
                      const char *fmt, va_list ap) MRV_PRINTF(4, 0);
void mrv_warning(mrv_diag *d, mrv_srcpos pos, const char *fmt, ...)
    MRV_PRINTF(3, 4);
/* A note elaborates the entry before it ("cycle goes through here"). */
void mrv_note(mrv_diag *d, mrv_srcpos pos, const char *fmt, ...)
    MRV_PRINTF(3, 4);

size_t mrv_diag_count(const mrv_diag *d);       /* entries recorded */
size_t mrv_diag_error_count(const mrv_diag *d); /* errors, incl. dropped */
/* Returns entry i (0-based, i < count), valid until the next reset. */
const mrv_diag_entry *mrv_diag_get(const mrv_diag *d, size_t i);
/* Returns the first error, or NULL if there is none. */
const mrv_diag_entry *mrv_diag_first(const mrv_diag *d);
/* The code of the first error, or MRV_OK. */
mrv_status mrv_diag_status(const mrv_diag *d);

/* Prints every entry to 'out', one line each.  With 'context', each
** positioned entry is followed by its source line and a caret under the
** column (read back from the file), as compilers do on a terminal. */
void mrv_diag_print(const mrv_diag *d, FILE *out, bool context);

/* Formats one entry as it would be printed, without a newline. */
void mrv_diag_format(const mrv_diag_entry *e, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* MRV_DIAG_H */
