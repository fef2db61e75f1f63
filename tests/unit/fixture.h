/*
** fixture.h -- scratch folders and YAML files for the unit tests.
**
** Tests that need files (projects, methodologies, factor tables) write
** them into a fresh mkdtemp folder under /tmp and remove it afterwards.
** Every helper fails the running cmocka test on error, so callers need
** not check.  Strings returned are malloc'd; free them.
*/
#ifndef MRV_TEST_FIXTURE_H
#define MRV_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "resolve.h"

/* The start of every module test's fixture: an arena and a diagnostics
** sink (STYLE 2.10).  A fixture with more fields begins with FX_BASE:
**     typedef struct fixture { FX_BASE; const mrv_ydoc *doc; } fixture;
*/
#define FX_BASE                                                                \
    mrv_arena *arena;                                                          \
    mrv_diag *diag
typedef struct fx_base {
    FX_BASE;
} fx_base;

/* Allocates a zeroed fixture of 'size' bytes beginning with FX_BASE,
** makes its arena and sink, and stores it in *state; 0 or -1 (cmocka's
** setup convention). */
int fx_base_new(void **state, size_t size);
/* cmocka setup/teardown for a plain fx_base, or for any fixture that
** begins with FX_BASE and owns nothing else. */
int fx_base_setup(void **state);
int fx_base_teardown(void **state);

/* Creates /tmp/mrv-test-XXXXXX and returns its path. */
char *fx_mkdtemp(void);
/* Removes 'dir' and everything below it. */
void fx_rmtree(const char *dir);
/* dir/name, malloc'd. */
char *fx_path(const char *dir, const char *name);
/* Writes 'text' to dir/name and returns the path (malloc'd). */
char *fx_write(const char *dir, const char *name, const char *text);

/* A search path with no methodology folder and the repository's
** data/factors (the tests run from the repository root). */
mrv_search fx_search(void);

/* The first error's message, or "" when there is none. */
const char *fx_first_msg(const mrv_diag *d);

/* Fails the test unless 'd' holds an error at line:col whose message
** contains 'sub' (line 0 skips the position check). */
void fx_expect_error(const mrv_diag *d, unsigned line, unsigned col,
                     const char *sub);
/* The same, printing the mismatch and returning false instead of failing,
** so a table-driven test can report every bad row at once. */
bool fx_has_error(const mrv_diag *d, unsigned line, unsigned col,
                  const char *sub);

#endif /* MRV_TEST_FIXTURE_H */
