/*
** json.h -- a small strict JSON reader, for our own report.json.
**
** 'mrv verify' reads back what report.c wrote, and report.json files come
** from others, so the reader is strict (RFC 8259 and nothing more: no
** comments, trailing commas, NaN, leading zeros, byte order mark or bare
** control characters; UTF-8 checked, surrogate escapes paired, duplicate
** object keys refused) and bounded (MRV_JSON_MAX_BYTES of input,
** MRV_JSON_MAX_DEPTH nested arrays and objects, MRV_JSON_MAX_NODES
** values).  Every value keeps its 1-based line and column (in
** characters), and every error is placed there: "report.json:3:17: error:
** expected ',' or '}' after an object member".  The tree lives in the
** arena given to the parser and is released with it.
*/
#ifndef MRV_JSON_H
#define MRV_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "caps.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mrv_json_kind {
    MRV_J_NULL,
    MRV_J_BOOL,
    MRV_J_NUMBER,
    MRV_J_STRING,
    MRV_J_ARRAY,
    MRV_J_OBJECT
} mrv_json_kind;

typedef struct mrv_json mrv_json;
struct mrv_json {
    mrv_json_kind kind;
    mrv_srcpos pos;      /* where the value starts; pos.file is the name
                         ** given to the parser (borrowed) */
    bool b;              /* BOOL */
    double num;          /* NUMBER: strtod of its text, finite */
    const char *text;    /* NUMBER: as written; STRING: decoded UTF-8,
                         ** NUL-terminated (\u0000 is refused) */
    size_t len;          /* bytes of text */
    size_t n;            /* ARRAY, OBJECT: items or members */
    mrv_json **items;    /* ARRAY items; OBJECT member values */
    const char **keys;   /* OBJECT member names, in file order */
    mrv_srcpos *key_pos; /* OBJECT: where each name starts */
};

/* Parses 'len' bytes at 'buf' as one JSON document; 'name' is used in
** positions (and must outlive the tree).  On success sets *out and
** returns MRV_OK.  On failure records one positioned error and returns
** MRV_ESYNTAX (malformed), MRV_ESCHEMA (over a limit) or MRV_ENOMEM;
** *out is then NULL. */
mrv_status mrv_json_parse(const char *name, const char *buf, size_t len,
                          mrv_arena *arena, const mrv_json **out,
                          mrv_diag *diag);

/* Reads the file at 'path' whole (at most MRV_JSON_MAX_BYTES) and parses
** it.  Only a regular file is read, opened without blocking (a FIFO or
** a device is refused, never waited on).  A path naming no readable
** regular file is MRV_EREF, a failing read MRV_EIO, both at "path:
** error: ..." (line 0). */
mrv_status mrv_json_load_file(const char *path, mrv_arena *arena,
                              const mrv_json **out, mrv_diag *diag);

/* The value of member 'key' of object 'obj', or NULL (also when 'obj' is
** NULL or not an object). */
const mrv_json *mrv_json_get(const mrv_json *obj, const char *key);

/* "null", "true or false", "number", "string", "array", "object". */
const char *mrv_json_kind_name(mrv_json_kind k);

#ifdef __cplusplus
}
#endif

#endif /* MRV_JSON_H */
