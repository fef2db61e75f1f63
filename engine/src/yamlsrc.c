/*
** yamlsrc.c -- YAML files as a small tree of positioned nodes.
**
** The only file that includes <yaml.h>.  A file is read whole (infile.h:
** bounded, and for files other files name, regular files only), hashed,
** copied NUL-terminated into the caller's arena (mrv_ydoc.buf) and fed to
** libyaml's event parser; each event becomes an mrv_ynode in the same
** arena.  Collections are built on an explicit stack of frames, one per
** open mapping or sequence, whose children collect in malloc'd vectors
** (frozen into the arena when the collection closes), so the stack depth
** is the nesting depth and is capped at MRV_YAML_MAX_DEPTH.
**
** Owns: nothing after return; the frames' vectors and key sets are freed
** on every path.  Borrows: the arena (everything handed out lives there)
** and the diagnostics sink.  Invariants: a node is reachable from
** doc->root only on success; map frames alternate key, value; libyaml
** marks are 0-based and converted once, in pos_from_mark().
**
** Strictness libyaml lacks is added here: anchors, aliases, tags, non-
** scalar keys and duplicate keys are recorded and parsing goes on, so one
** pass reports them all; a second document, over-deep nesting, too many
** nodes and libyaml's own errors stop the parse.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sha256.h"
#include "hash.h"
#include "infile.h"
#include "yamlsrc.h"

/* One open collection. */
typedef struct frame {
    mrv_ynode *node;
    mrv_vec keys, vals;  /* of mrv_ynode * */
    bool want_key;       /* maps: the next child is a key */
    size_t *slots;       /* maps: hash set of key index + 1, or 0 */
    size_t nslots, nset; /* nslots is 0 or a power of two */
} frame;

typedef struct loader {
    mrv_ydoc *doc;
    mrv_arena *arena;
    mrv_diag *diag;
    size_t base; /* bytes before libyaml's input (a BOM) */
    /* libyaml counts characters, positions need bytes: the last mark
    ** converted, so that converting the next (marks only move forward)
    ** reads only the text in between, never the file from its start. */
    size_t mark_chars, mark_bytes;
    frame stack[MRV_YAML_MAX_DEPTH];
    size_t depth;
    size_t nnodes;
    unsigned ndocs;
    mrv_status st; /* first error, or MRV_OK */
} loader;

/* ---- errors ---------------------------------------------------------- */

static void fail(loader *L, mrv_srcpos pos, mrv_status code, const char *fmt,
                 ...) MRV_PRINTF(4, 5);

static void fail(loader *L, mrv_srcpos pos, mrv_status code, const char *fmt,
                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(L->diag, pos, code, fmt, ap);
    va_end(ap);
    if (L->st == MRV_OK) L->st = code;
}

/* Out of memory is reported once, at the file, and always stops. */
static bool nomem(loader *L)
{
    if (L->st != MRV_ENOMEM) {
        mrv_srcpos at = {L->doc->path, 0, 0};
        fail(L, at, MRV_ENOMEM, "out of memory while reading YAML");
        /* The tree and the error list are now incomplete; this matters
        ** more than any syntax error found before. */
        L->st = MRV_ENOMEM;
    }
    return false;
}

static mrv_srcpos pos_from_mark(const loader *L, yaml_mark_t m)
{
    mrv_srcpos p = {L->doc->path, (unsigned)m.line + 1, (unsigned)m.column + 1};
    return p;
}

/* ---- characters and line breaks -------------------------------------- */

/* Length of the line break at s[i], or 0.  The set is libyaml's: LF, CR,
** CRLF, NEL, LS and PS, so our line numbers agree with its marks. */
static size_t brk(const unsigned char *s, size_t i, size_t n)
{
    if (i >= n) return 0;
    if (s[i] == '\r') return i + 1 < n && s[i + 1] == '\n' ? 2 : 1;
    if (s[i] == '\n') return 1;
    if (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0x85) return 2;
    if (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
        (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
        return 3;
    }
    return 0;
}

/* Bytes in the UTF-8 character led by 'c' (1 for stray bytes). */
static size_t u8len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Position of byte 'off' of the loaded buffer, counting from 'from' (a
** byte offset at line 'line', column 'col').  Columns count characters:
** every byte but UTF-8 continuation bytes starts one. */
static void advance_to(const unsigned char *s, size_t n, size_t from,
                       size_t off, unsigned *line, unsigned *col)
{
    for (size_t i = from; i < off && i < n;) {
        size_t b = brk(s, i, n);
        if (b) {
            ++*line;
            *col = 1;
            i += b;
        } else {
            if ((s[i] & 0xC0) != 0x80) ++*col;
            i++;
        }
    }
}

/* ---- building -------------------------------------------------------- */

static mrv_ynode *key_at(const frame *f, size_t i)
{
    return MRV_VEC_AT(&f->keys, mrv_ynode *, i);
}

/* Looks key 'k' up in f's hash set (which has room); returns the index
** + 1 of an equal key, or 0 after storing 'idx' for it. */
static size_t set_find_put(frame *f, const mrv_ynode *k, size_t idx)
{
    size_t mask = f->nslots - 1;
    size_t h = (size_t)mrv__fnv1a(k->text, k->len) & mask;
    for (; f->slots[h]; h = (h + 1) & mask) {
        const mrv_ynode *o = key_at(f, f->slots[h] - 1);
        if (o->len == k->len && memcmp(o->text, k->text, k->len) == 0) {
            return f->slots[h];
        }
    }
    f->slots[h] = idx + 1;
    f->nset++;
    return 0;
}

/* A hash set keeps duplicate detection linear even for a hostile map
** with a million keys.  Returns the earlier key equal to 'k' (about to be
** stored at index f->keys.n), or NULL after remembering it; sets *oom.
** Duplicates stay in f->keys (keys and values stay paired) but only the
** first of each is in the set, so the set never holds more than nset. */
static const mrv_ynode *key_seen(frame *f, const mrv_ynode *k, bool *oom)
{
    if (2 * (f->nset + 1) > f->nslots) {
        size_t nslots = f->nslots ? 2 * f->nslots : 16;
        size_t *slots = calloc(nslots, sizeof *slots);
        if (!slots) {
            *oom = true;
            return NULL;
        }
        free(f->slots);
        f->slots = slots;
        f->nslots = nslots;
        f->nset = 0;
        for (size_t i = 0; i < f->keys.n; i++) {
            if (key_at(f, i)->text) set_find_put(f, key_at(f, i), i);
        }
    }
    size_t first = set_find_put(f, k, f->keys.n);
    return first ? key_at(f, first - 1) : NULL;
}

/* A key as it may appear in a one-line message: control bytes escaped,
** long keys cut short. */
static void show_key(char *out, size_t cap, const mrv_ynode *k)
{
    size_t o = 0;
    for (size_t i = 0; i < k->len && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)k->text[i];
        if (o >= 60 && (c & 0xC0) != 0x80) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

static void frame_free(frame *f)
{
    mrv_vec_free(&f->keys);
    mrv_vec_free(&f->vals);
    free(f->slots);
    memset(f, 0, sizeof *f);
}

/* Anchors and tags are refused wherever they appear.  libyaml puts the
** event's start mark on the anchor or tag when there is one. */
static void check_props(loader *L, const yaml_event_t *e,
                        const yaml_char_t *anchor, const yaml_char_t *tag)
{
    mrv_srcpos at = pos_from_mark(L, e->start_mark);
    if (anchor) {
        fail(L, at, MRV_ESYNTAX, "YAML anchors and aliases are not allowed");
    }
    if (tag) fail(L, at, MRV_ESYNTAX, "YAML tags are not allowed");
}

/* The byte offset in doc->buf of libyaml's character index 'chars'. */
static size_t mark_byte(loader *L, size_t chars)
{
    const unsigned char *s = (const unsigned char *)L->doc->buf;
    size_t n = L->doc->size;
    if (chars < L->mark_chars) { /* never seen, but stay correct */
        L->mark_chars = 0;
        L->mark_bytes = L->base;
    }
    size_t r = L->mark_bytes, c = L->mark_chars;
    for (; r < n; r++) {
        if ((s[r] & 0xC0) == 0x80) continue;
        if (c == chars) break;
        c++;
    }
    L->mark_chars = c;
    L->mark_bytes = r;
    return r;
}

static mrv_ynode *new_node(loader *L, mrv_ykind kind, const yaml_event_t *e)
{
    mrv_srcpos at = pos_from_mark(L, e->start_mark);
    if (++L->nnodes > MRV_YAML_MAX_NODES) {
        fail(L, at, MRV_ESYNTAX, "too many YAML nodes (the limit is %u)",
             MRV_YAML_MAX_NODES);
        return NULL;
    }
    mrv_ynode *y = mrv_arena_alloc(L->arena, sizeof *y);
    if (!y) {
        nomem(L);
        return NULL;
    }
    y->kind = kind;
    y->pos = at;
    y->doc = L->doc;
    y->mark_index = e->start_mark.index;
    y->byte_off = mark_byte(L, e->start_mark.index);
    y->end_index = e->end_mark.index;
    return y;
}

/* Hangs a finished node under the open collection, or makes it the root.
** Returns false when the parse must stop. */
static bool add(loader *L, mrv_ynode *y)
{
    if (L->depth == 0) {
        /* "---" alone yields an empty plain scalar: no content. */
        bool empty =
            y->kind == MRV_Y_SCALAR && y->style == MRV_YS_PLAIN && y->len == 0;
        L->doc->root = empty ? NULL : y;
        return true;
    }
    frame *f = &L->stack[L->depth - 1];
    bool key = f->node->kind == MRV_Y_MAP && f->want_key;
    if (key && y->kind == MRV_Y_SCALAR && y->text) {
        bool oom = false;
        const mrv_ynode *first = key_seen(f, y, &oom);
        if (oom) return nomem(L);
        if (first) {
            char shown[96];
            show_key(shown, sizeof shown, y);
            fail(L, y->pos, MRV_ESYNTAX,
                 "duplicate key '%s' (first at line %u)", shown,
                 first->pos.line);
        }
    }
    if (!mrv_vec_push(key ? &f->keys : &f->vals, &y)) return nomem(L);
    if (f->node->kind == MRV_Y_MAP) f->want_key = !f->want_key;
    return true;
}

static bool wants_key(const loader *L)
{
    if (L->depth == 0) return false;
    const frame *f = &L->stack[L->depth - 1];
    return f->node->kind == MRV_Y_MAP && f->want_key;
}

static bool on_scalar(loader *L, const yaml_event_t *e)
{
    check_props(L, e, e->data.scalar.anchor, e->data.scalar.tag);
    mrv_ynode *y = new_node(L, MRV_Y_SCALAR, e);
    if (!y) return false;
    switch (e->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        y->style = MRV_YS_SINGLE;
        break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        y->style = MRV_YS_DOUBLE;
        break;
    case YAML_LITERAL_SCALAR_STYLE:
        y->style = MRV_YS_LITERAL;
        break;
    case YAML_FOLDED_SCALAR_STYLE:
        y->style = MRV_YS_FOLDED;
        break;
    default:
        y->style = MRV_YS_PLAIN;
        break;
    }
    y->len = e->data.scalar.length;
    y->text =
        mrv_arena_strndup(L->arena, (const char *)e->data.scalar.value, y->len);
    if (!y->text) return nomem(L);
    return add(L, y);
}

static bool on_alias(loader *L, const yaml_event_t *e)
{
    fail(L, pos_from_mark(L, e->start_mark), MRV_ESYNTAX,
         "YAML anchors and aliases are not allowed");
    /* A placeholder keeps the map's key/value rhythm; its NULL text keeps
    ** it out of the duplicate-key check. */
    mrv_ynode *y = new_node(L, MRV_Y_SCALAR, e);
    return y && add(L, y);
}

static bool on_start(loader *L, const yaml_event_t *e, mrv_ykind kind)
{
    mrv_srcpos at = pos_from_mark(L, e->start_mark);
    if (kind == MRV_Y_MAP) {
        check_props(L, e, e->data.mapping_start.anchor,
                    e->data.mapping_start.tag);
    } else {
        check_props(L, e, e->data.sequence_start.anchor,
                    e->data.sequence_start.tag);
    }
    if (wants_key(L)) {
        fail(L, at, MRV_ESYNTAX, "mapping keys must be scalars, not a %s",
             mrv_ykind_name(kind));
    }
    if (L->depth == MRV_YAML_MAX_DEPTH) {
        fail(L, at, MRV_ESYNTAX, "nesting deeper than %d levels",
             MRV_YAML_MAX_DEPTH);
        return false;
    }
    mrv_ynode *y = new_node(L, kind, e);
    if (!y) return false;
    frame *f = &L->stack[L->depth++];
    memset(f, 0, sizeof *f);
    f->node = y;
    f->want_key = kind == MRV_Y_MAP;
    mrv_vec_init(&f->keys, sizeof(mrv_ynode *));
    mrv_vec_init(&f->vals, sizeof(mrv_ynode *));
    return true;
}

static bool on_end(loader *L, const yaml_event_t *e)
{
    if (L->depth == 0) { /* NEVER: libyaml pairs them */
        fail(L, pos_from_mark(L, e->start_mark), MRV_EINTERNAL,
             "unbalanced YAML collection events");
        return false;
    }
    frame *f = &L->stack[L->depth - 1];
    mrv_ynode *y = f->node;
    bool ok = !f->keys.failed && !f->vals.failed;
    y->end_index = e->end_mark.index;
    y->n = f->vals.n;
    if (y->kind == MRV_Y_MAP && f->keys.n != f->vals.n) ok = false;
    y->keys = mrv_vec_freeze(&f->keys, L->arena);
    y->vals = mrv_vec_freeze(&f->vals, L->arena);
    frame_free(f);
    L->depth--;
    if (!ok || (y->n && (!y->vals || (y->kind == MRV_Y_MAP && !y->keys)))) {
        return nomem(L);
    }
    return add(L, y);
}

/* Handles one event; returns false when the parse must stop. */
static bool on_event(loader *L, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return true;
    case YAML_DOCUMENT_START_EVENT:
        if (++L->ndocs > 1) {
            fail(L, pos_from_mark(L, e->start_mark), MRV_ESYNTAX,
                 "only one YAML document is allowed per file");
            return false;
        }
        return true;
    case YAML_ALIAS_EVENT:
        return on_alias(L, e);
    case YAML_SCALAR_EVENT:
        return on_scalar(L, e);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(L, e, MRV_Y_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(L, e, MRV_Y_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(L, e);
    default:
        /* STREAM_END is handled by the caller; NO_EVENT would be a bug. */
        fail(L, pos_from_mark(L, e->start_mark), MRV_EINTERNAL,
             "unexpected YAML event %d", (int)e->type);
        return false;
    }
}

/* Exactly one diagnostic per libyaml error. */
static void parse_error(loader *L, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR) {
        nomem(L);
    } else if (p->error == YAML_READER_ERROR) {
        /* Reader errors carry only a byte offset into libyaml's input. */
        const unsigned char *s = (const unsigned char *)L->doc->buf;
        size_t off = L->base + p->problem_offset;
        if (strstr(problem, "trailing")) {
            /* libyaml points at the bad continuation byte; the broken
            ** character starts at its lead byte. */
            while (off > L->base && (s[off - 1] & 0xC0) == 0x80) off--;
            if (off > L->base && s[off - 1] >= 0xC0) off--;
        }
        mrv_srcpos at = {L->doc->path, 1, 1};
        advance_to(s, L->doc->size, L->base, off, &at.line, &at.col);
        if (p->problem_value < 0) {
            fail(L, at, MRV_ESYNTAX, "invalid YAML: %s", problem);
        } else if (strstr(problem, "UTF-8")) {
            fail(L, at, MRV_ESYNTAX, "invalid YAML: %s (byte 0x%02X)", problem,
                 (unsigned)p->problem_value);
        } else {
            fail(L, at, MRV_ESYNTAX, "invalid YAML: %s (U+%04X)", problem,
                 (unsigned)p->problem_value);
        }
    } else {
        mrv_srcpos at = pos_from_mark(L, p->problem_mark);
        mrv_srcpos ctx = pos_from_mark(L, p->context_mark);
        if (!p->context) {
            fail(L, at, MRV_ESYNTAX, "invalid YAML: %s", problem);
        } else if (ctx.line == at.line && ctx.col == at.col) {
            fail(L, at, MRV_ESYNTAX, "invalid YAML: %s (%s)", problem,
                 p->context);
        } else {
            fail(L, at, MRV_ESYNTAX,
                 "invalid YAML: %s (%s at line %u, column %u)", problem,
                 p->context, ctx.line, ctx.col);
        }
    }
}

static void parse(loader *L)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        nomem(L);
        return;
    }
    yaml_parser_set_input_string(&p,
                                 (const unsigned char *)L->doc->buf + L->base,
                                 L->doc->size - L->base);
    /* Only UTF-8: otherwise libyaml would switch to UTF-16 on a BOM, and
    ** our byte offsets and columns would no longer match its marks. */
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            parse_error(L, &p);
            break;
        }
        bool more = e.type != YAML_STREAM_END_EVENT && on_event(L, &e);
        yaml_event_delete(&e);
        if (!more) break;
    }
    yaml_parser_delete(&p);
    while (L->depth) frame_free(&L->stack[--L->depth]);
}

static mrv_status too_large(mrv_diag *diag, const char *name)
{
    mrv_srcpos at = {name, 0, 0};
    return mrv_error(diag, at, MRV_ESCHEMA,
                     "file is larger than the %u MiB limit",
                     MRV_YAML_MAX_BYTES / (1024u * 1024u));
}

static mrv_status load(const char *name, const char *bytes, size_t len,
                       mrv_arena *arena, const mrv_ydoc **out, mrv_diag *diag)
{
    mrv_srcpos at = {name, 0, 0};
    if (len > MRV_YAML_MAX_BYTES) return too_large(diag, name);
    mrv_ydoc *doc = mrv_arena_alloc(arena, sizeof *doc);
    char *buf = mrv_arena_strndup(arena, len ? bytes : "", len);
    char *path = mrv_arena_strdup(arena, name);
    if (!doc || !buf || !path) {
        return mrv_error(diag, at, MRV_ENOMEM,
                         "out of memory while reading YAML");
    }
    doc->path = path;
    doc->buf = buf;
    doc->size = len;
    mrv_sha256 c;
    mrv_sha256_init(&c);
    mrv_sha256_update(&c, buf, len);
    mrv_sha256_final(&c, doc->sha256);
    mrv_sha256_to_hex(doc->sha256, doc->sha256_hex);

    loader L = {.doc = doc, .arena = arena, .diag = diag};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) L.base = 3;
    L.mark_bytes = L.base;
    parse(&L);
    if (L.st != MRV_OK) return L.st;
    *out = doc;
    return MRV_OK;
}

/* ---- public ---------------------------------------------------------- */

mrv_status mrv_yaml_load_string(const char *name, const char *buf, size_t len,
                                mrv_arena *arena, const mrv_ydoc **out,
                                mrv_diag *diag)
{
    *out = NULL;
    return load(name ? name : "<string>", buf, len, arena, out, diag);
}

static mrv_status io_error(mrv_diag *diag, const char *path, int err)
{
    char msg[128];
    mrv_srcpos at = {path, 0, 0};
    if (strerror_r(err, msg, sizeof msg) != 0) {
        snprintf(msg, sizeof msg, "error %d", err);
    }
    /* A path that names no readable file is the user's input error (exit
    ** status 2); only a failing read of a file that is there is I/O. */
    bool bad_path = err == ENOENT || err == ENOTDIR || err == EISDIR ||
                    err == ELOOP || err == ENAMETOOLONG || err == EACCES;
    return mrv_error(diag, at, bad_path ? MRV_EREF : MRV_EIO,
                     "cannot read file: %s", msg);
}

static mrv_status load_path(const char *path, bool regular_only,
                            mrv_arena *arena, const mrv_ydoc **out,
                            mrv_diag *diag)
{
    mrv_srcpos at = {path, 0, 0};
    *out = NULL;
    char *buf;
    size_t n;
    int err;
    switch (mrv_infile_read(path, MRV_YAML_MAX_BYTES, regular_only, &buf, &n,
                            &err)) {
    case MRV_INFILE_OK:
        break;
    case MRV_INFILE_MISSING:
    case MRV_INFILE_FOLDER:
    case MRV_INFILE_IO:
        return io_error(diag, path, err);
    case MRV_INFILE_NOT_REGULAR:
        return mrv_error(diag, at, MRV_EREF,
                         "cannot read file: not a regular file (a FIFO, "
                         "device or socket)");
    case MRV_INFILE_TOO_LARGE:
        return too_large(diag, path);
    case MRV_INFILE_NOMEM:
        return mrv_error(diag, at, MRV_ENOMEM,
                         "out of memory while reading YAML");
    }
    mrv_status st = load(path, buf, n, arena, out, diag);
    free(buf);
    return st;
}

mrv_status mrv_yaml_load_file(const char *path, mrv_arena *arena,
                              const mrv_ydoc **out, mrv_diag *diag)
{
    return load_path(path, false, arena, out, diag);
}

mrv_status mrv_yaml_load_regular_file(const char *path, mrv_arena *arena,
                                      const mrv_ydoc **out, mrv_diag *diag)
{
    return load_path(path, true, arena, out, diag);
}

const mrv_ynode *mrv_ymap_get(const mrv_ynode *map, const char *key)
{
    if (!map || map->kind != MRV_Y_MAP || !key) return NULL;
    size_t n = strlen(key);
    for (size_t i = 0; i < map->n; i++) {
        const mrv_ynode *k = map->keys[i];
        if (k->len == n && memcmp(k->text, key, n) == 0) return map->vals[i];
    }
    return NULL;
}

const mrv_ynode *mrv_ymap_key_of(const mrv_ynode *map, const mrv_ynode *val)
{
    if (!map || map->kind != MRV_Y_MAP || !val) return NULL;
    for (size_t i = 0; i < map->n; i++) {
        if (map->vals[i] == val) return map->keys[i];
    }
    return NULL;
}

const char *mrv_ykind_name(mrv_ykind k)
{
    switch (k) {
    case MRV_Y_SCALAR:
        return "scalar";
    case MRV_Y_MAP:
        return "mapping";
    case MRV_Y_SEQ:
        return "sequence";
    }
    return "node";
}

/* ---- mapping value offsets back to the source ------------------------- */

/* A cursor in the raw file, with the line and column it stands on. */
typedef struct walk {
    const unsigned char *s;
    size_t n, r;
    unsigned line, col;
    mrv_ystyle style;
    size_t indent;      /* block scalars: content indentation */
    size_t plain_until; /* blanks before here end in no line break */
} walk;

static void step_break(walk *w, size_t len)
{
    w->r += len;
    w->line++;
    w->col = 1;
}

/* libyaml keeps a line or paragraph separator (U+2028, U+2029) in the
** value where other line breaks fold: one unit of three bytes. */
static bool kept_break(walk *w, const unsigned char *v, size_t m, size_t *vl)
{
    size_t b = brk(w->s, w->r, w->n);
    if (b != 3 || m < 3 || memcmp(w->s + w->r, v, 3) != 0) return false;
    step_break(w, b);
    *vl = 3;
    return true;
}

static void skip_blanks(walk *w)
{
    while (w->r < w->n && (w->s[w->r] == ' ' || w->s[w->r] == '\t')) {
        w->r++;
        w->col++;
    }
}

static void skip_indent(walk *w)
{
    for (size_t k = 0; k < w->indent && w->r < w->n && w->s[w->r] == ' '; k++) {
        w->r++;
        w->col++;
    }
}

/* Blanks and line breaks from the cursor on, as folding consumes them;
** returns the number of breaks.  Stops before U+2028 or U+2029, which
** libyaml copies into the value (see kept_break). */
static size_t skip_folds(walk *w)
{
    size_t k = 0;
    for (;;) {
        skip_blanks(w);
        size_t b = brk(w->s, w->r, w->n);
        if (!b || b == 3) return k;
        step_break(w, b);
        k++;
    }
}

/* Value bytes that 'k' folded line breaks became: one space for a single
** break, else one newline per break after the first.  Accepting either
** reading keeps us aligned through escaped breaks too. */
static size_t folded_len(const unsigned char *v, size_t m, size_t k)
{
    if (k == 1 && v[0] == ' ') return 1;
    size_t nl = 0;
    while (nl < m && nl < k && v[nl] == '\n') nl++;
    return nl;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* A backslash escape in a double-quoted scalar: one unit whose value
** bytes are what the escape produced. */
static bool escape_unit(walk *w, const unsigned char *v, size_t m, size_t *vl)
{
    const unsigned char *s = w->s;
    size_t r = w->r;
    if (r + 1 >= w->n) return false;
    size_t b = brk(s, r + 1, w->n);
    if (b) {
        /* An escaped line break joins the lines with nothing between. */
        w->r++;
        w->col++;
        step_break(w, b);
        /* Further breaks (empty lines) each keep a newline. */
        size_t k = skip_folds(w), nl = 0;
        while (nl < m && nl < k && v[nl] == '\n') nl++;
        *vl = nl;
        return true;
    }
    size_t nhex = 0, out = 1;
    switch (s[r + 1]) {
    case 'x':
        nhex = 2;
        break;
    case 'u':
        nhex = 4;
        break;
    case 'U':
        nhex = 8;
        break;
    case 'N':
    case '_':
        out = 2;
        break; /* U+0085, U+00A0 */
    case 'L':
    case 'P':
        out = 3;
        break; /* U+2028, U+2029 */
    default:
        break;
    }
    if (nhex) {
        unsigned long cp = 0;
        for (size_t i = 0; i < nhex; i++) {
            int h = r + 2 + i < w->n ? hexval(s[r + 2 + i]) : -1;
            if (h < 0) return false;
            cp = cp * 16 + (unsigned long)h;
        }
        out = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    if (out > m) return false;
    w->r += 2 + nhex;
    w->col += (unsigned)(2 + nhex);
    *vl = out;
    return true;
}

/* One unit of a plain or quoted scalar: moves the cursor over the raw
** text that produced the next *vl value bytes (0 for text that produced
** nothing).  Returns false when the raw text cannot be aligned. */
static bool flow_unit(walk *w, const unsigned char *v, size_t m, size_t *vl)
{
    const unsigned char *s = w->s;
    size_t r = w->r;
    if (r >= w->n) return false;
    unsigned char c = s[r];
    if (w->style == MRV_YS_DOUBLE) {
        if (c == '\\') return escape_unit(w, v, m, vl);
        if (c == '"') return false;
    }
    if (w->style == MRV_YS_SINGLE && c == '\'') {
        if (r + 1 >= w->n || s[r + 1] != '\'' || v[0] != '\'') return false;
        w->r += 2;
        w->col += 2;
        *vl = 1;
        return true;
    }
    if (kept_break(w, v, m, vl)) {
        skip_blanks(w);
        return true;
    }
    bool fold = brk(s, r, w->n) != 0;
    if (!fold && (c == ' ' || c == '\t') && r >= w->plain_until) {
        /* Blanks before a line break fold with it.  Remember where a run
        ** that ends in no break stops, so long runs stay linear. */
        size_t e = r;
        while (e < w->n && (s[e] == ' ' || s[e] == '\t')) e++;
        if (brk(s, e, w->n)) {
            fold = true;
        } else {
            w->plain_until = e;
        }
    }
    if (fold) {
        *vl = folded_len(v, m, skip_folds(w));
        return true;
    }
    size_t k = u8len(c);
    if (k <= m && r + k <= w->n && memcmp(s + r, v, k) == 0) {
        w->r += k;
        w->col++;
        *vl = k;
        return true;
    }
    if (c == ' ' || c == '\t') { /* a blank the scalar stripped */
        w->r++;
        w->col++;
        *vl = 0;
        return true;
    }
    return false;
}

/* One unit of a literal or folded block scalar. */
static bool block_unit(walk *w, const unsigned char *v, size_t m, size_t *vl)
{
    if (w->r >= w->n) return false;
    if (kept_break(w, v, m, vl)) {
        skip_indent(w);
        return true;
    }
    size_t b = brk(w->s, w->r, w->n);
    if (b) {
        step_break(w, b);
        skip_indent(w);
        *vl = v[0] == '\n' || (w->style == MRV_YS_FOLDED && v[0] == ' ');
        return true;
    }
    unsigned char c = w->s[w->r];
    size_t k = u8len(c);
    if (k <= m && w->r + k <= w->n && memcmp(w->s + w->r, v, k) == 0) {
        w->r += k;
        w->col++;
        *vl = k;
        return true;
    }
    if (c == ' ' || c == '\t') {
        w->r++;
        w->col++;
        *vl = 0;
        return true;
    }
    return false;
}

/* Moves a block scalar's cursor from its indicator to its first content
** character, and works out the indentation that libyaml removed.  Each
** leading empty line became one newline of the value, so the value's
** first other line comes from the raw line after as many line breaks;
** the indentation is that line's leading spaces in the file less those
** kept in the value.  Returns false when that does not add up. */
static bool block_start(walk *w, const unsigned char *v, size_t len)
{
    size_t b = 0;
    while (w->r < w->n && !(b = brk(w->s, w->r, w->n))) w->r++;
    if (w->r >= w->n) return false;
    step_break(w, b);

    size_t i = 0, vs = 0;
    while (i < len && v[i] == '\n') i++;
    if (i == len) {
        w->indent = SIZE_MAX; /* only line breaks: any indentation */
    } else {
        while (i + vs < len && v[i + vs] == ' ') vs++;
        size_t r = w->r, rs = 0;
        for (size_t line = 0; line < i; line++) {
            while (r < w->n && !(b = brk(w->s, r, w->n))) r++;
            if (r >= w->n) return false;
            r += b;
        }
        for (; r < w->n && w->s[r] == ' '; r++) rs++;
        if (rs < vs) return false;
        w->indent = rs - vs;
    }
    skip_indent(w);
    return true;
}

mrv_srcpos mrv_yaml_scalar_pos(const mrv_ynode *s, size_t offset)
{
    mrv_srcpos none = {NULL, 0, 0};
    if (!s) return none;
    const mrv_ydoc *doc = s->doc;
    if (s->kind != MRV_Y_SCALAR || !doc || !doc->buf || !s->text) {
        return s->pos;
    }
    if (offset > s->len) offset = s->len;

    walk w = {.s = (const unsigned char *)doc->buf,
              .n = doc->size,
              .line = s->pos.line,
              .col = s->pos.col,
              .style = s->style};
    /* The scalar's first byte, found once when it was loaded. */
    size_t r = s->byte_off;
    if (r >= w.n) return s->pos;
    w.r = r;

    const unsigned char *v = (const unsigned char *)s->text;
    bool block = s->style == MRV_YS_LITERAL || s->style == MRV_YS_FOLDED;
    if (block) {
        if (!block_start(&w, v, s->len)) return s->pos;
    } else if (s->style != MRV_YS_PLAIN) {
        w.r++; /* the opening quote */
        w.col++;
    }

    size_t i = 0;
    while (i < s->len) {
        walk nw = w;
        size_t vl = 0;
        bool ok = block ? block_unit(&nw, v + i, s->len - i, &vl)
                        : flow_unit(&nw, v + i, s->len - i, &vl);
        if (!ok || (vl == 0 && nw.r == w.r)) return s->pos;
        if (vl > 0 && i + vl > offset) break;
        w = nw;
        i += vl;
    }
    mrv_srcpos at = {doc->path, w.line, w.col};
    return at;
}
