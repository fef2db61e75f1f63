/*
** json.c -- the strict JSON reader behind 'mrv verify' (json.h).
**
** A recursive-descent parser over one buffer, one function per production
** of RFC 8259:
**
**   value   := object | array | string | number | 'true' | 'false' | 'null'
**   object  := '{' [ string ':' value { ',' string ':' value } ] '}'
**   array   := '[' [ value { ',' value } ] ']'
**   number  := '-'? ( '0' | [1-9][0-9]* ) ( '.' [0-9]+ )?
**              ( [eE] [+-]? [0-9]+ )?
**   string  := '"' { char | '\' ( ["\/bfnrt] | 'u' hex4 ) } '"'
**
** with whitespace (space, tab, CR, LF) between tokens.  The reader keeps
** its position (line, and column counted in characters, as the YAML
** loader does) so that every error names the place it was found, and
** stops at the first error: a damaged report is not worth a list.
** Recursion is bounded by MRV_JSON_MAX_DEPTH, memory by MRV_JSON_MAX_BYTES
** of input and MRV_JSON_MAX_NODES values.  Containers are collected in
** malloc'd vectors and frozen into the caller's arena; on an error each
** level frees its own vectors, so nothing leaks and the arena holds only
** finished values.  The parser keeps no state outside its context.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infile.h"
#include "json.h"

typedef struct jp {
    const char *name;
    const unsigned char *p, *end;
    unsigned line, col;
    mrv_arena *a;
    mrv_diag *d;
    size_t nodes;
    bool failed;
} jp;

static mrv_srcpos here(const jp *j)
{
    mrv_srcpos pos = {j->name, j->line, j->col};
    return pos;
}

static void jerr(jp *j, mrv_srcpos pos, mrv_status st, const char *fmt, ...)
    MRV_PRINTF(4, 5);
static void jerr(jp *j, mrv_srcpos pos, mrv_status st, const char *fmt, ...)
{
    if (j->failed) return;
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(j->d, pos, st, fmt, ap);
    va_end(ap);
    j->failed = true;
}

static void nomem(jp *j)
{
    if (!j->failed) {
        mrv_srcpos none = {NULL, 0, 0};
        mrv_error(j->d, none, MRV_ENOMEM, "out of memory reading '%s'",
                  j->name);
    }
    j->failed = true;
}

/* Steps over one byte; a UTF-8 continuation byte does not start a new
** column. */
static void step(jp *j)
{
    unsigned char c = *j->p++;
    if (c == '\n') {
        j->line++;
        j->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        j->col++;
    }
}

static void skip_ws(jp *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        step(j);
}

/* The character at the cursor, for messages: 'x', or \xNN when it is
** not printable ASCII, or "the end of the input". */
static const char *what_here(const jp *j, char *buf, size_t n)
{
    if (j->p >= j->end)
        snprintf(buf, n, "the end of the input");
    else if (*j->p >= 0x20 && *j->p < 0x7F)
        snprintf(buf, n, "'%c'", *j->p);
    else
        snprintf(buf, n, "byte \\x%02X", *j->p);
    return buf;
}

static void expected(jp *j, const char *what)
{
    char b[32];
    jerr(j, here(j), MRV_ESYNTAX, "expected %s, found %s", what,
         what_here(j, b, sizeof b));
}

static mrv_json *new_value(jp *j, mrv_json_kind kind, mrv_srcpos pos)
{
    if (++j->nodes > MRV_JSON_MAX_NODES) {
        jerr(j, pos, MRV_ESCHEMA,
             "more than %u values: too large for a "
             "report mrv verify reads (docs/limits.md says which runs "
             "write one)",
             MRV_JSON_MAX_NODES);
        return NULL;
    }
    mrv_json *v = mrv_arena_alloc(j->a, sizeof *v);
    if (!v) {
        nomem(j);
        return NULL;
    }
    v->kind = kind;
    v->pos = pos;
    return v;
}

/* ---- strings ----------------------------------------------------------- */

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static bool sb_put(sbuf *b, const void *x, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) return false;
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, x, n);
    b->n += n;
    b->s[b->n] = '\0';
    return true;
}

static bool put_utf8(sbuf *b, unsigned long cp)
{
    unsigned char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return sb_put(b, u, n);
}

/* Four hex digits at the cursor into *out; false (with an error) when
** they are not there. */
static bool hex4(jp *j, unsigned long *out)
{
    *out = 0;
    for (int i = 0; i < 4; i++) {
        if (j->p >= j->end) {
            expected(j, "four hex digits after \\u");
            return false;
        }
        unsigned char c = *j->p;
        unsigned v;
        if (c >= '0' && c <= '9')
            v = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v = (unsigned)(c - 'A' + 10);
        else {
            expected(j, "four hex digits after \\u");
            return false;
        }
        *out = *out << 4 | v;
        step(j);
    }
    return true;
}

/* One UTF-8 encoded character at the cursor, checked (shortest form, no
** surrogates, at most U+10FFFF), copied to 'b'. */
static bool utf8_char(jp *j, sbuf *b)
{
    const unsigned char *s = j->p;
    size_t left = (size_t)(j->end - s);
    unsigned char c = s[0];
    size_t n;
    unsigned long cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        n = 0;
        cp = min = 0;
    }
    bool ok = n > 0 && left >= n;
    for (size_t i = 1; ok && i < n; i++) {
        ok = (s[i] & 0xC0) == 0x80;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (ok) ok = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
        jerr(j, here(j), MRV_ESYNTAX,
             "invalid UTF-8 in a string (byte "
             "\\x%02X)",
             c);
        return false;
    }
    if (!sb_put(b, s, n)) {
        nomem(j);
        return false;
    }
    for (size_t i = 0; i < n; i++) step(j);
    return true;
}

/* An escape after the backslash at the cursor. */
static bool escape(jp *j, sbuf *b)
{
    mrv_srcpos at = here(j);
    step(j); /* the backslash */
    if (j->p >= j->end) {
        expected(j, "an escape character after '\\'");
        return false;
    }
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *k = *j->p ? strchr(from, *j->p) : NULL;
    if (k) {
        step(j);
        if (!sb_put(b, &to[k - from], 1)) {
            nomem(j);
            return false;
        }
        return true;
    }
    if (*j->p != 'u') {
        char w[32];
        jerr(j, here(j), MRV_ESYNTAX,
             "invalid escape: '\\' followed by %s "
             "(use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)",
             what_here(j, w, sizeof w));
        return false;
    }
    step(j);
    unsigned long cp;
    if (!hex4(j, &cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        jerr(j, at, MRV_ESYNTAX,
             "\\u%04lX is the second half of a "
             "surrogate pair without a first",
             cp);
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u') {
            jerr(j, at, MRV_ESYNTAX,
                 "\\u%04lX starts a surrogate pair "
                 "that is not completed by a \\uDC00-\\uDFFF escape",
                 cp);
            return false;
        }
        step(j);
        step(j);
        unsigned long lo;
        if (!hex4(j, &lo)) return false;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            jerr(j, at, MRV_ESYNTAX,
                 "\\u%04lX starts a surrogate pair "
                 "that is not completed by a \\uDC00-\\uDFFF escape",
                 cp);
            return false;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0) {
        jerr(j, at, MRV_ESYNTAX, "\\u0000 is not allowed in a string");
        return false;
    }
    if (!put_utf8(b, cp)) {
        nomem(j);
        return false;
    }
    return true;
}

/* A string at the cursor (on its opening quote); its decoded text into
** the arena. */
static const char *string(jp *j, size_t *len)
{
    mrv_srcpos start = here(j);
    step(j); /* the quote */
    sbuf b = {NULL, 0, 0};
    const char *out = NULL;
    if (!sb_put(&b, "", 0)) {
        nomem(j);
        return NULL;
    }
    for (;;) {
        if (j->p >= j->end) {
            jerr(j, start, MRV_ESYNTAX,
                 "string not closed: no '\"' before "
                 "the end of the input");
            break;
        }
        unsigned char c = *j->p;
        if (c == '"') {
            step(j);
            out = mrv_arena_memdup(j->a, b.s, b.n + 1);
            if (!out) nomem(j);
            *len = b.n;
            break;
        }
        if (c == '\\') {
            if (!escape(j, &b)) break;
            continue;
        }
        if (c < 0x20) {
            jerr(j, here(j), MRV_ESYNTAX,
                 "control character \\x%02X in a "
                 "string: it must be written as an escape",
                 c);
            break;
        }
        if (c >= 0x80) {
            if (!utf8_char(j, &b)) break;
            continue;
        }
        /* A run of plain ASCII at once. */
        const unsigned char *s = j->p;
        while (j->p < j->end && *j->p >= 0x20 && *j->p < 0x80 && *j->p != '"' &&
               *j->p != '\\')
            j->p++;
        j->col += (unsigned)(j->p - s);
        if (!sb_put(&b, s, (size_t)(j->p - s))) {
            nomem(j);
            break;
        }
    }
    free(b.s);
    return j->failed ? NULL : out;
}

/* ---- numbers and literals ---------------------------------------------- */

static bool is_digit(const jp *j)
{
    return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

static mrv_json *number(jp *j)
{
    mrv_srcpos start = here(j);
    const unsigned char *s = j->p;
    if (*j->p == '-') step(j);
    if (!is_digit(j)) {
        expected(j, "a digit");
        return NULL;
    }
    if (*j->p == '0') {
        step(j);
        if (is_digit(j)) {
            jerr(j, start, MRV_ESYNTAX,
                 "a number must not start with 0 "
                 "followed by digits");
            return NULL;
        }
    } else {
        while (is_digit(j)) step(j);
    }
    if (j->p < j->end && *j->p == '.') {
        step(j);
        if (!is_digit(j)) {
            expected(j, "a digit after the decimal point");
            return NULL;
        }
        while (is_digit(j)) step(j);
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        step(j);
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) step(j);
        if (!is_digit(j)) {
            expected(j, "a digit in the exponent");
            return NULL;
        }
        while (is_digit(j)) step(j);
    }
    size_t n = (size_t)(j->p - s);
    mrv_json *v = new_value(j, MRV_J_NUMBER, start);
    char *text = v ? mrv_arena_strndup(j->a, (const char *)s, n) : NULL;
    if (v && !text) nomem(j);
    if (!text) return NULL;
    /* The grammar above is a subset of strtod's, so it reads all of it. */
    v->num = strtod(text, NULL);
    if (!isfinite(v->num)) {
        jerr(j, start, MRV_ESYNTAX, "number %s is out of range", text);
        return NULL;
    }
    v->text = text;
    v->len = n;
    return v;
}

static mrv_json *literal(jp *j)
{
    static const struct {
        const char *word;
        mrv_json_kind kind;
        bool b;
    } words[] = {{"true", MRV_J_BOOL, true},
                 {"false", MRV_J_BOOL, false},
                 {"null", MRV_J_NULL, false}};
    mrv_srcpos start = here(j);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(j->end - j->p) < n || memcmp(j->p, words[i].word, n) != 0)
            continue;
        for (size_t k = 0; k < n; k++) step(j);
        mrv_json *v = new_value(j, words[i].kind, start);
        if (v) v->b = words[i].b;
        return v;
    }
    expected(j, "a value (object, array, string, number, true, false or "
                "null)");
    return NULL;
}

/* ---- arrays and objects ------------------------------------------------ */

static mrv_json *value(jp *j, unsigned depth);

static mrv_json *array(jp *j, unsigned depth)
{
    mrv_json *v = new_value(j, MRV_J_ARRAY, here(j));
    if (!v) return NULL;
    step(j); /* '[' */
    mrv_vec items;
    mrv_vec_init(&items, sizeof(mrv_json *));
    skip_ws(j);
    if (j->p < j->end && *j->p == ']') {
        step(j);
        return v;
    }
    for (;;) {
        mrv_json *it = value(j, depth + 1);
        if (!it) break;
        if (!mrv_vec_push(&items, &it)) {
            nomem(j);
            break;
        }
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            step(j);
            continue;
        }
        if (j->p < j->end && *j->p == ']') {
            step(j);
            v->n = items.n;
            v->items = mrv_vec_freeze(&items, j->a);
            if (v->n && !v->items) nomem(j);
            break;
        }
        expected(j, "',' or ']' after an array item");
        break;
    }
    mrv_vec_free(&items);
    return j->failed ? NULL : v;
}

/* A member name and its place in the object, for sorting. */
typedef struct keyix {
    const char *key;
    size_t i;
} keyix;

static int by_key(const void *x, const void *y)
{
    const keyix *a = x, *b = y;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Refuses a name given twice: a report with two values for one key is
** ambiguous, whichever one a reader takes.  Sorting keeps a large object
** at n log n; the error names the second occurrence of the first name
** (in file order) that repeats. */
static bool unique_keys(jp *j, mrv_json *v)
{
    if (v->n < 2) return true;
    keyix *ix = malloc(v->n * sizeof *ix);
    if (!ix) {
        nomem(j);
        return false;
    }
    for (size_t i = 0; i < v->n; i++) {
        ix[i].key = v->keys[i];
        ix[i].i = i;
    }
    qsort(ix, v->n, sizeof *ix, by_key);
    size_t dup = SIZE_MAX;
    for (size_t i = 1; i < v->n; i++)
        if (strcmp(ix[i - 1].key, ix[i].key) == 0 && ix[i].i < dup)
            dup = ix[i].i;
    free(ix);
    if (dup == SIZE_MAX) return true;
    jerr(j, v->key_pos[dup], MRV_ESYNTAX, "duplicate member name \"%s\"",
         v->keys[dup]);
    return false;
}

static mrv_json *object(jp *j, unsigned depth)
{
    mrv_json *v = new_value(j, MRV_J_OBJECT, here(j));
    if (!v) return NULL;
    step(j); /* '{' */
    mrv_vec keys, kpos, vals;
    mrv_vec_init(&keys, sizeof(const char *));
    mrv_vec_init(&kpos, sizeof(mrv_srcpos));
    mrv_vec_init(&vals, sizeof(mrv_json *));
    skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        step(j);
        return v;
    }
    for (;;) {
        skip_ws(j);
        if (j->p >= j->end || *j->p != '"') {
            expected(j, keys.n ? "a member name in double quotes after ','"
                               : "a member name in double quotes");
            break;
        }
        mrv_srcpos kp = here(j);
        size_t klen;
        const char *k = string(j, &klen);
        if (!k) break;
        skip_ws(j);
        if (j->p >= j->end || *j->p != ':') {
            expected(j, "':' after the member name");
            break;
        }
        step(j);
        mrv_json *it = value(j, depth + 1);
        if (!it) break;
        if (!mrv_vec_push(&keys, &k) || !mrv_vec_push(&kpos, &kp) ||
            !mrv_vec_push(&vals, &it)) {
            nomem(j);
            break;
        }
        skip_ws(j);
        if (j->p < j->end && *j->p == ',') {
            step(j);
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            step(j);
            v->n = vals.n;
            v->keys = mrv_vec_freeze(&keys, j->a);
            v->key_pos = mrv_vec_freeze(&kpos, j->a);
            v->items = mrv_vec_freeze(&vals, j->a);
            if (!v->keys || !v->key_pos || !v->items)
                nomem(j);
            else
                unique_keys(j, v);
            break;
        }
        expected(j, "',' or '}' after an object member");
        break;
    }
    mrv_vec_free(&keys);
    mrv_vec_free(&kpos);
    mrv_vec_free(&vals);
    return j->failed ? NULL : v;
}

static mrv_json *value(jp *j, unsigned depth)
{
    skip_ws(j);
    if (j->p >= j->end) {
        expected(j, "a value");
        return NULL;
    }
    unsigned char c = *j->p;
    if ((c == '{' || c == '[') && depth >= MRV_JSON_MAX_DEPTH) {
        jerr(j, here(j), MRV_ESCHEMA,
             "arrays and objects nested more than "
             "%d deep",
             MRV_JSON_MAX_DEPTH);
        return NULL;
    }
    if (c == '{') return object(j, depth);
    if (c == '[') return array(j, depth);
    if (c == '"') {
        mrv_srcpos at = here(j);
        size_t len;
        const char *s = string(j, &len);
        if (!s) return NULL;
        mrv_json *v = new_value(j, MRV_J_STRING, at);
        if (!v) return NULL;
        v->text = s;
        v->len = len;
        return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(j);
    return literal(j);
}

/* ---- entry points ------------------------------------------------------ */

mrv_status mrv_json_parse(const char *name, const char *buf, size_t len,
                          mrv_arena *arena, const mrv_json **out, mrv_diag *d)
{
    *out = NULL;
    jp j = {name,
            (const unsigned char *)buf,
            (const unsigned char *)buf + len,
            1,
            1,
            arena,
            d,
            0,
            false};
    if (len > MRV_JSON_MAX_BYTES) {
        mrv_srcpos whole = {name, 0, 0};
        return mrv_error(d, whole, MRV_ESCHEMA,
                         "larger than %u bytes: too "
                         "large for a report",
                         MRV_JSON_MAX_BYTES);
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        jerr(&j, here(&j), MRV_ESYNTAX,
             "a byte order mark is not allowed "
             "(RFC 8259): the file must start with its JSON value");
    } else {
        skip_ws(&j);
        if (j.p >= j.end) {
            jerr(&j, here(&j), MRV_ESYNTAX,
                 "no JSON value: the input is "
                 "empty");
        } else {
            const mrv_json *v = value(&j, 0);
            skip_ws(&j);
            if (v && j.p < j.end) {
                char b[32];
                jerr(&j, here(&j), MRV_ESYNTAX,
                     "unexpected %s after the "
                     "JSON value",
                     what_here(&j, b, sizeof b));
            }
            if (!j.failed) *out = v;
        }
    }
    if (*out) return MRV_OK;
    mrv_status st = mrv_diag_status(d);
    return st == MRV_OK ? MRV_EINTERNAL : st;
}

mrv_status mrv_json_load_file(const char *path, mrv_arena *arena,
                              const mrv_json **out, mrv_diag *d)
{
    *out = NULL;
    mrv_srcpos whole = {path, 0, 0};
    char *buf;
    size_t n;
    int err;
    /* A regular file only, opened without blocking: a FIFO or a device
    ** is refused, not waited on or read forever. */
    switch (mrv_infile_read(path, MRV_JSON_MAX_BYTES, true, &buf, &n, &err)) {
    case MRV_INFILE_OK:
        break;
    case MRV_INFILE_MISSING:
        return mrv_error(d, whole, MRV_EREF, "cannot read: %s", strerror(err));
    case MRV_INFILE_FOLDER:
    case MRV_INFILE_NOT_REGULAR:
        return mrv_error(d, whole, MRV_EREF, "cannot read: not a file");
    case MRV_INFILE_TOO_LARGE:
        return mrv_error(d, whole, MRV_ESCHEMA,
                         "larger than %u bytes: too large for a report mrv "
                         "verify reads (docs/limits.md says which runs write "
                         "one)",
                         MRV_JSON_MAX_BYTES);
    case MRV_INFILE_IO:
        return mrv_error(d, whole, MRV_EIO, "cannot read: %s", strerror(err));
    case MRV_INFILE_NOMEM:
        return MRV_ENOMEM;
    }
    mrv_status st = mrv_json_parse(path, buf, n, arena, out, d);
    free(buf);
    return st;
}

const mrv_json *mrv_json_get(const mrv_json *obj, const char *key)
{
    if (!obj || obj->kind != MRV_J_OBJECT) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
    return NULL;
}

const char *mrv_json_kind_name(mrv_json_kind k)
{
    switch (k) {
    case MRV_J_NULL:
        return "null";
    case MRV_J_BOOL:
        return "true or false";
    case MRV_J_NUMBER:
        return "number";
    case MRV_J_STRING:
        return "string";
    case MRV_J_ARRAY:
        return "array";
    case MRV_J_OBJECT:
        return "object";
    }
    return "?";
}
