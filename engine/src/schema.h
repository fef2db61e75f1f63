/*
** schema.h -- strict reading of YAML nodes into typed values (internal).
**
** Every helper records a positioned error in the sink and returns false
** when the node does not fit, so loaders can keep going and report every
** schema error of a file in one pass.
*/
#ifndef MRV_SCHEMA_H
#define MRV_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "caps.h"
#include "date.h"
#include "decimal.h"
#include "diag.h"
#include "units.h"
#include "yamlsrc.h"

typedef struct mrv_keyspec {
    const char *key;
    bool required;
} mrv_keyspec;

/* Checks that 'map' is a mapping whose keys are all in 'ks' and that every
** required key is present.  'what' names the map in messages ("equation
** 'BE'").  Unknown keys get a "did you mean" hint when one is close. */
bool mrv__check_keys(const mrv_ynode *map, const char *what,
                     const mrv_keyspec *ks, size_t nks, mrv_diag *d);

bool mrv__expect_map(const mrv_ynode *n, const char *what, mrv_diag *d);
/* mrv__check_keys when 'n' is a mapping; false only when it is not one,
** so the known keys of a map with a stray key are still read and
** checked. */
bool mrv__map_keys(const mrv_ynode *n, const char *what, const mrv_keyspec *ks,
                   size_t nks, mrv_diag *d);
bool mrv__expect_seq(const mrv_ynode *n, const char *what, mrv_diag *d);
bool mrv__expect_scalar(const mrv_ynode *n, const char *what, mrv_diag *d);

/* Reading a decimal number (YAML '_' digit separators allowed; hex,
** octal, inf and nan are not): OK, or why not. */
typedef enum mrv__numread {
    MRV__NUM_OK,
    MRV__NUM_SYNTAX,    /* not a decimal number */
    MRV__NUM_OVERFLOW,  /* beyond the largest double */
    MRV__NUM_UNDERFLOW, /* nonzero, but below the smallest normal double */
    MRV__NUM_LONG       /* a decimal number of more than 127 characters */
} mrv__numread;
mrv__numread mrv__read_number(const char *s, size_t len, double *out);
/* "too large: ..." for messages ("" for MRV__NUM_OK). */
const char *mrv__numread_why(mrv__numread r);

/* The one rule for quoted numbers: a number is written plain.  A quoted
** scalar that reads as a number is refused wherever a number is expected,
** with this message (arguments: what, the text). */
#define MRV__UNQUOTE "%s must be a number; remove the quotes around '%s'"
/* A quoted scalar whose text is a number (for the hint above). */
bool mrv__quoted_number(const mrv_ynode *n);

/* A plain scalar that is a decimal number a double holds (no overflow,
** no underflow). */
bool mrv__is_number(const mrv_ynode *n);
/* Reads a number, or records why not: quoted (MRV__UNQUOTE), not a
** number, too large or too small. */
bool mrv__get_number(const mrv_ynode *n, const char *what, double *out,
                     mrv_diag *d);
/* An integer-valued plain number within [lo, hi]. */
bool mrv__get_int(const mrv_ynode *n, const char *what, long lo, long hi,
                  long *out, mrv_diag *d);
/* A Monte Carlo's 'draws': 0 (the central case only) or 2 to
** MRV_MAX_DRAWS; one draw is refused (MRV_ONE_DRAW_WHY). */
bool mrv__get_draws(const mrv_ynode *n, uint64_t *out, mrv_diag *d);
bool mrv__get_u64(const mrv_ynode *n, const char *what, uint64_t *out,
                  mrv_diag *d);
/* A plain integer key that is a year (MRV_YEAR_MIN..MRV_YEAR_MAX). */
bool mrv__is_year(const mrv_ynode *n, int *year);
bool mrv__get_bool(const mrv_ynode *n, const char *what, bool *out,
                   mrv_diag *d);
/* Any scalar as text (a number is accepted as its text). */
bool mrv__get_string(const mrv_ynode *n, const char *what, const char **out,
                     mrv_diag *d);
/* An identifier: [A-Za-z_][A-Za-z0-9_]*, not reserved in formulas. */
bool mrv__get_ident(const mrv_ynode *n, const char *what, const char **out,
                    mrv_diag *d);
bool mrv__is_ident(const char *s);
/* YYYY-MM-DD, a real calendar date. */
bool mrv__get_date(const mrv_ynode *n, const char *what, mrv_date *out,
                   mrv_diag *d);
/* One of 'names' (its index in *out); an error lists them all, with a
** "did you mean" hint when the text is close to one. */
bool mrv__get_enum(const mrv_ynode *n, const char *what,
                   const char *const *names, size_t nn, int *out, mrv_diag *d);
/* A unit string parsed with mrv_unit_parse; errors point inside it. */
bool mrv__get_unit(const mrv_ynode *n, const char *what, mrv_unit *out,
                   const char **text, mrv_diag *d);

/* Records that 'text', a unit written inside scalar 'n' from byte 'at' of
** its text, did not parse (mrv_unit_parse's 'off' and 'why'): at the
** offending character, naming an unknown word with a close spelling from
** the unit table when there is one, and pointing at 'mrv units'. */
void mrv__unit_error(const mrv_ynode *n, size_t at, const char *what,
                     const char *text, size_t off, const char *why,
                     mrv_diag *d);
/* A duration with its unit in d, h, min or s ("365.25 d", "8766 h"), in
** days. */
bool mrv__get_days(const mrv_ynode *n, const char *what, double *days,
                   mrv_diag *d);

/* A number read exactly as written (decimal.h): a plain decimal, or a
** percentage (5%) or a fraction (10/17), which are text by nature and
** may be quoted; a rate, share or volume of an agreement or a
** portfolio. */
bool mrv__get_dec(const mrv_ynode *n, const char *what, mrv_dec *out,
                  mrv_diag *d);
/* A rate or share: from 0 to 1, exactly as written. */
bool mrv__get_share(const mrv_ynode *n, const char *what, mrv_dec *out,
                    mrv_diag *d);
/* Whole tonnes from 0 to MRV_LEDGER_MAX_TONNES (10^15). */
bool mrv__get_tonnes(const mrv_ynode *n, const char *what, int64_t *out,
                     mrv_diag *d);
/* The alphabet of a project's or portfolio's id:
** [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.  It names the output folder (so no
** '/', and no leading '.') and sits inside serial block ids, file names
** and CSV fields (so no ',', '"', spaces or control characters).  A
** block id HOST-PROJECT-VINTAGE-FIRST-LAST stays unambiguous with '-' in
** the id: HOST is three letters and the last three fields are digits, so
** the id is whatever lies between. */
bool mrv__is_file_id(const char *s);
/* A party code, ISO 3166-1 alpha-3: three capital letters. */
bool mrv__is_party(const char *s);
bool mrv__get_party(const mrv_ynode *n, const char *what, const char **out,
                    mrv_diag *d);

/* Parses "NUMBER" or "NUMBER UNIT" (e.g. "25 km/d", "5%").  When 's' starts
** with a number, sets *unit_text (NULL when no unit) and returns how the
** number read (MRV__NUM_OK: *value is set); else MRV__NUM_SYNTAX. */
mrv__numread mrv__split_quantity(const char *s, double *value,
                                 const char **unit_text);

#endif /* MRV_SCHEMA_H */
