/*
** yamlsrc.h -- YAML files as a small tree of positioned nodes.
**
** The only module that sees libyaml.  A file is read whole (bounded by
** MRV_YAML_MAX_BYTES), hashed (SHA-256, for provenance), and parsed with
** libyaml's event parser into mrv_ynode trees allocated in the caller's
** arena.  Every node keeps its 1-based line and column.  The loader is
** strict where libyaml is lenient: anchors, aliases, explicit tags,
** duplicate mapping keys, non-scalar keys, more than one document and
** nesting deeper than MRV_YAML_MAX_DEPTH are errors with exact positions.
** Typed interpretation (numbers, schema) belongs to model.c, not here.
*/
#ifndef MRV_YAMLSRC_H
#define MRV_YAMLSRC_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "caps.h"
#include "diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mrv_ykind { MRV_Y_SCALAR, MRV_Y_MAP, MRV_Y_SEQ } mrv_ykind;

typedef enum mrv_ystyle { /* how a scalar was written */
                          MRV_YS_PLAIN,
                          MRV_YS_SINGLE,  /* 'single quoted' */
                          MRV_YS_DOUBLE,  /* "double quoted" */
                          MRV_YS_LITERAL, /* | block */
                          MRV_YS_FOLDED   /* > block */
} mrv_ystyle;

typedef struct mrv_ydoc mrv_ydoc;
typedef struct mrv_ynode mrv_ynode;

struct mrv_ynode {
    mrv_ykind kind;
    mrv_srcpos pos;      /* start of the node; pos.file is doc->path */
    const mrv_ydoc *doc; /* the file this node came from */
    size_t mark_index;   /* libyaml's start mark index (characters) */
    size_t byte_off;     /* where the node starts in doc->buf (bytes) */
    size_t end_index;    /* libyaml's end mark index (characters) */
    /* scalars */
    mrv_ystyle style;
    const char *text; /* NUL-terminated value (may contain NULs: len) */
    size_t len;
    /* maps: n pairs keys[i] -> vals[i], in file order, keys are scalars
    ** and unique; sequences: n items in vals[i] (keys is NULL) */
    size_t n;
    mrv_ynode **keys;
    mrv_ynode **vals;
};

struct mrv_ydoc {
    const char *path; /* as given to mrv_yaml_load_file */
    const char *buf;  /* the whole file, NUL-terminated */
    size_t size;      /* bytes in buf */
    unsigned char sha256[32];
    char sha256_hex[65];
    mrv_ynode *root; /* NULL for an empty document (no content) */
};

/* Reads and parses the YAML file at 'path'.  On success sets *out (arena-
** owned) and returns MRV_OK; an empty file (or only comments) gives a doc
** with root NULL.  On failure records every error found (with positions)
** and returns the first one's status: MRV_EREF when the path names no
** readable file (missing, a directory, no permission) and MRV_EIO when
** reading it fails (position: the path, line 0), MRV_ESCHEMA when it
** exceeds the size limit, MRV_ESYNTAX for YAML errors and the strictness
** rules above. */
mrv_status mrv_yaml_load_file(const char *path, mrv_arena *arena,
                              const mrv_ydoc **out, mrv_diag *diag);
/* The same for a file another file names (a methodology, a factor
** table): only a regular file is read, and opening it never blocks, so a
** FIFO or a device there is refused (MRV_EREF) instead of hanging or
** streaming (infile.h). */
mrv_status mrv_yaml_load_regular_file(const char *path, mrv_arena *arena,
                                      const mrv_ydoc **out, mrv_diag *diag);

/* Same, from memory; 'name' is used in positions.  The buffer is copied. */
mrv_status mrv_yaml_load_string(const char *name, const char *buf, size_t len,
                                mrv_arena *arena, const mrv_ydoc **out,
                                mrv_diag *diag);

/* Returns the value of key 'key' in map 'map', or NULL (also when 'map' is
** not a map).  Linear search; maps in our files are small. */
const mrv_ynode *mrv_ymap_get(const mrv_ynode *map, const char *key);

/* Returns the key node whose value is 'val' in 'map', or NULL. */
const mrv_ynode *mrv_ymap_key_of(const mrv_ynode *map, const mrv_ynode *val);

/* Position of byte 'offset' of scalar 's's value in the source file.  For
** a plain or quoted scalar, folded line breaks and escapes are followed
** back to the source, so a formula error lands on its exact line and
** column; for block scalars the line is found likewise.  Falls back to the
** scalar's start when the text cannot be aligned.  offset == len gives
** the position just after the value. */
mrv_srcpos mrv_yaml_scalar_pos(const mrv_ynode *s, size_t offset);

/* "mapping", "sequence" or "scalar", for messages. */
const char *mrv_ykind_name(mrv_ykind k);

#ifdef __cplusplus
}
#endif

#endif /* MRV_YAMLSRC_H */
