/*
** test_expr_parse.c -- the formula lexer and parser (expr.h, docs/formulas.md).
**
** Table-driven: good formulas against their fully parenthesised form
** (precedence, associativity, every operator and function, indexing, sums,
** number syntax, whitespace); bad formulas against the column and message
** each must report; the nesting and length limits at and past their edge;
** spans and the fields the compiler expects to find initialised; the
** snprintf contract of mrv_ast_format; out-of-memory at every allocation;
** and error positions carried through YAML scalars of each style.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "fixture.h"

typedef fx_base fixture;

static mrv_ast *parse_ok(fixture *fx, const char *src)
{
    mrv_ast *a = NULL;
    mrv_diag_reset(fx->diag);
    mrv_status st =
        mrv_expr_parse(src, strlen(src), NULL, fx->arena, &a, fx->diag);
    if (st != MRV_OK) {
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        fail_msg("'%.60s': %s at col %u: %s", src, mrv_status_name(st),
                 e ? e->pos.col : 0, e ? e->msg : "(no diagnostic)");
    }
    assert_non_null(a);
    assert_int_equal(mrv_diag_count(fx->diag), 0);
    return a;
}

/* Parses 'src' expecting an error at column 'col' whose message contains
** 'msg'. */
static void parse_bad(fixture *fx, const char *src, size_t len, unsigned col,
                      const char *msg)
{
    mrv_ast *a = (mrv_ast *)&a; /* must be reset to NULL */
    mrv_diag_reset(fx->diag);
    mrv_status st = mrv_expr_parse(src, len, NULL, fx->arena, &a, fx->diag);
    const mrv_diag_entry *e = mrv_diag_first(fx->diag);
    if (st != MRV_ESYNTAX || !e) {
        fail_msg("'%.60s': got %s, want MRV_ESYNTAX", src, mrv_status_name(st));
    }
    assert_null(a);
    assert_int_equal(mrv_diag_count(fx->diag), 1);
    assert_string_equal(e->pos.file, "<formula>");
    assert_int_equal(e->pos.line, 1);
    if (e->pos.col != col || !strstr(e->msg, msg)) {
        fail_msg("'%.60s': got col %u \"%s\", want col %u \"...%s...\"", src,
                 e->pos.col, e->msg, col, msg);
    }
}

/* ------------------------------------------------------------ good */

static const struct {
    const char *src, *want;
} good[] = {
    /* Precedence and associativity. */
    {"1 + 2 * 3", "(1 + (2 * 3))"},
    {"1 * 2 + 3", "((1 * 2) + 3)"},
    {"(1 + 2) * 3", "((1 + 2) * 3)"},
    {"a - b - c", "((a - b) - c)"},
    {"a / b / c", "((a / b) / c)"},
    {"a / b * c", "((a / b) * c)"},
    {"a - b + c", "((a - b) + c)"},
    {"a + b - c * d / e", "((a + b) - ((c * d) / e))"},
    /* The three decided cases: '^' is right-associative, '-x^2' is
    ** -(x^2), and the right operand of '^' may be negated. */
    {"2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"},
    {"-x^2", "(-(x ^ 2))"},
    {"2^-1", "(2 ^ (-1))"},
    {"2^-3*4", "((2 ^ (-3)) * 4)"},
    {"2^3^-x", "(2 ^ (3 ^ (-x)))"},
    {"a^b*c", "((a ^ b) * c)"},
    {"a*b^c", "(a * (b ^ c))"},
    {"(-x)^2", "((-x) ^ 2)"},
    {"log(x)", "log(x)"},
    /* Unary minus. */
    {"-2 * 3", "((-2) * 3)"},
    {"--x", "(-(-x))"},
    {"a * -b", "(a * (-b))"},
    {"a - -b", "(a - (-b))"},
    {"a--b", "(a - (-b))"},
    {"-(a)", "(-a)"},
    {"-a + b", "((-a) + b)"},
    /* Comparisons, and, or, not. */
    {"a < b", "(a < b)"},
    {"a <= b", "(a <= b)"},
    {"a > b", "(a > b)"},
    {"a >= b", "(a >= b)"},
    {"a == b", "(a == b)"},
    {"a != b", "(a != b)"},
    {"a + b < c * d", "((a + b) < (c * d))"},
    {"a < -b", "(a < (-b))"},
    {"a or b and c", "(a or (b and c))"},
    {"a and b or c", "((a and b) or c)"},
    {"a or b or c", "((a or b) or c)"},
    {"a and b and c", "((a and b) and c)"},
    {"not a and b", "((not a) and b)"},
    {"not a == b", "(not (a == b))"},
    {"not not a", "(not (not a))"},
    {"not -x < 0", "(not ((-x) < 0))"},
    {"a and not b", "(a and (not b))"},
    {"a < b and c > d or not e == f",
     "(((a < b) and (c > d)) or (not (e == f)))"},
    {"(a < b) == (c < d)", "((a < b) == (c < d))"},
    {"a != b or a == b", "((a != b) or (a == b))"},
    /* Quoted names (the compiler allows them only beside a choice). */
    {"LK == 'measured'", "(LK == 'measured')"},
    {"'none' != LK[s]", "('none' != LK[s])"},
    {"if(M=='a b',1,2)", "if((M == 'a b'), 1, 2)"},
    {"1 + (not x)", "(1 + (not x))"},
    /* Every function. */
    {"if(a > 0, 1, 2)", "if((a > 0), 1, 2)"},
    {"if(not a, b, c)", "if((not a), b, c)"},
    {"min(a, b)", "min(a, b)"},
    {"min(a, b, c, d)", "min(a, b, c, d)"},
    {"max(a, b)", "max(a, b)"},
    {"max(1, 2, 3)", "max(1, 2, 3)"},
    {"clamp(x, 0, 1)", "clamp(x, 0, 1)"},
    {"exp(x)", "exp(x)"},
    {"ln(x)", "ln(x)"},
    {"log10(x)", "log10(x)"},
    {"sqrt(x + 1)", "sqrt((x + 1))"},
    {"abs(-x)", "abs((-x))"},
    {"floor(x / 2)", "floor((x / 2))"},
    {"ceil(x)", "ceil(x)"},
    {"round(x)", "round(x)"},
    {"round(x * 2, -1)", "round((x * 2), (-1))"},
    {"-exp(x)^2", "(-(exp(x) ^ 2))"},
    {"max(min(a, b), -c)", "max(min(a, b), (-c))"},
    /* Indexing with one to three subscripts. */
    {"N[i]", "N[i]"},
    {"W[x, j]", "W[x, j]"},
    {"C[y - 1]", "C[(y - 1)]"},
    {"C[y - 1, i, k]", "C[(y - 1), i, k]"},
    {"N[M[i]] * 2", "(N[M[i]] * 2)"},
    {"-N[i]^2", "(-(N[i] ^ 2))"},
    /* Sums: dimensions, ranges, several binders, nesting. */
    {"sum(i in fleet: N[i])", "sum(i in fleet: N[i])"},
    {"sum(i in 1..3: i)", "sum(i in 1 .. 3: i)"},
    {"sum(x in first - 20 .. y - 1, j in waste: W[x, j] * k)",
     "sum(x in (first - 20) .. (y - 1), j in waste: (W[x, j] * k))"},
    {"sum(i in fleet, v in first .. y: D[i, v])",
     "sum(i in fleet, v in first .. y: D[i, v])"},
    {"sum(i in 1..3: sum(j in d: A[i, j]))",
     "sum(i in 1 .. 3: sum(j in d: A[i, j]))"},
    {"sum(i in a .. b: i) * 2 + 1", "((sum(i in a .. b: i) * 2) + 1)"},
    {"sum ( i in fleet : 1 )", "sum(i in fleet: 1)"},
    {"sum(i in -1 .. 1: i)", "sum(i in (-1) .. 1: i)"},
    {"sum(i in 1.5..2.5: i)", "sum(i in 1.5 .. 2.5: i)"},
    /* Numbers. */
    {"12", "12"},
    {"0.47", "0.47"},
    {".5", "0.5"},
    {"1e-3", "0.001"},
    {"2.5E+3", "2500"},
    {"1e5", "100000"},
    {"1E5", "100000"},
    {"007", "7"},
    {"0.1", "0.1"},
    {"0e-400", "0"},
    {"2.2250738585072014e-308", "2.2250738585072014e-308"},
    {"123456789012345678", "1.2345678901234568e+17"},
    /* Whitespace and newlines anywhere between tokens. */
    {"  a\n  +\tb\r\n * c  ", "(a + (b * c))"},
    {"sum(i in fleet:\n    N[i]\n)", "sum(i in fleet: N[i])"},
    {"min(\n  a,\n  b\n)", "min(a, b)"},
    /* Names, including ones that begin like keywords or functions. */
    {"x1_ + _y", "(x1_ + _y)"},
    {"sumx + in_ + notx", "((sumx + in_) + notx)"},
    {"order + andy + ore", "((order + andy) + ore)"},
    {"logx + if_ + exp2", "((logx + if_) + exp2)"},
    {"y + first + last + frac", "(((y + first) + last) + frac)"},
};

static void test_expr_parse_good(void **state)
{
    fixture *fx = *state;
    char buf[256];

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        mrv_ast *a = parse_ok(fx, good[i].src);
        size_t n = mrv_ast_format(a, buf, sizeof buf);
        if (strcmp(buf, good[i].want) != 0) {
            fail_msg("'%s': got \"%s\", want \"%s\"", good[i].src, buf,
                     good[i].want);
        }
        assert_int_equal(n, strlen(good[i].want));
        /* The printed form parses back to itself. */
        char again[256];
        mrv_ast_format(parse_ok(fx, buf), again, sizeof again);
        assert_string_equal(again, buf);
    }
}

/* ------------------------------------------------------------- bad */

static const struct {
    const char *src;
    unsigned col; /* offset + 1 */
    const char *msg;
} bad[] = {
    /* Empty. */
    {"", 1, "empty formula"},
    {"   \n\t ", 1, "empty formula"},
    /* Missing operands, trailing and leading operators. */
    {"1 +", 4, "expected an operand after '+'"},
    {"a * (b -", 9, "expected an operand after '-'"},
    {"* 2", 1, "expected an operand before '*'"},
    {"(", 2, "expected an operand after '('"},
    {")", 1, "expected an operand before ')'"},
    {"a + )", 5, "expected an operand before ')'"},
    /* Unbalanced brackets: the unmatched opener, or the stray token. */
    {"(1 + 2", 1, "missing ')' to close this '('"},
    {"a * ((1 + 2)", 5, "missing ')' to close this '('"},
    {"1 + 2)", 6, "unmatched ')'"},
    {"N[1]]", 5, "unmatched ']'"},
    {"N[1, 2", 2, "missing ']' to close this '['"},
    {"max(1, 2", 4, "missing ')' to close this '('"},
    {"sum(i in fleet: 1", 4, "missing ')' to close this '('"},
    {"(1 + 2]", 7, "expected ')', found ']'"},
    {"N[1)", 4, "expected ',' or ']', found ')'"},
    {"max(1 2)", 7, "expected ',' or ')', found '2'"},
    /* Comparisons do not chain. */
    {"a < b < c", 7, "comparison operators cannot be chained; use 'and'"},
    {"a == b != c", 8, "comparison operators cannot be chained"},
    {"a < b + c >= d", 11, "comparison operators cannot be chained"},
    {"not a < b < c", 11, "comparison operators cannot be chained"},
    /* Operators from other languages. */
    {"a = b", 3, "use '==' to compare"},
    {"a && b", 3, "use 'and' instead of '&&'"},
    {"a & b", 3, "use 'and' instead of '&'"},
    {"a || b", 3, "use 'or' instead of '||'"},
    {"!a", 1, "use 'not' instead of '!'"},
    {"2 ** 3", 3, "use '^' for powers, not '**'"},
    /* Characters. */
    {"a $ b", 3, "unexpected character '$'"},
    {"a ; b", 3, "unexpected character ';'"},
    {"a . b", 3, "unexpected character '.'"},
    {"a \xe2\x88\x92 b", 3, "unexpected character '\xe2\x88\x92'; use '-'"},
    {"a \xc3\x97 b", 3, "unexpected character '\xc3\x97'; use '*'"},
    {"\xce\xb1 + 1", 1, "unexpected character '\xce\xb1'"},
    {"a \x01", 3, "unexpected byte 0x01"},
    {"a \xff", 3, "unexpected byte 0xff"},
    /* Numbers. */
    {"1e", 1, "malformed number '1e'"},
    {"3 * 1e+", 5, "malformed number '1e+'"},
    {"2x", 1, "malformed number '2x'"},
    {"1.", 1, "malformed number '1.'"},
    {"1.2.3", 1, "malformed number '1.2.3'"},
    {"1e999", 1, "number out of range: '1e999'"},
    {"2 * 1e400", 5, "number out of range"},
    /* Read as 0 or as a subnormal with digits lost: not what is written. */
    {"1e-400", 1, "number out of range: '1e-400' underflows"},
    {"x + 1e-310", 5, "number out of range: '1e-310' underflows"},
    /* Functions: arity, unknown, misused as names. */
    {"clamp(x, 0)", 1, "'clamp' takes 3 arguments, got 2"},
    {"if(a, b)", 1, "'if' takes 3 arguments, got 2"},
    {"1 + exp()", 5, "'exp' takes 1 argument, got 0"},
    {"round(x, 1, 2)", 1, "'round' takes 1 or 2 arguments, got 3"},
    {"round()", 1, "'round' takes 1 or 2 arguments, got 0"},
    {"LK == 'measured", 7, "a quoted name has no closing \"'\""},
    {"LK == 'a\nb'", 7, "a quoted name has no closing \"'\""},
    {"LK == 'a' 'b'", 11, "unexpected ''b'' after the end of the formula"},
    {"abs(1, 2)", 1, "'abs' takes 1 argument, got 2"},
    {"min(1)", 1, "'min' takes at least 2 arguments, got 1"},
    {"foo(1)", 1, "'foo' is not a function; index it with '[ ]'"},
    {"2 * N(y)", 5, "'N' is not a function"},
    {"if + 1", 1, "'if' is a built-in function; call it as if(...)"},
    {"log", 1, "'log' is a built-in function"},
    {"log[1]", 1, "'log' is a built-in function"},
    /* Sums. */
    {"sum(i in fleet N[i])", 16,
     "expected ',' or ':' after the binder, found 'N'"},
    {"sum(i in fleet)", 15, "expected ',' or ':' after the binder, found ')'"},
    {"sum(i: 1)", 6, "expected 'in' after 'i', found ':'"},
    {"sum(i fleet: 1)", 7, "expected 'in' after 'i', found 'fleet'"},
    {"sum(i in 3: 1)", 10, "expected '..' or a dimension name after 'in'"},
    {"sum(i in (d): 1)", 10, "expected '..' or a dimension name"},
    {"sum(i in y - 1: 1)", 10, "expected '..' or a dimension name"},
    {"sum()", 5, "expected an index name, found ')'"},
    {"sum(in d: 1)", 5, "expected an index name, found 'in'"},
    {"sum(1 in d: 1)", 5, "expected an index name, found '1'"},
    {"sum(log in d: 1)", 5, "'log' is a built-in function, not an index name"},
    {"sum(i in 1 .. : 1)", 15, "expected an operand before ':'"},
    {"sum(i in 1...3: i)", 11, "unexpected '...'"},
    {"sum(i in d, : 1)", 13, "expected an index name, found ':'"},
    {"sum(i in d: )", 13, "expected an operand before ')'"},
    {"sum + 1", 1, "'sum' is a reserved word"},
    {"sum", 1, "'sum' is a reserved word"},
    /* 'in', '..' and 'not' out of place. */
    {"in + 1", 1, "'in' is a reserved word"},
    {"x in y", 3, "'in' is a reserved word"},
    {"1 .. 3", 3, "'..' is only allowed in a sum's range"},
    {"1..3", 2, "'..' is only allowed in a sum's range"},
    {"1 + not x", 5, "'not' cannot follow '+' without parentheses"},
    {"a == not b", 6, "'not' cannot follow '=='"},
    {"a ^ not b", 5, "'not' cannot follow '^'"},
    {"- not b", 3, "'not' cannot follow '-'"},
    {"a not b", 3, "unexpected 'not' after the end of the formula"},
    {"a or", 5, "expected an operand after 'or'"},
    {"and b", 1, "expected an operand before 'and'"},
    /* Indexing. */
    {"N[]", 3, "empty subscript list"},
    {"N[1,]", 5, "expected an operand before ']'"},
    {"N[,1]", 3, "expected an operand before ','"},
    /* Trailing input. */
    {"1 2", 3, "unexpected '2' after the end of the formula"},
    {"a b", 3, "unexpected 'b' after the end of the formula"},
    {"(x) (y)", 5, "unexpected '(' after the end of the formula"},
    {"a, b", 2, "unexpected ',' after the end of the formula"},
    {"a: b", 2, "unexpected ':' after the end of the formula"},
};

static void test_expr_parse_bad(void **state)
{
    fixture *fx = *state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_bad(fx, bad[i].src, strlen(bad[i].src), bad[i].col, bad[i].msg);
}

/* A NUL inside the text is a character like any other, not its end. */
static void test_expr_parse_embedded_nul(void **state)
{
    fixture *fx = *state;
    parse_bad(fx, "1 +\0 2", 6, 4, "unexpected byte 0x00");
    /* Only 'len' bytes are read: the '+ 2' past it is not seen. */
    mrv_ast *a = NULL;
    assert_status(mrv_expr_parse("7 + 2", 1, NULL, fx->arena, &a, fx->diag),
                  MRV_OK);
    assert_true(a->kind == MRV_AST_NUM && a->num == 7.0);
    parse_bad(fx, NULL, 0, 1, "empty formula");
}

/* ---------------------------------------------------------- limits */

/* prefix x n, then middle, then suffix x n, in malloc'd memory. */
static char *repeat(const char *prefix, size_t n, const char *middle,
                    const char *suffix)
{
    size_t lp = strlen(prefix), lm = strlen(middle), ls = strlen(suffix);
    char *s = malloc(n * (lp + ls) + lm + 1), *q = s;
    assert_non_null(s);
    for (size_t i = 0; i < n; i++, q += lp) memcpy(q, prefix, lp);
    memcpy(q, middle, lm);
    q += lm;
    for (size_t i = 0; i < n; i++, q += ls) memcpy(q, suffix, ls);
    *q = '\0';
    return s;
}

/* Each repetition of 'prefix' opens 'levels' nesting levels; the opener
** of level 101, where the error must point, is at byte
** first + step * 100. */
static const struct {
    const char *prefix, *middle, *suffix;
    unsigned levels, first, step;
} nesting[] = {
    {"(", "x", ")", 1, 0, 1},
    {"-", "x", "", 1, 0, 1},
    {"not ", "x", "", 1, 0, 4},
    {"2^", "2", "", 1, 1, 2},
    {"abs(", "x", ")", 1, 3, 4},
    {"N[", "1", "]", 1, 1, 2},
    {"sum(i in d: ", "1", ")", 1, 3, 12},
    {"-(", "x", ")", 2, 0, 1},
};

static void test_expr_parse_depth_limit(void **state)
{
    fixture *fx = *state;

    for (size_t i = 0; i < sizeof nesting / sizeof nesting[0]; i++) {
        size_t per = nesting[i].levels;
        size_t ok = MRV_EXPR_MAX_DEPTH / per;
        char *s =
            repeat(nesting[i].prefix, ok, nesting[i].middle, nesting[i].suffix);
        parse_ok(fx, s);
        free(s);

        /* One level more fails at the opener of level 101. */
        size_t n = (MRV_EXPR_MAX_DEPTH + 1 + per - 1) / per;
        s = repeat(nesting[i].prefix, n, nesting[i].middle, nesting[i].suffix);
        size_t off =
            nesting[i].first + (size_t)nesting[i].step * MRV_EXPR_MAX_DEPTH;
        parse_bad(fx, s, strlen(s), (unsigned)off + 1,
                  "formula nested deeper than 100 levels");
        free(s);
    }

    /* Hostile depth fails at the same place without exhausting the
    ** stack. */
    char *s = repeat("(", 16000, "", "");
    parse_bad(fx, s, strlen(s), 101, "formula nested deeper than 100 levels");
    free(s);
    s = repeat("-", 16000, "", "");
    parse_bad(fx, s, strlen(s), 101, "formula nested deeper than 100 levels");
    free(s);
    s = repeat("2^", 8000, "2", "");
    parse_bad(fx, s, strlen(s), 202, "formula nested deeper than 100 levels");
    free(s);

    /* Left-associative chains are long, not deep. */
    s = repeat("1+", 8000, "1", "");
    mrv_ast *a = parse_ok(fx, s);
    assert_true(a->kind == MRV_AST_BINARY && a->op == MRV_OP_ADD);
    assert_int_equal(a->end, strlen(s));
    free(s);
    /* The recursion through precedence levels inside one nesting level
    ** does not count: only the parentheses do here. */
    s = repeat("(a or b and c < d + e * f - g / ", MRV_EXPR_MAX_DEPTH, "h",
               ")");
    parse_ok(fx, s);
    free(s);
}

static void test_expr_parse_length_limit(void **state)
{
    fixture *fx = *state;
    char *s = malloc(MRV_EXPR_MAX_LEN + 2);
    assert_non_null(s);

    memset(s, 'x', MRV_EXPR_MAX_LEN);
    s[MRV_EXPR_MAX_LEN] = '\0';
    mrv_ast *a = parse_ok(fx, s);
    assert_int_equal(strlen(a->name), MRV_EXPR_MAX_LEN);

    s[MRV_EXPR_MAX_LEN] = 'x';
    s[MRV_EXPR_MAX_LEN + 1] = '\0';
    parse_bad(fx, s, MRV_EXPR_MAX_LEN + 1, 1,
              "formula longer than 16384 bytes");

    /* A long number is read whole. */
    memset(s, '0', MRV_EXPR_MAX_LEN);
    s[MRV_EXPR_MAX_LEN - 1] = '5';
    s[MRV_EXPR_MAX_LEN] = '\0';
    a = parse_ok(fx, s);
    assert_true(a->kind == MRV_AST_NUM && a->num == 5.0);
    free(s);
}

/* ---------------------------------------------------- tree details */

static void test_expr_parse_spans_and_fields(void **state)
{
    fixture *fx = *state;
    /*                 0         1         2         3
    **                 0123456789012345678901234567890123456 */
    const char *src = "(a + N[y, 2]) * -min(b, 3) ^ 2";
    mrv_ast *m = parse_ok(fx, src);

    assert_int_equal(m->kind, MRV_AST_BINARY);
    assert_int_equal(m->op, MRV_OP_MUL);
    assert_int_equal(m->off, 14);
    assert_int_equal(m->start, 0);
    assert_int_equal(m->end, strlen(src));
    assert_int_equal(m->nargs, 2);

    mrv_ast *add = m->args[0];
    assert_int_equal(add->op, MRV_OP_ADD);
    assert_int_equal(add->off, 3);
    assert_int_equal(add->start, 0); /* the span covers the parentheses */
    assert_int_equal(add->end, 13);

    mrv_ast *a = add->args[0];
    assert_int_equal(a->kind, MRV_AST_NAME);
    assert_string_equal(a->name, "a");
    assert_int_equal(a->off, 1);
    assert_int_equal(a->end, 2);

    mrv_ast *n = add->args[1];
    assert_int_equal(n->kind, MRV_AST_INDEX);
    assert_string_equal(n->name, "N");
    assert_int_equal(n->off, 5);
    assert_int_equal(n->start, 5);
    assert_int_equal(n->end, 12);
    assert_int_equal(n->nargs, 2);
    assert_int_equal(n->args[1]->kind, MRV_AST_NUM);
    assert_true(n->args[1]->num == 2.0);
    assert_int_equal(n->args[1]->off, 10);

    mrv_ast *neg = m->args[1];
    assert_int_equal(neg->kind, MRV_AST_UNARY);
    assert_int_equal(neg->op, MRV_OP_NEG);
    assert_int_equal(neg->off, 16);
    assert_int_equal(neg->end, strlen(src));
    mrv_ast *pw = neg->args[0];
    assert_int_equal(pw->op, MRV_OP_POW);
    assert_int_equal(pw->off, 27);
    mrv_ast *call = pw->args[0];
    assert_int_equal(call->kind, MRV_AST_CALL);
    assert_int_equal(call->func, MRV_F_MIN);
    assert_int_equal(call->off, 17);
    assert_int_equal(call->end, 26);
    assert_int_equal(call->nargs, 2);

    /* Every node starts unresolved for the compiler. */
    const mrv_ast *all[] = {m,          add, a,  n,    n->args[0],
                            n->args[1], neg, pw, call, call->args[0]};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        assert_int_equal(all[i]->sym, MRV_SYM_UNRESOLVED);
        assert_int_equal(all[i]->index, -1);
        assert_false(all[i]->any_dim);
        assert_false(all[i]->is_static);
        assert_true(all[i]->unit.num == 0.0 && all[i]->unit.den == 0.0);
        for (int d = 0; d < MRV_NDIM; d++)
            assert_int_equal(all[i]->unit.dim[d], 0);
        if (all[i]->kind != MRV_AST_CALL)
            assert_int_equal(all[i]->func, MRV_F_COUNT);
    }
}

static void test_expr_parse_sum_binders(void **state)
{
    fixture *fx = *state;
    /*                 0         1         2         3         4
    **                 01234567890123456789012345678901234567890123 */
    const char *src = "sum(i in fleet, v in first - 1 .. y: E[i, v])";
    mrv_ast *s = parse_ok(fx, src);

    assert_int_equal(s->kind, MRV_AST_SUM);
    assert_int_equal(s->off, 0);
    assert_int_equal(s->end, strlen(src));
    assert_int_equal(s->nbinders, 2);
    assert_int_equal(s->nargs, 1);
    assert_int_equal(s->args[0]->kind, MRV_AST_INDEX);

    const mrv_binder *b = &s->binders[0];
    assert_string_equal(b->name, "i");
    assert_int_equal(b->off, 4);
    assert_string_equal(b->dim, "fleet");
    assert_int_equal(b->dim_off, 9);
    assert_null(b->lo);
    assert_null(b->hi);
    assert_int_equal(b->dim_index, -1);
    assert_int_equal(b->slot, -1);

    b = &s->binders[1];
    assert_string_equal(b->name, "v");
    assert_int_equal(b->off, 16);
    assert_null(b->dim);
    assert_non_null(b->lo);
    assert_int_equal(b->lo->op, MRV_OP_SUB);
    assert_int_equal(b->lo->start, 21);
    assert_non_null(b->hi);
    assert_int_equal(b->hi->kind, MRV_AST_NAME);
    assert_int_equal(b->hi->off, 34);
    assert_int_equal(b->dim_index, -1);
    assert_int_equal(b->slot, -1);
}

/* ------------------------------------------------------ public API */

static void test_expr_parse_tables(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        mrv_func f;
        int lo, hi;
    } fn[] = {
        {"if", MRV_F_IF, 3, 3},       {"min", MRV_F_MIN, 2, -1},
        {"max", MRV_F_MAX, 2, -1},    {"clamp", MRV_F_CLAMP, 3, 3},
        {"exp", MRV_F_EXP, 1, 1},     {"ln", MRV_F_LN, 1, 1},
        {"log", MRV_F_LOG, 1, 1},     {"log10", MRV_F_LOG10, 1, 1},
        {"sqrt", MRV_F_SQRT, 1, 1},   {"abs", MRV_F_ABS, 1, 1},
        {"floor", MRV_F_FLOOR, 1, 1}, {"ceil", MRV_F_CEIL, 1, 1},
        {"round", MRV_F_ROUND, 1, 2},
    };
    assert_int_equal(sizeof fn / sizeof fn[0], MRV_F_COUNT);
    for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++) {
        int lo, hi;
        assert_string_equal(mrv_func_name(fn[i].f), fn[i].name);
        assert_int_equal(mrv_func_lookup(fn[i].name, strlen(fn[i].name)),
                         fn[i].f);
        mrv_func_arity(fn[i].f, &lo, &hi);
        assert_int_equal(lo, fn[i].lo);
        assert_int_equal(hi, fn[i].hi);
        assert_true(mrv_expr_reserved(fn[i].name));
    }
    assert_null(mrv_func_name(MRV_F_COUNT));
    assert_int_equal(mrv_func_lookup("log1", 4), MRV_F_COUNT);
    assert_int_equal(mrv_func_lookup("log10", 3), MRV_F_LOG);
    assert_int_equal(mrv_func_lookup("lo", 2), MRV_F_COUNT);
    assert_int_equal(mrv_func_lookup(NULL, 0), MRV_F_COUNT);

    const char *kw[] = {"and", "or", "not", "in", "sum"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        assert_true(mrv_expr_reserved(kw[i]));
    const char *free_names[] = {"y",    "first", "last", "frac", "x",
                                "sums", "If",    "",     "LOG"};
    for (size_t i = 0; i < sizeof free_names / sizeof free_names[0]; i++)
        assert_false(mrv_expr_reserved(free_names[i]));
    assert_false(mrv_expr_reserved(NULL));

    static const struct {
        mrv_ast_op op;
        const char *s;
    } on[] = {
        {MRV_OP_NEG, "-"},  {MRV_OP_NOT, "not"}, {MRV_OP_ADD, "+"},
        {MRV_OP_SUB, "-"},  {MRV_OP_MUL, "*"},   {MRV_OP_DIV, "/"},
        {MRV_OP_POW, "^"},  {MRV_OP_LT, "<"},    {MRV_OP_LE, "<="},
        {MRV_OP_GT, ">"},   {MRV_OP_GE, ">="},   {MRV_OP_EQ, "=="},
        {MRV_OP_NE, "!="},  {MRV_OP_AND, "and"}, {MRV_OP_OR, "or"},
        {MRV_OP_NONE, "?"},
    };
    for (size_t i = 0; i < sizeof on / sizeof on[0]; i++)
        assert_string_equal(mrv_op_name(on[i].op), on[i].s);

    mrv_srcpos pos = mrv_expr_pos(NULL, 41);
    assert_string_equal(pos.file, "<formula>");
    assert_int_equal(pos.line, 1);
    assert_int_equal(pos.col, 42);
}

/* mrv_ast_format behaves like snprintf. */
static void test_expr_parse_format_truncates(void **state)
{
    fixture *fx = *state;
    mrv_ast *a = parse_ok(fx, "a + b * 2");
    const char *want = "(a + (b * 2))";
    size_t len = strlen(want);
    char buf[32];

    assert_int_equal(mrv_ast_format(a, NULL, 0), len);
    for (size_t n = 1; n <= len + 2; n++) {
        memset(buf, '#', sizeof buf);
        assert_int_equal(mrv_ast_format(a, buf, n), len);
        size_t k = n - 1 < len ? n - 1 : len;
        assert_memory_equal(buf, want, k);
        assert_int_equal(buf[k], '\0');
        assert_int_equal(buf[n], '#');
    }
}

/* ---------------------------------------------------- out of memory */

typedef struct budget {
    long left; /* allocations allowed before failing */
} budget;

static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    budget *b = ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    if (b->left-- <= 0) return NULL;
    return malloc(nsize);
}

/* Fail the first, second, ... arena allocation until the parse gets
** through: each failure must be one clean MRV_ENOMEM. */
static void test_expr_parse_out_of_memory(void **state)
{
    (void)state;
    char *big = repeat("x + ", 9000 / 4, "1", "");
    const char *srcs[] = {
        "sum(i in fleet, v in 1 .. y: if(N[i, v] > 0, -x ^ 2, max(a, b)))",
        big,
    };

    for (size_t s = 0; s < sizeof srcs / sizeof srcs[0]; s++) {
        bool passed = false;
        for (long n = 1; n < 100000 && !passed; n++) {
            budget b = {n};
            mrv_arena *arena = mrv_arena_new(failing_alloc, &b);
            mrv_diag *diag = mrv_diag_new();
            mrv_ast *a = NULL;
            assert_non_null(arena);
            mrv_status st =
                mrv_expr_parse(srcs[s], strlen(srcs[s]), NULL, arena, &a, diag);
            if (st == MRV_OK) {
                assert_non_null(a);
                assert_int_equal(mrv_diag_count(diag), 0);
                passed = true;
            } else {
                assert_status(st, MRV_ENOMEM);
                assert_null(a);
                assert_int_equal(mrv_diag_count(diag), 1);
                assert_status(mrv_diag_first(diag)->code, MRV_ENOMEM);
            }
            mrv_arena_free(arena);
            mrv_diag_free(diag);
        }
        assert_true(passed);
    }
    free(big);
}

/* ------------------------------------------------ positions in YAML */

/*
** Formula errors land on the YAML file's line and column for every way
** the formula can be written.  The '$' is the error in each.
*/
static const char yaml_src[] = "equations:\n"                /* line 1 */
                               "  plain: a + $\n"            /* line 2 */
                               "  double: \"a + b * $\"\n"   /* line 3 */
                               "  folded_double: \"a +\n"    /* line 4 */
                               "    b * $\"\n"               /* line 5 */
                               "  folded_plain: a +\n"       /* line 6 */
                               "      c $\n"                 /* line 7 */
                               "  single: 'N[1] $'\n"        /* line 8 */
                               "  literal: |\n"              /* line 9 */
                               "    a +\n"                   /* line 10 */
                               "      $ b\n"                 /* line 11 */
                               "  escaped: \"\\x41 + $\"\n"; /* line 12 */

static const struct {
    const char *key;
    unsigned line, col;
} yaml_want[] = {
    {"plain", 2, 14},       {"double", 3, 20}, {"folded_double", 5, 9},
    {"folded_plain", 7, 9}, {"single", 8, 17}, {"literal", 11, 7},
    {"escaped", 12, 20},
};

static void test_expr_parse_yaml_positions(void **state)
{
    fixture *fx = *state;
    const mrv_ydoc *doc = NULL;

    assert_status(mrv_yaml_load_string("m.yaml", yaml_src, strlen(yaml_src),
                                       fx->arena, &doc, fx->diag),
                  MRV_OK);
    const mrv_ynode *eqs = mrv_ymap_get(doc->root, "equations");
    assert_non_null(eqs);
    for (size_t i = 0; i < sizeof yaml_want / sizeof yaml_want[0]; i++) {
        const mrv_ynode *s = mrv_ymap_get(eqs, yaml_want[i].key);
        mrv_ast *a = NULL;
        assert_non_null(s);
        mrv_diag_reset(fx->diag);
        assert_status(
            mrv_expr_parse(s->text, s->len, s, fx->arena, &a, fx->diag),
            MRV_ESYNTAX);
        const mrv_diag_entry *e = mrv_diag_first(fx->diag);
        assert_non_null(e);
        if (strcmp(e->pos.file, "m.yaml") || e->pos.line != yaml_want[i].line ||
            e->pos.col != yaml_want[i].col || !strstr(e->msg, "'$'")) {
            fail_msg("%s: got %s:%u:%u \"%s\", want m.yaml:%u:%u",
                     yaml_want[i].key, e->pos.file, e->pos.line, e->pos.col,
                     e->msg, yaml_want[i].line, yaml_want[i].col);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fx_base_setup, fx_base_teardown)
        T(test_expr_parse_good),
        T(test_expr_parse_bad),
        T(test_expr_parse_embedded_nul),
        T(test_expr_parse_depth_limit),
        T(test_expr_parse_length_limit),
        T(test_expr_parse_spans_and_fields),
        T(test_expr_parse_sum_binders),
        T(test_expr_parse_tables),
        T(test_expr_parse_format_truncates),
        T(test_expr_parse_out_of_memory),
        T(test_expr_parse_yaml_positions),
#undef T
    };
    return cmocka_run_group_tests_name("expr_parse", tests, NULL, NULL);
}
