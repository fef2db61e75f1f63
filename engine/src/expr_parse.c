/*
** expr_parse.c -- lexer and parser for the formula language (docs/formulas.md).
**
** Turns a formula's text into the tree declared in expr.h.  The lexer is
** hand-written and keeps one token of lookahead; the parser follows Lua's
** lparser.c: the operators are precedence climbing over the binding-power
** table 'ops' (one function, subexpr, covers the or/and/not/cmp/add/mul/
** unary/pow levels of the grammar), and each construct that is not an
** operator has its own function, which repeats its production from the
** grammar at the top of expr.h as its first comment.
**
** Borrows the formula text (never assumed NUL-terminated: names and numbers
** are copied out before use) and the YAML node used for positions.  Owns
** nothing after it returns: the tree, its names and its arrays live in the
** caller's arena; lists are collected in malloc'd mrv_vecs that are frozen
** into the arena or freed on every path.
**
** Invariants: at most one diagnostic per call.  The first error sets p->st
** and turns the current token into T_ERR; from then on the lexer stops,
** error() records nothing more, every loop ends at the T_ERR token (it is
** no operator, separator or closer) and mrv_expr_parse returns no tree.
** Recursion is bounded by MRV_EXPR_MAX_DEPTH nesting levels (see nest()),
** and every loop consumes a token per turn, so hostile input costs time
** linear in its capped length and stack bounded by the depth limit.  The
** tree itself may be deep without nesting: 'a + b + ... + z' is a
** left-leaning chain as long as the formula allows (about 8000 nodes), so
** code that walks trees recursively must cope with that depth.
*/
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "output.h"

/* ---------------------------------------------------------------- tables */

/* The tables are aligned by hand. */
/* clang-format off */

static const struct {
    const char *name;
    int lo, hi;             /* argument counts; hi -1: any */
} funcs[] = {               /* ORDER FUNCS */
#define X(name, id, lo, hi) {name, lo, hi},
    MRV_EXPR_FUNCS(X)
#undef X
};

static const char *const opnames[] = {
    [MRV_OP_NONE] = "?", [MRV_OP_NEG] = "-",  [MRV_OP_NOT] = "not",
    [MRV_OP_ADD] = "+",  [MRV_OP_SUB] = "-",  [MRV_OP_MUL] = "*",
    [MRV_OP_DIV] = "/",  [MRV_OP_POW] = "^",  [MRV_OP_LT] = "<",
    [MRV_OP_LE] = "<=",  [MRV_OP_GT] = ">",   [MRV_OP_GE] = ">=",
    [MRV_OP_EQ] = "==",  [MRV_OP_NE] = "!=",  [MRV_OP_AND] = "and",
    [MRV_OP_OR] = "or",
};

/* Tokens.  The operators come first because they index 'ops'. */
typedef enum tokkind {
    T_OR, T_AND, T_NOT,                         /* ORDER OPS */
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE,
    T_ADD, T_SUB, T_MUL, T_DIV, T_POW,
    T_NUM, T_NAME, T_STR, T_IN, T_SUM,
    T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_COMMA, T_COLON, T_DOTDOT,
    T_EOF,
    T_ERR                                       /* after the first error */
} tokkind;

#define NOPS (T_POW + 1)

static const struct {
    const char *name;
    tokkind tok;
} keywords[] = {
    {"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN}, {"sum", T_SUM},
};

/*
** The binding powers of expr.h's grammar.  An infix operator continues the
** expression being parsed at 'limit' while its 'left' power exceeds the
** limit, and its right operand is parsed with 'right' as the new limit: so
** left == right makes an operator left-associative and right < left makes
** '^' right-associative.  The right operand of '^' is parsed at 7, the
** prefix power of '-', which lets it start with a unary minus ('2^-1') as
** the grammar's "pow := primary [ '^' unary ]" says, while '-x^2' is -(x^2)
** because '^' (left 8) binds inside the operand of '-' (parsed at 7).  A
** prefix operator is allowed only where its power is at least the limit,
** which keeps 'not' out of arithmetic ('1 + not x' is an error, as in the
** grammar).  Comparisons are non-associative: subexpr rejects a second one
** at the same level.
*/
static const struct {
    unsigned char left, right;  /* infix binding powers; 0: not infix */
    unsigned char prefix;       /* prefix binding power; 0: not prefix */
    bool nonassoc;              /* 'a OP b OP c' is an error */
    mrv_ast_op infix, pre;
} ops[NOPS] = {
    /*         left right prefix nonassoc infix       prefix */
    [T_OR]  = {1,   1,    0,     false,   MRV_OP_OR,  MRV_OP_NONE},
    [T_AND] = {2,   2,    0,     false,   MRV_OP_AND, MRV_OP_NONE},
    [T_NOT] = {0,   0,    3,     false,   MRV_OP_NONE, MRV_OP_NOT},
    [T_LT]  = {4,   4,    0,     true,    MRV_OP_LT,  MRV_OP_NONE},
    [T_LE]  = {4,   4,    0,     true,    MRV_OP_LE,  MRV_OP_NONE},
    [T_GT]  = {4,   4,    0,     true,    MRV_OP_GT,  MRV_OP_NONE},
    [T_GE]  = {4,   4,    0,     true,    MRV_OP_GE,  MRV_OP_NONE},
    [T_EQ]  = {4,   4,    0,     true,    MRV_OP_EQ,  MRV_OP_NONE},
    [T_NE]  = {4,   4,    0,     true,    MRV_OP_NE,  MRV_OP_NONE},
    [T_ADD] = {5,   5,    0,     false,   MRV_OP_ADD, MRV_OP_NONE},
    [T_SUB] = {5,   5,    7,     false,   MRV_OP_SUB, MRV_OP_NEG},
    [T_MUL] = {6,   6,    0,     false,   MRV_OP_MUL, MRV_OP_NONE},
    [T_DIV] = {6,   6,    0,     false,   MRV_OP_DIV, MRV_OP_NONE},
    [T_POW] = {8,   7,    0,     false,   MRV_OP_POW, MRV_OP_NONE},
};

/* Unicode look-alikes that arrive by copy and paste from documents. */
static const struct {
    const char *utf8, *ascii;
} lookalikes[] = {
    {"\xe2\x88\x92", "-"},  /* U+2212 minus sign */
    {"\xe2\x80\x93", "-"},  /* U+2013 en dash */
    {"\xc3\x97", "*"},      /* U+00D7 multiplication sign */
    {"\xc2\xb7", "*"},      /* U+00B7 middle dot */
    {"\xe2\x8b\x85", "*"},  /* U+22C5 dot operator */
    {"\xc3\xb7", "/"},      /* U+00F7 division sign */
    {"\xe2\x89\xa4", "<="}, /* U+2264 */
    {"\xe2\x89\xa5", ">="}, /* U+2265 */
    {"\xe2\x89\xa0", "!="}, /* U+2260 */
    {"\xc2\xa0", " "},      /* U+00A0 no-break space */
};

/* clang-format on */

/* Longest token text quoted in a message. */
#define QUOTE_MAX 32

/* ------------------------------------------------------ public helpers */

const char *mrv_func_name(mrv_func f)
{
    return (unsigned)f < MRV_F_COUNT ? funcs[f].name : NULL;
}

mrv_func mrv_func_lookup(const char *name, size_t len)
{
    if (!name) return MRV_F_COUNT;
    for (unsigned i = 0; i < MRV_F_COUNT; i++) {
        if (strlen(funcs[i].name) == len && !memcmp(funcs[i].name, name, len))
            return (mrv_func)i;
    }
    return MRV_F_COUNT;
}

void mrv_func_arity(mrv_func f, int *lo, int *hi)
{
    bool ok = (unsigned)f < MRV_F_COUNT;
    if (lo) *lo = ok ? funcs[f].lo : 0;
    if (hi) *hi = ok ? funcs[f].hi : 0;
}

bool mrv_expr_reserved(const char *name)
{
    if (!name) return false;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
        if (!strcmp(name, keywords[i].name)) return true;
    }
    return mrv_func_lookup(name, strlen(name)) != MRV_F_COUNT;
}

const char *mrv_op_name(mrv_ast_op op)
{
    return (unsigned)op < sizeof opnames / sizeof opnames[0] ? opnames[op]
                                                             : "?";
}

mrv_srcpos mrv_expr_pos(const mrv_ynode *at, size_t off)
{
    if (at) return mrv_yaml_scalar_pos(at, off);
    mrv_srcpos pos = {"<formula>", 1,
                      off < UINT_MAX ? (unsigned)off + 1 : UINT_MAX};
    return pos;
}

/* ----------------------------------------------------------------- lexer */

typedef struct token {
    tokkind kind;
    size_t off, len; /* bytes of the token in the formula */
    double num;      /* T_NUM */
} token;

typedef struct parser {
    const char *src;
    size_t len;
    size_t pos; /* next byte the lexer reads */
    token tok;  /* current token */
    token prev; /* the token consumed before it */
    const mrv_ynode *at;
    mrv_arena *arena;
    mrv_diag *diag;
    int depth;     /* nesting levels entered (see nest()) */
    mrv_status st; /* first error, then sticky */
} parser;

/* Our own classes: <ctype.h> depends on the locale. */
static bool isdig(int c)
{
    return c >= '0' && c <= '9';
}

static bool isname0(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool isname(int c)
{
    return isname0(c) || isdig(c);
}

static bool isspc(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

/* Byte i of the formula, or NUL past its end. */
static int byte(const parser *p, size_t i)
{
    return i < p->len ? (unsigned char)p->src[i] : '\0';
}

/* Records the first error, at byte 'off' of the formula; returns NULL so
** parse functions can 'return error(...)'. */
static void *error(parser *p, size_t off, const char *fmt, ...)
    MRV_PRINTF(3, 4);

static void *error(parser *p, size_t off, const char *fmt, ...)
{
    if (p->st == MRV_OK) {
        va_list ap;
        va_start(ap, fmt);
        p->st =
            mrv_verror(p->diag, mrv_expr_pos(p->at, off), MRV_ESYNTAX, fmt, ap);
        va_end(ap);
        /* The sink answers ENOMEM if it could not record the message. */
        if (p->st == MRV_OK) p->st = MRV_ESYNTAX;
    }
    p->tok.kind = T_ERR;
    return NULL;
}

static void *nomem(parser *p)
{
    if (p->st == MRV_OK) {
        p->st = mrv_error(p->diag, mrv_expr_pos(p->at, p->tok.off), MRV_ENOMEM,
                          "out of memory while parsing");
        if (p->st == MRV_OK) p->st = MRV_ENOMEM;
    }
    p->tok.kind = T_ERR;
    return NULL;
}

/* Writes 'text' quoted, shortened to QUOTE_MAX bytes, into buf. */
static const char *quote(const char *s, size_t n, char *buf, size_t size)
{
    int w = n > QUOTE_MAX ? QUOTE_MAX : (int)n;
    snprintf(buf, size, "'%.*s%s'", w, s, n > QUOTE_MAX ? "..." : "");
    return buf;
}

/* A token as messages name it. */
static const char *desc(const parser *p, const token *t, char *buf, size_t size)
{
    if (t->kind == T_EOF) return "the end of the formula";
    return quote(p->src + t->off, t->len, buf, size);
}

#define QBUF (QUOTE_MAX + 8)

/* NUMBER := digits ['.' digits] [('e'|'E') ['+'|'-'] digits]
**         | '.' digits [('e'|'E') ['+'|'-'] digits]
** A '.' followed by another '.' is not a decimal point, so '1..3' is
** 1 '..' 3.  A number running into a letter, digit or lone '.' is
** malformed ('1e', '2x', '1.', '1.2.3'), which is clearer than lexing it
** as two tokens. */
static void number(parser *p, size_t i)
{
    size_t start = i;
    char small[64], *text = small;
    char qb[QBUF];

    while (isdig(byte(p, i))) i++;
    if (byte(p, i) == '.' && isdig(byte(p, i + 1))) {
        i++;
        while (isdig(byte(p, i))) i++;
    }
    if (byte(p, i) == 'e' || byte(p, i) == 'E') {
        size_t j = i + 1;
        if (byte(p, j) == '+' || byte(p, j) == '-') j++;
        if (isdig(byte(p, j))) {
            i = j;
            while (isdig(byte(p, i))) i++;
        }
    }
    if (isname(byte(p, i)) || (byte(p, i) == '.' && byte(p, i + 1) != '.')) {
        size_t e = i;
        for (;;) {
            int c = byte(p, e);
            if (isname(c) || (c == '.' && byte(p, e + 1) != '.') ||
                ((c == '+' || c == '-') &&
                 (byte(p, e - 1) == 'e' || byte(p, e - 1) == 'E'))) {
                e++;
            } else {
                break;
            }
        }
        error(p, start, "malformed number %s",
              quote(p->src + start, e - start, qb, sizeof qb));
        return;
    }

    /* strtod needs a terminated string; the extent is known to hold only
    ** digits, '.', 'e' and a sign, so strtod reads exactly that. */
    size_t n = i - start;
    if (n >= sizeof small) {
        text = mrv_arena_strndup(p->arena, p->src + start, n);
        if (!text) {
            nomem(p);
            return;
        }
    } else {
        memcpy(small, p->src + start, n);
        small[n] = '\0';
    }
    errno = 0;
    double v = strtod(text, NULL);
    if (isinf(v)) {
        error(p, start, "number out of range: %s",
              quote(p->src + start, n, qb, sizeof qb));
        return;
    }
    /* 1e-400 would be read as 0, 1e-310 with digits lost. */
    if ((v == 0 && errno == ERANGE) || (v != 0 && fabs(v) < DBL_MIN)) {
        error(p, start,
              "number out of range: %s underflows (a nonzero number must "
              "be at least 2.2e-308 in magnitude)",
              quote(p->src + start, n, qb, sizeof qb));
        return;
    }
    p->tok.kind = T_NUM;
    p->tok.len = n;
    p->tok.num = v;
    p->pos = i;
}

static void badchar(parser *p, size_t i)
{
    int c = byte(p, i);
    size_t n = 0;

    if (c >= 0x20 && c < 0x7f) {
        error(p, i, "unexpected character '%c'", c);
        return;
    }
    /* Name a whole UTF-8 character when the bytes form one. */
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    for (size_t k = 1; k < n; k++) {
        if ((byte(p, i + k) & 0xc0) != 0x80) n = 0;
    }
    if (n == 0) {
        error(p, i, "unexpected byte 0x%02x", (unsigned)c);
        return;
    }
    for (size_t k = 0; k < sizeof lookalikes / sizeof lookalikes[0]; k++) {
        const char *u = lookalikes[k].utf8;
        if (strlen(u) == n && !memcmp(u, p->src + i, n)) {
            error(p, i, "unexpected character '%.*s'; use '%s'", (int)n,
                  p->src + i, lookalikes[k].ascii);
            return;
        }
    }
    error(p, i, "unexpected character '%.*s'", (int)n, p->src + i);
}

/* Reads the next token into p->tok. */
static void lex(parser *p)
{
    size_t i = p->pos;
    token *t = &p->tok;

    while (i < p->len && isspc(byte(p, i))) i++;
    t->off = i;
    t->len = 1;
    t->num = 0;
    if (i >= p->len) {
        t->kind = T_EOF;
        t->len = 0;
        p->pos = i;
        return;
    }
    int c = byte(p, i), c1 = byte(p, i + 1);
    if (isdig(c) || (c == '.' && isdig(c1))) {
        number(p, i);
        return;
    }
    if (isname0(c)) {
        size_t e = i + 1;
        while (isname(byte(p, e))) e++;
        t->kind = T_NAME;
        t->len = e - i;
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
            if (strlen(keywords[k].name) == t->len &&
                !memcmp(keywords[k].name, p->src + i, t->len))
                t->kind = keywords[k].tok;
        }
        p->pos = e;
        return;
    }
    /* clang-format off */
    switch (c) {
    case '+': t->kind = T_ADD; break;
    case '-': t->kind = T_SUB; break;
    case '/': t->kind = T_DIV; break;
    case '^': t->kind = T_POW; break;
    case '(': t->kind = T_LPAREN; break;
    case ')': t->kind = T_RPAREN; break;
    case '[': t->kind = T_LBRACK; break;
    case ']': t->kind = T_RBRACK; break;
    case ',': t->kind = T_COMMA; break;
    case ':': t->kind = T_COLON; break;
    /* clang-format on */
    case '*':
        if (c1 == '*') {
            error(p, i, "use '^' for powers, not '**'");
            return;
        }
        t->kind = T_MUL;
        break;
    case '<':
        t->kind = c1 == '=' ? T_LE : T_LT;
        break;
    case '>':
        t->kind = c1 == '=' ? T_GE : T_GT;
        break;
    case '=':
        if (c1 != '=') {
            error(p, i, "use '==' to compare");
            return;
        }
        t->kind = T_EQ;
        break;
    case '\'': {
        /* STRING := "'" { any byte but "'" and line breaks } "'" */
        size_t e = i + 1;
        while (e < p->len && p->src[e] != '\'' && p->src[e] != '\n' &&
               p->src[e] != '\r')
            e++;
        if (e >= p->len || p->src[e] != '\'') {
            error(p, i, "a quoted name has no closing \"'\"");
            return;
        }
        t->kind = T_STR;
        t->len = e + 1 - i;
        p->pos = e + 1;
        return;
    }
    case '!':
        if (c1 != '=') {
            error(p, i, "use 'not' instead of '!'");
            return;
        }
        t->kind = T_NE;
        break;
    case '&':
        error(p, i, "use 'and' instead of '%s'", c1 == '&' ? "&&" : "&");
        return;
    case '|':
        error(p, i, "use 'or' instead of '%s'", c1 == '|' ? "||" : "|");
        return;
    case '.':
        if (c1 != '.') {
            error(p, i, "unexpected character '.'");
            return;
        }
        /* '1...3' would otherwise lex as 1 .. .3, an empty range. */
        if (byte(p, i + 2) == '.') {
            error(p, i, "unexpected '...'; a range is written 'a .. b'");
            return;
        }
        t->kind = T_DOTDOT;
        break;
    default:
        badchar(p, i);
        return;
    }
    if (t->kind == T_LE || t->kind == T_GE || t->kind == T_EQ ||
        t->kind == T_NE || t->kind == T_DOTDOT)
        t->len = 2;
    p->pos = i + t->len;
}

static void next(parser *p)
{
    if (p->st != MRV_OK) return;
    p->prev = p->tok;
    lex(p);
}

/* ---------------------------------------------------------------- parser */

/*
** One nesting level: a bracketed group ('(' expr ')', a call's or sum's
** parentheses, an index's brackets), the operand of a prefix operator, or
** the right operand of '^'.  These are the only places where the parser's
** recursion can grow with the input; the right operand of a left-
** associative operator recurses too, but only into strictly tighter
** levels, so at most a few frames per nesting level.  'off' is the token
** that opens the level, where a too-deep formula is reported.
*/
static bool nest(parser *p, size_t off)
{
    if (++p->depth > MRV_EXPR_MAX_DEPTH) {
        error(p, off, "formula nested deeper than %d levels",
              MRV_EXPR_MAX_DEPTH);
        return false;
    }
    return true;
}

static mrv_ast *newnode(parser *p, mrv_ast_kind kind, size_t off, size_t start,
                        size_t end)
{
    mrv_ast *a = mrv_arena_alloc(p->arena, sizeof *a);
    if (!a) return nomem(p);
    /* The arena zeroes it: unit, nargs, flags. */
    a->kind = kind;
    a->op = MRV_OP_NONE;
    a->func = MRV_F_COUNT;
    a->off = off;
    a->start = start;
    a->end = end;
    a->sym = MRV_SYM_UNRESOLVED;
    a->index = -1;
    return a;
}

/* An operator node: unary 'op x' when y is NULL, else binary 'x op y';
** 'off' is the operator's offset. */
static mrv_ast *opnode(parser *p, mrv_ast_op op, size_t off, mrv_ast *x,
                       mrv_ast *y)
{
    mrv_ast *a = y ? newnode(p, MRV_AST_BINARY, off, x->start, y->end)
                   : newnode(p, MRV_AST_UNARY, off, off, x->end);
    size_t n = y ? 2 : 1;
    mrv_ast **args = mrv_arena_array(p->arena, n, sizeof *args);
    if (!a || !args) return nomem(p);
    args[0] = x;
    if (y) args[1] = y;
    a->op = op;
    a->nargs = n;
    a->args = args;
    return a;
}

/* The error for a list that ended without its closing bracket. */
static void *unclosed(parser *p, const token *open, const char *expected)
{
    char qb[QBUF];
    char closer = p->src[open->off] == '[' ? ']' : ')';
    if (p->tok.kind == T_EOF)
        return error(p, open->off, "missing '%c' to close this '%c'", closer,
                     p->src[open->off]);
    return error(p, p->tok.off, "expected %s, found %s", expected,
                 desc(p, &p->tok, qb, sizeof qb));
}

static mrv_ast *subexpr(parser *p, int limit);

static mrv_ast *expr(parser *p)
{
    /* expr := or */
    return subexpr(p, 0);
}

/* Parses 'expr {',' expr}' up to the closing token 'close', which is left
** current; pushes the expressions onto 'v'. */
static bool exprlist(parser *p, mrv_vec *v, tokkind close, const token *open)
{
    /* list := expr {',' expr} */
    for (;;) {
        mrv_ast *x = expr(p);
        if (!x) return false;
        if (!mrv_vec_push(v, &x)) {
            nomem(p);
            return false;
        }
        if (p->tok.kind == T_COMMA) {
            next(p);
        } else if (p->tok.kind == close) {
            return true;
        } else {
            unclosed(p, open, close == T_RBRACK ? "',' or ']'" : "',' or ')'");
            return false;
        }
    }
}

/* Freezes a list of nodes into the arena as a's arguments. */
static mrv_ast *setargs(parser *p, mrv_ast *a, mrv_vec *v)
{
    size_t n = v->n;
    mrv_ast **args = mrv_vec_freeze(v, p->arena);
    if (!a || (n && !args)) return nomem(p);
    a->nargs = n;
    a->args = args;
    return a;
}

static mrv_ast *call(parser *p, const token *name, mrv_func f)
{
    /* primary := FUNC '(' expr {',' expr} ')' */
    token open = p->tok;
    mrv_vec v;
    mrv_vec_init(&v, sizeof(mrv_ast *));

    if (!nest(p, open.off)) return NULL;
    next(p);
    if (p->tok.kind != T_RPAREN && !exprlist(p, &v, T_RPAREN, &open)) {
        mrv_vec_free(&v);
        return NULL;
    }
    p->depth--;
    size_t end = p->tok.off + p->tok.len;
    next(p);

    int lo = funcs[f].lo, hi = funcs[f].hi;
    size_t n = v.n;
    if (n < (size_t)lo || (hi >= 0 && n > (size_t)hi)) {
        const char *fn = funcs[f].name;
        mrv_vec_free(&v);
        if (hi < 0)
            return error(p, name->off,
                         "'%s' takes at least %d arguments, got %zu", fn, lo,
                         n);
        if (hi > lo)
            return error(p, name->off, "'%s' takes %d or %d arguments, got %zu",
                         fn, lo, hi, n);
        return error(p, name->off, "'%s' takes %d argument%s, got %zu", fn, lo,
                     lo == 1 ? "" : "s", n);
    }
    mrv_ast *a = newnode(p, MRV_AST_CALL, name->off, name->off, end);
    if (a) a->func = f;
    return setargs(p, a, &v);
}

static mrv_ast *subscript(parser *p, const token *name)
{
    /* primary := NAME '[' expr {',' expr} ']' */
    token open = p->tok;
    mrv_vec v;
    mrv_vec_init(&v, sizeof(mrv_ast *));

    if (!nest(p, open.off)) return NULL;
    next(p);
    if (p->tok.kind == T_RBRACK)
        return error(p, p->tok.off, "empty subscript list");
    if (!exprlist(p, &v, T_RBRACK, &open)) {
        mrv_vec_free(&v);
        return NULL;
    }
    p->depth--;
    size_t end = p->tok.off + p->tok.len;
    next(p);

    mrv_ast *a = newnode(p, MRV_AST_INDEX, name->off, name->off, end);
    if (a) a->name = mrv_arena_strndup(p->arena, p->src + name->off, name->len);
    if (a && !a->name) {
        mrv_vec_free(&v);
        return nomem(p);
    }
    return setargs(p, a, &v);
}

static mrv_ast *name_or_call(parser *p)
{
    /* primary := NAME | NAME '[' expr {',' expr} ']'
    **          | FUNC '(' expr {',' expr} ')' */
    token t = p->tok;
    char qb[QBUF];
    const char *q = quote(p->src + t.off, t.len, qb, sizeof qb);
    mrv_func f = mrv_func_lookup(p->src + t.off, t.len);

    next(p);
    if (p->tok.kind == T_LPAREN) {
        if (f == MRV_F_COUNT)
            return error(p, t.off, "%s is not a function; index it with '[ ]'",
                         q);
        return call(p, &t, f);
    }
    if (f != MRV_F_COUNT)
        return error(p, t.off, "%s is a built-in function; call it as %s(...)",
                     q, funcs[f].name);
    if (p->tok.kind == T_LBRACK) return subscript(p, &t);

    mrv_ast *a = newnode(p, MRV_AST_NAME, t.off, t.off, t.off + t.len);
    if (!a) return NULL;
    a->name = mrv_arena_strndup(p->arena, p->src + t.off, t.len);
    return a->name ? a : nomem(p);
}

static bool binder(parser *p, mrv_binder *b)
{
    /* binder := NAME 'in' ( NAME | expr '..' expr ) */
    token t = p->tok;
    char qb[QBUF], qb2[QBUF];

    memset(b, 0, sizeof *b);
    b->dim_index = -1;
    b->slot = -1;
    if (t.kind != T_NAME) {
        error(p, t.off, "expected an index name, found %s",
              desc(p, &t, qb, sizeof qb));
        return false;
    }
    if (mrv_func_lookup(p->src + t.off, t.len) != MRV_F_COUNT) {
        error(p, t.off, "%s is a built-in function, not an index name",
              quote(p->src + t.off, t.len, qb, sizeof qb));
        return false;
    }
    b->name = mrv_arena_strndup(p->arena, p->src + t.off, t.len);
    b->off = t.off;
    if (!b->name) {
        nomem(p);
        return false;
    }
    next(p);
    if (p->tok.kind != T_IN) {
        error(p, p->tok.off, "expected 'in' after %s, found %s",
              quote(p->src + t.off, t.len, qb, sizeof qb),
              desc(p, &p->tok, qb2, sizeof qb2));
        return false;
    }
    next(p);

    mrv_ast *lo = expr(p);
    if (!lo) return false;
    if (p->tok.kind == T_DOTDOT) {
        next(p);
        b->lo = lo;
        b->hi = expr(p);
        return b->hi != NULL;
    }
    /* A bare name (not parenthesised: its span would include the
    ** parentheses) names a dimension. */
    if (lo->kind == MRV_AST_NAME && lo->start == lo->off) {
        b->dim = lo->name;
        b->dim_off = lo->off;
        return true;
    }
    error(p, lo->start, "expected '..' or a dimension name after 'in'");
    return false;
}

static mrv_ast *sum(parser *p)
{
    /* primary := 'sum' '(' binder {',' binder} ':' expr ')' */
    token kw = p->tok, open;
    char qb[QBUF];
    mrv_vec v;

    next(p);
    if (p->tok.kind != T_LPAREN)
        return error(p, kw.off,
                     "'sum' is a reserved word; write sum(i in ...: ...)");
    open = p->tok;
    if (!nest(p, open.off)) return NULL;
    next(p);

    mrv_vec_init(&v, sizeof(mrv_binder));
    for (;;) {
        mrv_binder b;
        if (!binder(p, &b)) goto fail;
        if (!mrv_vec_push(&v, &b)) {
            nomem(p);
            goto fail;
        }
        if (p->tok.kind == T_COLON) break;
        if (p->tok.kind != T_COMMA) {
            error(p, p->tok.off,
                  "expected ',' or ':' after the binder, "
                  "found %s",
                  desc(p, &p->tok, qb, sizeof qb));
            goto fail;
        }
        next(p);
    }
    next(p);
    mrv_ast *body = expr(p);
    if (!body) goto fail;
    if (p->tok.kind != T_RPAREN) {
        unclosed(p, &open, "')'");
        goto fail;
    }
    p->depth--;

    mrv_ast *a =
        newnode(p, MRV_AST_SUM, kw.off, kw.off, p->tok.off + p->tok.len);
    mrv_ast **args = mrv_arena_array(p->arena, 1, sizeof *args);
    size_t n = v.n;
    mrv_binder *bs = mrv_vec_freeze(&v, p->arena);
    if (!a || !args || !bs) return nomem(p);
    next(p);
    args[0] = body;
    a->nargs = 1;
    a->args = args;
    a->nbinders = n;
    a->binders = bs;
    return a;
fail:
    mrv_vec_free(&v);
    return NULL;
}

static mrv_ast *group(parser *p)
{
    /* primary := '(' expr ')' */
    token open = p->tok;

    if (!nest(p, open.off)) return NULL;
    next(p);
    mrv_ast *a = expr(p);
    if (!a) return NULL;
    if (p->tok.kind != T_RPAREN) return unclosed(p, &open, "')'");
    p->depth--;
    /* The span covers the parentheses, so a caret under a sub-expression
    ** shows them; 'off' still names the key token. */
    a->start = open.off;
    a->end = p->tok.off + p->tok.len;
    next(p);
    return a;
}

static mrv_ast *primary(parser *p)
{
    /* primary := NUMBER | NAME | NAME '[' expr {',' expr} ']'
    **          | FUNC '(' expr {',' expr} ')'
    **          | 'sum' '(' binder {',' binder} ':' expr ')'
    **          | '(' expr ')' */
    token t = p->tok;
    char qb[QBUF];
    mrv_ast *a;

    switch (t.kind) {
    case T_NUM:
        a = newnode(p, MRV_AST_NUM, t.off, t.off, t.off + t.len);
        if (a) a->num = t.num;
        next(p);
        return a;
    case T_STR:
        a = newnode(p, MRV_AST_STR, t.off, t.off, t.off + t.len);
        if (!a) return NULL;
        a->name = mrv_arena_strndup(p->arena, p->src + t.off + 1, t.len - 2);
        next(p);
        return a->name ? a : nomem(p);
    case T_NAME:
        return name_or_call(p);
    case T_SUM:
        return sum(p);
    case T_LPAREN:
        return group(p);
    case T_IN:
        return error(p, t.off,
                     "'in' is a reserved word; it belongs in "
                     "sum(i in ...: ...)");
    case T_EOF:
        return error(p, t.off, "expected an operand after %s",
                     desc(p, &p->prev, qb, sizeof qb));
    case T_ERR:
        return NULL;
    default:
        return error(p, t.off, "expected an operand before %s",
                     desc(p, &t, qb, sizeof qb));
    }
}

static mrv_ast *subexpr(parser *p, int limit)
{
    /* subexpr := (prefixop subexpr | primary) { infixop subexpr }
    ** where only operators binding tighter than 'limit' take part: this
    ** is or, and, not, cmp, add, mul, unary and pow of the grammar. */
    mrv_ast *a;
    tokkind k = p->tok.kind;
    char qb[QBUF];

    if (k < NOPS && ops[k].prefix) {
        token op = p->tok;
        if (ops[k].prefix < limit)
            return error(p, op.off,
                         "'%s' cannot follow %s without "
                         "parentheses",
                         mrv_op_name(ops[k].pre),
                         desc(p, &p->prev, qb, sizeof qb));
        if (!nest(p, op.off)) return NULL;
        next(p);
        mrv_ast *x = subexpr(p, ops[k].prefix);
        if (!x) return NULL;
        p->depth--;
        a = opnode(p, ops[k].pre, op.off, x, NULL);
    } else {
        a = primary(p);
    }

    /* The binding power of a non-associative operator just applied at
    ** this level: a second one there is 'a < b < c'. */
    int chained = 0;
    while (a && (k = p->tok.kind) < NOPS && ops[k].left > limit) {
        token op = p->tok;
        bool right_assoc = ops[k].right < ops[k].left;
        if (ops[k].nonassoc && chained == ops[k].left)
            return error(p, op.off,
                         "comparison operators cannot be "
                         "chained; use 'and'");
        if (right_assoc && !nest(p, op.off)) return NULL;
        next(p);
        mrv_ast *b = subexpr(p, ops[k].right);
        if (!b) return NULL;
        if (right_assoc) p->depth--;
        a = opnode(p, ops[k].infix, op.off, a, b);
        chained = ops[k].nonassoc ? ops[k].left : 0;
    }
    return a;
}

mrv_status mrv_expr_parse(const char *src, size_t len, const mrv_ynode *at,
                          mrv_arena *arena, mrv_ast **out, mrv_diag *diag)
{
    parser ps, *p = &ps;
    char qb[QBUF];

    memset(p, 0, sizeof *p);
    p->src = src ? src : "";
    p->len = src ? len : 0;
    p->at = at;
    p->arena = arena;
    p->diag = diag;
    if (out) *out = NULL;

    if (p->len > MRV_EXPR_MAX_LEN) {
        error(p, 0, "formula longer than %d bytes", MRV_EXPR_MAX_LEN);
        return p->st;
    }
    lex(p);
    if (p->tok.kind == T_EOF) {
        error(p, 0, "empty formula");
        return p->st;
    }
    mrv_ast *a = expr(p);
    if (a) {
        const token *t = &p->tok;
        switch (t->kind) {
        case T_EOF:
            break;
        case T_RPAREN:
        case T_RBRACK:
            error(p, t->off, "unmatched '%c'", p->src[t->off]);
            break;
        case T_DOTDOT:
            error(p, t->off,
                  "'..' is only allowed in a sum's range, as in "
                  "sum(i in a .. b: ...)");
            break;
        case T_IN:
            error(p, t->off,
                  "'in' is a reserved word; it belongs in "
                  "sum(i in ...: ...)");
            break;
        default:
            error(p, t->off, "unexpected %s after the end of the formula",
                  desc(p, t, qb, sizeof qb));
            break;
        }
    }
    if (p->st != MRV_OK) return p->st;
    if (out) *out = a;
    return MRV_OK;
}

/* ------------------------------------------------------------ formatting */

typedef struct outbuf {
    char *buf;
    size_t n, len; /* capacity, bytes the full text needs */
} outbuf;

static void put(outbuf *o, const char *s, size_t k)
{
    if (o->len + 1 < o->n) {
        size_t room = o->n - 1 - o->len;
        memcpy(o->buf + o->len, s, k < room ? k : room);
    }
    o->len += k;
}

static void putstr(outbuf *o, const char *s)
{
    if (!s) s = "?";
    put(o, s, strlen(s));
}

/* The shortest of %.15g, %.16g, %.17g that reads back exactly, so 0.47
** prints as 0.47 and not 0.46999999999999997.  (Below 15 digits %.15g
** prints the same digits as the shortest text, but keeps 100 from
** becoming 1e+02.) */
static void putnum(outbuf *o, double x)
{
    char b[40];
    int p = isfinite(x) ? mrv_fmt_digits(x) : 17;
    snprintf(b, sizeof b, "%.*g", p < 15 ? 15 : p, x);
    putstr(o, b);
}

static void fmt(outbuf *o, const mrv_ast *a)
{
    if (!a) {
        putstr(o, "?");
        return;
    }
    switch (a->kind) {
    case MRV_AST_NUM:
        putnum(o, a->num);
        break;
    case MRV_AST_NAME:
        putstr(o, a->name ? a->name : "?");
        break;
    case MRV_AST_STR:
        putstr(o, "'");
        putstr(o, a->name ? a->name : "?");
        putstr(o, "'");
        break;
    case MRV_AST_INDEX:
    case MRV_AST_CALL:
        putstr(o, a->kind == MRV_AST_CALL ? mrv_func_name(a->func) : a->name);
        putstr(o, a->kind == MRV_AST_CALL ? "(" : "[");
        for (size_t i = 0; i < a->nargs; i++) {
            if (i) putstr(o, ", ");
            fmt(o, a->args[i]);
        }
        putstr(o, a->kind == MRV_AST_CALL ? ")" : "]");
        break;
    case MRV_AST_UNARY:
        putstr(o, "(");
        putstr(o, mrv_op_name(a->op));
        if (a->op == MRV_OP_NOT) putstr(o, " ");
        fmt(o, a->nargs ? a->args[0] : NULL);
        putstr(o, ")");
        break;
    case MRV_AST_BINARY:
        putstr(o, "(");
        fmt(o, a->nargs > 0 ? a->args[0] : NULL);
        putstr(o, " ");
        putstr(o, mrv_op_name(a->op));
        putstr(o, " ");
        fmt(o, a->nargs > 1 ? a->args[1] : NULL);
        putstr(o, ")");
        break;
    case MRV_AST_SUM:
        putstr(o, "sum(");
        for (size_t i = 0; i < a->nbinders; i++) {
            const mrv_binder *b = &a->binders[i];
            if (i) putstr(o, ", ");
            putstr(o, b->name);
            putstr(o, " in ");
            if (b->dim) {
                putstr(o, b->dim);
            } else {
                fmt(o, b->lo);
                putstr(o, " .. ");
                fmt(o, b->hi);
            }
        }
        putstr(o, ": ");
        fmt(o, a->nargs ? a->args[0] : NULL);
        putstr(o, ")");
        break;
    }
}

size_t mrv_ast_format(const mrv_ast *a, char *buf, size_t n)
{
    outbuf o = {buf, buf ? n : 0, 0};
    fmt(&o, a);
    if (o.n) o.buf[o.len < o.n ? o.len : o.n - 1] = '\0';
    return o.len;
}
