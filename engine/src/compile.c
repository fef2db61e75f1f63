/*
** compile.c -- name resolution, dimension checking, equation order.
**
** Walks each equation's syntax tree once with a scope of bound indices,
** writing into every node what its name means (sym, index) and its
** dimension (unit, any_dim).  Dimensions follow docs/formulas.md: both sides of
** + - and comparisons agree, as do if-branches and min/max/clamp
** arguments; exp, ln, log10 and exponents take dimensionless values; a
** dimensioned base needs a whole-number literal exponent; the literal 0
** takes whatever dimension its context needs.
**
** Then the same-vintage reads between equations form a graph; a read of
** an equation at a year provably before y (y - 1, an index bounded by
** y - 1, ...) is not an edge.  A depth-first search orders the graph and
** reports the first cycle with its full path.
*/
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "suggest.h"

/* check() recurses once per level of a left-leaning chain 'a + b + ...'
** as long as a formula may be (about 8000 levels): the error paths that
** format long messages keep their buffers out of its frames. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

typedef struct scope_var {
    const char *name;
    mrv_binder *b; /* dim binder (b->dim) or a range */
} scope_var;

typedef struct cctx {
    const mrv_methodology *m;
    mrv_diag *d;
    const mrv_ynode *at;    /* formula scalar, for positions */
    const mrv_equation *eq; /* equation being compiled */
    bool in_initial;
    bool choice_ok; /* the node checked next may read a choice */
    scope_var scope[MRV_MAX_SCOPE];
    size_t nscope;
    /* The equation's own dimensions, bound in its formulas to the member
    ** being computed: scope slots 0 .. nover - 1 (lower.c sets them). */
    mrv_binder own[MRV_MAX_AXES];
} cctx;

static mrv_srcpos pos(const cctx *c, size_t off)
{
    return mrv_expr_pos(c->at, off);
}

static bool err(cctx *c, size_t off, mrv_status st, const char *fmt, ...)
    MRV_PRINTF(4, 5);
static bool err(cctx *c, size_t off, mrv_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mrv_verror(c->d, pos(c, off), st, fmt, ap);
    va_end(ap);
    return false;
}

static const char *dimstr(mrv_unit u, char *buf, size_t n)
{
    return mrv_unit_dim_str(u, buf, n);
}

static void set_dimless(mrv_ast *n)
{
    n->unit = mrv_unit_one();
    n->any_dim = false;
}

static scope_var *lookup_var(cctx *c, const char *name)
{
    for (size_t i = c->nscope; i-- > 0;)
        if (strcmp(c->scope[i].name, name) == 0) return &c->scope[i];
    return NULL;
}

/* Whether the equation being compiled is over dimension d. */
static bool own_dim(const cctx *c, int d)
{
    for (size_t k = 0; c->eq && k < c->eq->nover; k++)
        if (c->eq->over[k] == d) return true;
    return false;
}

/* "vintage, waste" for a list of axes. */
static void dims_text(const mrv_methodology *m, const int *over, size_t nover,
                      char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < nover; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? ", " : "",
                 over[i] == MRV_AXIS_VINTAGE ? "vintage"
                                             : m->dims[over[i]].name);
    }
}

static bool check(cctx *c, mrv_ast *n);

/* Two units meet in a formula when they have the same dimension, or
** differ only by powers of yr: the per-vintage bridge (docs/units.md),
** under which a vintage's amount is its rate per year. */
static bool meet(mrv_unit a, mrv_unit b)
{
    return mrv_unit_same_dim(a, b) || mrv_unit_bridged(a, b);
}

/* ": why", for a mismatch the units module knows a trap behind. */
static const char *hint_sep(mrv_unit have, mrv_unit want)
{
    return mrv_unit_hint(have, want) ? ": " : "";
}

static const char *hint_of(mrv_unit have, mrv_unit want)
{
    const char *h = mrv_unit_hint(have, want);
    return h ? h : "";
}

/* Both operands' dimensions must agree (the literal 0 takes the other's);
** the result has the left operand's unit. */
static bool unify(cctx *c, mrv_ast *n, mrv_ast *a, mrv_ast *b, const char *what)
{
    if (a->any_dim) {
        n->unit = b->unit;
        n->any_dim = b->any_dim;
        return true;
    }
    n->unit = a->unit;
    n->any_dim = false;
    if (b->any_dim || meet(a->unit, b->unit)) return true;
    char x[96], y[96];
    return err(c, n->off, MRV_ESCHEMA, "%s %s and %s%s%s", what,
               dimstr(a->unit, x, sizeof x), dimstr(b->unit, y, sizeof y),
               hint_sep(b->unit, a->unit), hint_of(b->unit, a->unit));
}

/* A number: dimensionless, or a pure power of yr (a rate per year times
** a count of years, k * (y - x)). */
static bool number_like(const mrv_ast *a)
{
    return a->any_dim || mrv_unit_bridged_number(a->unit);
}

static bool need_dimless(cctx *c, const mrv_ast *a, const char *what)
{
    if (number_like(a)) return true;
    char x[96];
    return err(c, a->off, MRV_ESCHEMA, "%s must be dimensionless, not %s%s%s",
               what, dimstr(a->unit, x, sizeof x),
               hint_sep(a->unit, mrv_unit_one()),
               hint_of(a->unit, mrv_unit_one()));
}

/* A whole-number literal, possibly negated: the exponent of a dimensioned
** base. */
static bool int_literal(const mrv_ast *e, int *out)
{
    double sign = 1;
    if (e->kind == MRV_AST_UNARY && e->op == MRV_OP_NEG) {
        sign = -1;
        e = e->args[0];
    }
    if (e->kind != MRV_AST_NUM || e->num != floor(e->num) ||
        fabs(e->num) > MRV_MAX_INT_POWER)
        return false;
    *out = (int)(sign * e->num);
    return true;
}

/* An 'initial' gives an equation's value before the first vintage, where
** no equation has one to read. */
static bool initial_reads_equation(cctx *c, const mrv_ast *n)
{
    return err(c, n->off, MRV_ESCHEMA,
               "an 'initial' formula cannot read equations (it gives the "
               "value before the first vintage)");
}

static bool check_name(cctx *c, mrv_ast *n)
{
    const mrv_methodology *m = c->m;
    scope_var *v = lookup_var(c, n->name);
    set_dimless(n);
    if (v) {
        if (v->b->dim)
            return err(c, n->off, MRV_ESCHEMA,
                       "'%s' ranges over the members of '%s' and has no "
                       "numeric value; use it as a subscript",
                       n->name, v->b->dim);
        n->sym = MRV_SYM_INDEXVAR;
        n->index = (int)(v - c->scope);
        return true;
    }
    static const struct {
        const char *name;
        mrv_sym_kind sym;
    } special[] = {{"y", MRV_SYM_Y},
                   {"first", MRV_SYM_FIRST},
                   {"last", MRV_SYM_LAST},
                   {"frac", MRV_SYM_FRAC}};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(n->name, special[i].name) == 0) {
            n->sym = special[i].sym;
            return true;
        }
    }
    int k = mrv_methodology_param(m, n->name);
    if (k >= 0) {
        const mrv_param *p = &m->params[k];
        for (size_t i = 0; i < p->nover; i++) {
            if (p->over[i] != MRV_AXIS_VINTAGE)
                return err(c, n->off, MRV_ESCHEMA,
                           "'%s' is over '%s': give a subscript, e.g. "
                           "%s[i] inside sum(i in %s: ...)",
                           n->name, m->dims[p->over[i]].name, n->name,
                           m->dims[p->over[i]].name);
        }
        n->sym = MRV_SYM_PARAM;
        n->index = k;
        n->unit = p->unit;
        n->choice = p->nchoices > 0;
        return true;
    }
    k = mrv_methodology_equation(m, n->name);
    if (k >= 0) {
        const mrv_equation *e = &m->eqs[k];
        if (c->in_initial) return initial_reads_equation(c, n);
        if (e->nover) {
            const char *dim = m->dims[e->over[0]].name;
            if (own_dim(c, e->over[0]))
                return err(c, n->off, MRV_ESCHEMA,
                           "'%s' is over '%s': give a subscript, e.g. "
                           "%s[%s] for the member being computed",
                           n->name, dim, n->name, dim);
            return err(c, n->off, MRV_ESCHEMA,
                       "'%s' is over '%s': give a subscript, e.g. %s[i] "
                       "inside sum(i in %s: ...)",
                       n->name, dim, n->name, dim);
        }
        n->sym = MRV_SYM_EQUATION;
        n->index = k;
        n->unit = e->unit;
        return true;
    }
    if (mrv_methodology_dim(m, n->name) >= 0)
        return err(c, n->off, MRV_ESCHEMA,
                   "'%s' is a dimension; iterate over it with sum(i in %s: "
                   "...)",
                   n->name, n->name);
    /* Unknown: suggest the closest declared name. */
    const char *names[MRV_MAX_HINTS];
    size_t nn = 0;
    for (size_t i = 0; i < m->nparams && nn < MRV_MAX_HINTS; i++)
        names[nn++] = m->params[i].name;
    for (size_t i = 0; i < m->neqs && nn < MRV_MAX_HINTS; i++)
        names[nn++] = m->eqs[i].name;
    for (size_t i = 0; i < c->nscope && nn < MRV_MAX_HINTS; i++)
        names[nn++] = c->scope[i].name;
    const char *hint = mrv__closest(n->name, names, nn);
    if (hint)
        return err(c, n->off, MRV_EREF,
                   "unknown name '%s' (did you mean '%s'?)", n->name, hint);
    return err(c, n->off, MRV_EREF, "unknown name '%s'", n->name);
}

/* The subscripts of n, read over the axes 'over' (the vintage's left out
** when 'implicit'): a year expression for the vintage, an index bound to
** the dimension (by a sum, or the equation's own) for a dimension. */
static bool check_axes(cctx *c, mrv_ast *n, const int *over, size_t nover,
                       bool implicit)
{
    const mrv_methodology *m = c->m;
    bool ok = true;
    size_t a = 0;
    for (size_t i = 0; i < nover; i++) {
        if (over[i] == MRV_AXIS_VINTAGE && implicit) continue;
        mrv_ast *s = n->args[a++];
        if (over[i] == MRV_AXIS_VINTAGE) {
            ok &= check(c, s) && need_dimless(c, s, "a year subscript");
            continue;
        }
        const char *dim = m->dims[over[i]].name;
        scope_var *v = s->kind == MRV_AST_NAME ? lookup_var(c, s->name) : NULL;
        if ((!v || !v->b->dim || strcmp(v->b->dim, dim) != 0) &&
            own_dim(c, over[i])) {
            ok = err(c, s->off, MRV_ESCHEMA,
                     "subscript %zu of '%s' must be an index over '%s': "
                     "'%s' itself (the member being computed), or one bound "
                     "by sum(i in %s: ...)",
                     a, n->name, dim, dim, dim);
            continue;
        }
        if (!v || !v->b->dim || strcmp(v->b->dim, dim) != 0) {
            ok = err(c, s->off, MRV_ESCHEMA,
                     "subscript %zu of '%s' must be an index over '%s', "
                     "bound by sum(i in %s: ...)",
                     a, n->name, dim, dim);
            continue;
        }
        s->sym = MRV_SYM_INDEXVAR;
        s->index = (int)(v - c->scope);
        set_dimless(s);
    }
    return ok;
}

static bool check_index(cctx *c, mrv_ast *n)
{
    const mrv_methodology *m = c->m;
    int k = mrv_methodology_param(m, n->name);
    if (k >= 0) {
        const mrv_param *p = &m->params[k];
        bool has_v = false;
        for (size_t i = 0; i < p->nover; i++)
            has_v |= p->over[i] == MRV_AXIS_VINTAGE;
        size_t implicit = (has_v && n->nargs + 1 == p->nover) ? 1 : 0;
        if (p->nover == 0)
            return err(c, n->off, MRV_ESCHEMA,
                       "'%s' has no axes and takes no subscript", n->name);
        if (n->nargs != p->nover && !implicit) {
            char axes[256];
            dims_text(m, p->over, p->nover, axes, sizeof axes);
            return err(c, n->off, MRV_ESCHEMA,
                       "'%s' is over [%s]: it takes %zu subscript%s%s, not "
                       "%zu",
                       n->name, axes, p->nover, p->nover == 1 ? "" : "s",
                       has_v ? " (or one fewer, reading the vintage y)" : "",
                       n->nargs);
        }
        n->sym = MRV_SYM_PARAM;
        n->index = k;
        n->unit = p->unit;
        n->any_dim = false;
        n->choice = p->nchoices > 0;
        return check_axes(c, n, p->over, p->nover, implicit);
    }
    k = mrv_methodology_equation(m, n->name);
    if (k >= 0) {
        const mrv_equation *e = &m->eqs[k];
        if (c->in_initial) return initial_reads_equation(c, n);
        if (e->nover == 0 && n->nargs != 1)
            return err(c, n->off, MRV_ESCHEMA,
                       "equation '%s' takes one subscript, the year, as in "
                       "%s[y - 1]",
                       n->name, n->name);
        if (n->nargs != e->nover && n->nargs != e->nover + 1) {
            char axes[256];
            dims_text(m, e->over, e->nover, axes, sizeof axes);
            return err(c, n->off, MRV_ESCHEMA,
                       "equation '%s' is over [%s]: it takes %zu "
                       "subscript%s, or %zu with the year first as in "
                       "%s[y - 1, ...], not %zu",
                       n->name, axes, e->nover, e->nover == 1 ? "" : "s",
                       e->nover + 1, n->name, n->nargs);
        }
        n->sym = MRV_SYM_EQUATION;
        n->index = k;
        n->unit = e->unit;
        n->any_dim = false;
        /* Like a parameter over [vintage, its dimensions...]. */
        int over[MRV_MAX_AXES + 1] = {MRV_AXIS_VINTAGE};
        memcpy(over + 1, e->over, e->nover * sizeof *over);
        return check_axes(c, n, over, e->nover + 1, n->nargs == e->nover);
    }
    if (lookup_var(c, n->name) || mrv_methodology_dim(m, n->name) >= 0)
        return err(c, n->off, MRV_ESCHEMA, "'%s' cannot be subscripted",
                   n->name);
    /* Unknown names get their usual error; y, first, last and frac are
    ** numbers and cannot be subscripted either. */
    mrv_ast tmp = *n;
    tmp.kind = MRV_AST_NAME;
    if (!check_name(c, &tmp)) return false;
    return err(c, n->off, MRV_ESCHEMA, "'%s' cannot be subscripted", n->name);
}

static bool check_call(cctx *c, mrv_ast *n)
{
    bool ok = true;
    for (size_t i = 0; i < n->nargs; i++) ok &= check(c, n->args[i]);
    if (!ok) return false;
    mrv_ast **a = n->args;
    char x[96];
    switch (n->func) {
    case MRV_F_IF:
        if (!need_dimless(c, a[0], "the condition of 'if'")) return false;
        return unify(c, n, a[1], a[2], "the branches of 'if' differ:");
    case MRV_F_MIN:
    case MRV_F_MAX:
    case MRV_F_CLAMP: {
        char what[64];
        snprintf(what, sizeof what,
                 "the arguments of '%s' differ:", mrv_func_name(n->func));
        n->unit = a[0]->unit;
        n->any_dim = a[0]->any_dim;
        mrv_ast acc = *a[0];
        for (size_t i = 1; i < n->nargs; i++) {
            mrv_ast tmp = *n;
            if (!unify(c, &tmp, &acc, a[i], what)) return false;
            acc.unit = tmp.unit;
            acc.any_dim = tmp.any_dim;
        }
        n->unit = acc.unit;
        n->any_dim = acc.any_dim;
        return true;
    }
    case MRV_F_EXP:
    case MRV_F_LN:
    case MRV_F_LOG:
    case MRV_F_LOG10:
    case MRV_F_FLOOR: /* floor and ceil of a dimensioned value would
                      ** depend on the unit it is written in */
    case MRV_F_CEIL: {
        char what[64];
        snprintf(what, sizeof what, "the argument of '%s'",
                 mrv_func_name(n->func));
        set_dimless(n);
        return need_dimless(c, a[0], what);
    }
    case MRV_F_ROUND: {
        /* Decimals depend on the unit a value is written in: a value
        ** of its equation's dimension is rounded in the unit the
        ** equation declares (the unit it is reported in), a number in
        ** that of any other equation as it is (so 22.5 % rounds to 23 %
        ** in '%', and 0.225 to 0 in 't'), any other value needs dividing
        ** by a parameter first. */
        n->unit = a[0]->unit;
        n->any_dim = a[0]->any_dim;
        n->num = 1;
        if (n->nargs > 1 &&
            !need_dimless(c, a[1], "the number of decimals of 'round'"))
            return false;
        if (a[0]->any_dim) return true;
        if (meet(a[0]->unit, c->eq->unit)) {
            /* Rounded in the equation's unit, whose scale lowering takes
            ** for the project's year length (n->num 0 says so). */
            n->unit = c->eq->unit;
            n->num = 0;
            return true;
        }
        if (mrv_unit_dimensionless(a[0]->unit)) return true;
        char y[96];
        return err(c, n->off, MRV_ESCHEMA,
                   "'round' of %s: it rounds a dimensionless value, or one "
                   "of its equation's dimension (%s) in the unit the "
                   "equation declares ('%s'); divide by a parameter to "
                   "round in another unit",
                   dimstr(a[0]->unit, x, sizeof x),
                   dimstr(c->eq->unit, y, sizeof y), c->eq->unit_text);
    }
    case MRV_F_SQRT:
        n->any_dim = a[0]->any_dim;
        if (a[0]->any_dim || mrv_unit_sqrt(a[0]->unit, &n->unit)) return true;
        return err(c, n->off, MRV_ESCHEMA,
                   "'sqrt' of %s has no dimension (odd exponents)",
                   dimstr(a[0]->unit, x, sizeof x));
    case MRV_F_ABS:
        n->unit = a[0]->unit;
        n->any_dim = a[0]->any_dim;
        return true;
    case MRV_F_COUNT:
        break;
    }
    return err(c, n->off, MRV_EINTERNAL, "unknown function");
}

/* 'P == 'name'' or 'P != 'name'' (either way round): P a choice
** parameter, the name one of its choices.  The name's node takes the
** choice's index as its value, so lowering compares two known numbers. */
NOINLINE static bool not_a_choice(cctx *c, const mrv_ast *s, const mrv_param *p)
{
    char msg[1024];
    mrv_param_not_a_choice(p, s->name, msg, sizeof msg);
    return err(c, s->off, MRV_EREF, "%s", msg);
}

static bool check_choice_cmp(cctx *c, mrv_ast *n)
{
    mrv_ast *a = n->args[0], *b = n->args[1];
    mrv_ast *s = a->kind == MRV_AST_STR ? a : b, *p = s == a ? b : a;
    set_dimless(n);
    if (p->kind == MRV_AST_STR)
        return err(c, n->off, MRV_ESCHEMA,
                   "two quoted names are compared: compare a choice "
                   "parameter with a quoted name, as in P == '%s'",
                   s->name);
    c->choice_ok = true;
    bool ok = check(c, p);
    c->choice_ok = false;
    if (!ok) return false;
    if (!p->choice && (p->kind == MRV_AST_NAME || p->kind == MRV_AST_INDEX))
        return err(c, s->off, MRV_ESCHEMA,
                   "a quoted name ('%s') is compared only with a choice "
                   "parameter, and '%s' is not one",
                   s->name, p->name);
    if (!p->choice)
        return err(c, s->off, MRV_ESCHEMA,
                   "a quoted name ('%s') is compared only with a choice "
                   "parameter, as in P == '%s'",
                   s->name, s->name);
    const mrv_param *pp = &c->m->params[p->index];
    set_dimless(s);
    for (size_t i = 0; i < pp->nchoices; i++) {
        if (strcmp(pp->choices[i], s->name) == 0) {
            s->num = (double)i;
            return true;
        }
    }
    return not_a_choice(c, s, pp);
}

static bool check_binary(cctx *c, mrv_ast *n)
{
    mrv_ast *a = n->args[0], *b = n->args[1];
    if (a->kind == MRV_AST_STR || b->kind == MRV_AST_STR) {
        if (n->op == MRV_OP_EQ || n->op == MRV_OP_NE)
            return check_choice_cmp(c, n);
        const mrv_ast *s = a->kind == MRV_AST_STR ? a : b;
        return err(c, s->off, MRV_ESCHEMA,
                   "a quoted name ('%s') is compared only with a choice "
                   "parameter, by == or !=",
                   s->name);
    }
    /* Check both sides, so one pass reports the errors of each. */
    bool ok_a = check(c, a), ok_b = check(c, b);
    if (!ok_a || !ok_b) return false;
    char x[96], y[96];
    switch (n->op) {
    case MRV_OP_ADD:
        return unify(c, n, a, b, "cannot add");
    case MRV_OP_SUB:
        return unify(c, n, a, b, "cannot subtract");
    case MRV_OP_MUL:
        n->unit = mrv_unit_mul(a->unit, b->unit);
        n->any_dim = a->any_dim || b->any_dim;
        break;
    case MRV_OP_DIV:
        n->unit = mrv_unit_div(a->unit, b->unit);
        n->any_dim = a->any_dim;
        if (b->any_dim)
            n->unit = a->unit; /* x / 0: an error at run time, not here */
        break;
    case MRV_OP_POW: {
        if (!need_dimless(c, b, "an exponent")) return false;
        int k;
        n->any_dim = false;
        if (number_like(a)) {
            set_dimless(n);
            return true;
        }
        if (!int_literal(b, &k))
            return err(c, n->off, MRV_ESCHEMA,
                       "raising %s to a power needs a whole-number literal "
                       "exponent",
                       dimstr(a->unit, x, sizeof x));
        n->unit = mrv_unit_pow(a->unit, k);
        break;
    }
    case MRV_OP_LT:
    case MRV_OP_LE:
    case MRV_OP_GT:
    case MRV_OP_GE:
    case MRV_OP_EQ:
    case MRV_OP_NE:
        if (!unify(c, n, a, b, "cannot compare")) return false;
        set_dimless(n);
        return true;
    case MRV_OP_AND:
    case MRV_OP_OR:
        set_dimless(n);
        return need_dimless(c, a, "an operand of 'and'/'or'") &&
               need_dimless(c, b, "an operand of 'and'/'or'");
    default:
        return err(c, n->off, MRV_EINTERNAL, "unknown operator");
    }
    if (!mrv_unit_valid(n->unit))
        return err(c, n->off, MRV_ESCHEMA, "dimension exponent out of range");
    (void)y;
    return true;
}

static bool check_sum(cctx *c, mrv_ast *n)
{
    size_t saved = c->nscope;
    bool ok = true;
    for (size_t i = 0; i < n->nbinders && ok; i++) {
        mrv_binder *b = &n->binders[i];
        if (b->dim) {
            b->dim_index = mrv_methodology_dim(c->m, b->dim);
            if (b->dim_index < 0) {
                ok = err(c, b->dim_off, MRV_EREF,
                         "unknown dimension '%s' (declare it under "
                         "'dimensions')",
                         b->dim);
                break;
            }
        } else {
            ok = check(c, b->lo) && need_dimless(c, b->lo, "a range bound") &&
                 check(c, b->hi) && need_dimless(c, b->hi, "a range bound");
            if (!ok) break;
        }
        if (mrv_methodology_param(c->m, b->name) >= 0 ||
            mrv_methodology_equation(c->m, b->name) >= 0 ||
            mrv_methodology_dim(c->m, b->name) >= 0 ||
            strcmp(b->name, "y") == 0 || strcmp(b->name, "first") == 0 ||
            strcmp(b->name, "last") == 0 || strcmp(b->name, "frac") == 0) {
            ok = err(c, b->off, MRV_ESCHEMA,
                     "the index '%s' hides a name of the methodology; "
                     "choose another",
                     b->name);
            break;
        }
        if (lookup_var(c, b->name)) {
            ok = err(c, b->off, MRV_ESCHEMA,
                     "the index '%s' is already bound by an enclosing sum",
                     b->name);
            break;
        }
        if (c->nscope == MRV_MAX_SCOPE) {
            ok = err(c, b->off, MRV_ESCHEMA, "more than %d nested sum indices",
                     MRV_MAX_SCOPE);
            break;
        }
        b->slot = (int)c->nscope;
        c->scope[c->nscope].name = b->name;
        c->scope[c->nscope].b = b;
        c->nscope++;
    }
    if (ok) ok = check(c, n->args[0]);
    if (ok) {
        n->unit = n->args[0]->unit;
        n->any_dim = n->args[0]->any_dim;
    }
    c->nscope = saved;
    return ok;
}

/* A choice parameter read anywhere but compared with a quoted name. */
NOINLINE static bool choice_misused(cctx *c, const mrv_ast *n)
{
    const mrv_param *p = &c->m->params[n->index];
    char list[512];
    mrv_param_choices_text(p, list, sizeof list);
    return err(c, n->off, MRV_ESCHEMA,
               "'%s' is a choice (%s): compare it with a quoted name, as in "
               "%s == '%s'",
               p->name, list, p->name, p->choices[0]);
}

/* One frame per level: check() recurses as deep as a formula's chain. */
static bool check(cctx *c, mrv_ast *n)
{
    /* Only the operand of a choice comparison may read a choice; the
    ** permission does not reach its subscripts. */
    bool choice_ok = c->choice_ok, ok = false;
    c->choice_ok = false;
    switch (n->kind) {
    case MRV_AST_NUM:
        set_dimless(n);
        n->any_dim = n->num == 0;
        return true;
    case MRV_AST_STR:
        return err(c, n->off, MRV_ESCHEMA,
                   "a quoted name ('%s') is compared only with a choice "
                   "parameter, as in P == '%s'",
                   n->name, n->name);
    case MRV_AST_NAME:
        ok = check_name(c, n);
        break;
    case MRV_AST_INDEX:
        ok = check_index(c, n);
        break;
    case MRV_AST_CALL:
        return check_call(c, n);
    case MRV_AST_UNARY:
        if (!check(c, n->args[0])) return false;
        if (n->op == MRV_OP_NEG) {
            n->unit = n->args[0]->unit;
            n->any_dim = n->args[0]->any_dim;
            return true;
        }
        set_dimless(n);
        return need_dimless(c, n->args[0], "the operand of 'not'");
    case MRV_AST_BINARY:
        return check_binary(c, n);
    case MRV_AST_SUM:
        return check_sum(c, n);
    }
    if (ok && n->choice && !choice_ok) return choice_misused(c, n);
    return ok;
}

/* Opens the scope of equation e's formulas: its dimensions' names. */
static void own_scope(cctx *c, const mrv_equation *e)
{
    c->nscope = 0;
    for (size_t k = 0; k < e->nover; k++) {
        mrv_binder *b = &c->own[k];
        memset(b, 0, sizeof *b);
        b->name = c->m->dims[e->over[k]].name;
        b->dim = b->name;
        b->dim_index = e->over[k];
        b->slot = (int)k;
        c->scope[c->nscope].name = b->name;
        c->scope[c->nscope].b = b;
        c->nscope++;
    }
}

/* ---- hidden unit factors ---------------------------------------------- */

/* Numbers that, multiplied into a quantity with a unit, are almost always
** a unit conversion done by hand: the engine converts units itself, and a
** factor written into a formula silently assumes a unit (8,760 h/yr is
** the year length only for a 365-day year).  Their reciprocals count too,
** except 0.001, which is as often a share (0.1 %) as a conversion. */
typedef struct hidden {
    double value;
    const char *what; /* what it converts */
    const char *unit; /* the unit of the parameter to declare, or NULL for
                      ** a metric prefix */
} hidden;

static const hidden hiddens[] = {
    {24, "hours in a day", "h/d"},
    {60, "minutes in an hour or seconds in a minute", "min/h"},
    {365, "days in a year", "d/yr"},
    {365.25, "days in a year", "d/yr"},
    {366, "days in a year", "d/yr"},
    {1440, "minutes in a day", "min/d"},
    {3600, "seconds in an hour", "s/h"},
    {8760, "hours in a year", "h/yr"},
    {8766, "hours in a year", "h/yr"},
    {8784, "hours in a year", "h/yr"},
    {86400, "seconds in a day", "s/d"},
    {525600, "minutes in a year", "min/yr"},
    {525960, "minutes in a year", "min/yr"},
    {527040, "minutes in a year", "min/yr"},
    {31536000, "seconds in a year", "s/yr"},
    {31557600, "seconds in a year", "s/yr"},
    {31622400, "seconds in a year", "s/yr"},
    {1000, "a metric prefix, as kg in a t or kWh in a MWh", NULL},
    {1e6, "a metric prefix, as g in a t or Wh in a MWh", NULL},
    {1e9, "a metric prefix, as J in a GJ", NULL},
    {3.6, "MJ in a kWh", "MJ/kWh"},
    {4.1868, "kJ in a kcal", "kJ/kcal"},
    {41.868, "GJ in a toe", "GJ/toe"},
};

/* The entry 'x' is, or the reciprocal of, to the digits people write
** (0.2778 for 1/3.6); NULL when none. */
static const hidden *hidden_factor(double x, bool *recip)
{
    x = fabs(x);
    for (size_t i = 0; i < sizeof hiddens / sizeof *hiddens; i++) {
        double h = hiddens[i].value;
        *recip = false;
        if (x == h) return &hiddens[i];
        *recip = true;
        if (h != 1000 && fabs(x * h - 1) < 1e-3) return &hiddens[i];
    }
    return NULL;
}

static bool chain_node(const mrv_ast *n)
{
    return (n->kind == MRV_AST_BINARY &&
            (n->op == MRV_OP_MUL || n->op == MRV_OP_DIV)) ||
           (n->kind == MRV_AST_UNARY && n->op == MRV_OP_NEG);
}

/* A factor of the product chain at n (through * / and unary minus) has a
** unit: 8760 multiplied into it converts that unit. */
static bool chain_has_unit(const mrv_ast *n)
{
    if (!chain_node(n)) return !n->any_dim && !mrv_unit_dimensionless(n->unit);
    for (size_t i = 0; i < n->nargs; i++)
        if (chain_has_unit(n->args[i])) return true;
    return false;
}

/* Reports every number of the chain at n that is a hidden factor. */
static bool chain_numbers(cctx *c, const mrv_ast *n)
{
    if (chain_node(n)) {
        bool ok = true;
        for (size_t i = 0; i < n->nargs; i++)
            ok &= chain_numbers(c, n->args[i]);
        return ok;
    }
    bool recip;
    const hidden *h =
        n->kind == MRV_AST_NUM ? hidden_factor(n->num, &recip) : NULL;
    if (!h) return true;
    int len = (int)(n->end - n->start);
    const char *text = c->at->text + n->start;
    if (h->unit)
        return err(c, n->off, MRV_ESCHEMA,
                   "'%.*s' looks like a unit factor hidden in the formula "
                   "(%s%s): declare a parameter with unit %s and let the "
                   "engine convert",
                   len, text, recip ? "the reciprocal of " : "", h->what,
                   h->unit);
    return err(c, n->off, MRV_ESCHEMA,
               "'%.*s' looks like a unit factor hidden in the formula "
               "(%s%s): give each quantity its own unit, which the engine "
               "converts",
               len, text, recip ? "the reciprocal of " : "", h->what);
}

/* Walks a checked formula for product chains that multiply a quantity
** with a unit by a hidden unit factor; 'in_chain' when n is inside a
** chain already looked at from its top. */
static bool hidden_factors(cctx *c, const mrv_ast *n, bool in_chain)
{
    bool ok = true;
    bool chain = chain_node(n);
    if (chain && !in_chain && chain_has_unit(n)) ok = chain_numbers(c, n);
    for (size_t i = 0; i < n->nargs; i++)
        ok &= hidden_factors(c, n->args[i], chain);
    if (n->kind == MRV_AST_SUM) {
        for (size_t i = 0; i < n->nbinders; i++) {
            if (n->binders[i].lo)
                ok &= hidden_factors(c, n->binders[i].lo, false);
            if (n->binders[i].hi)
                ok &= hidden_factors(c, n->binders[i].hi, false);
        }
    }
    return ok;
}

static bool check_equation(cctx *c, const mrv_equation *e)
{
    c->eq = e;
    bool ok = true;
    char x[96], y[96];
    if (e->ast) {
        own_scope(c, e);
        c->at = e->formula_node;
        c->in_initial = false;
        bool checked = check(c, e->ast);
        if (checked && !e->ast->any_dim && !meet(e->ast->unit, e->unit)) {
            ok = err(c, e->ast->start, MRV_ESCHEMA,
                     "equation '%s' is declared in '%s' (%s) but its "
                     "formula gives %s%s%s",
                     e->name, e->unit_text, dimstr(e->unit, x, sizeof x),
                     dimstr(e->ast->unit, y, sizeof y),
                     hint_sep(e->ast->unit, e->unit),
                     hint_of(e->ast->unit, e->unit));
        }
        if (checked) ok &= hidden_factors(c, e->ast, false);
    }
    if (e->initial && !e->initial_is_number) {
        own_scope(c, e);
        c->at = e->initial_node;
        c->in_initial = true;
        bool checked = check(c, e->initial);
        if (checked && !e->initial->any_dim &&
            !meet(e->initial->unit, e->unit)) {
            ok = err(c, e->initial->start, MRV_ESCHEMA,
                     "the initial value of '%s' gives %s, but the equation "
                     "is declared in '%s' (%s)%s%s",
                     e->name, dimstr(e->initial->unit, y, sizeof y),
                     e->unit_text, dimstr(e->unit, x, sizeof x),
                     hint_sep(e->initial->unit, e->unit),
                     hint_of(e->initial->unit, e->unit));
        }
        if (checked) ok &= hidden_factors(c, e->initial, false);
    }
    return ok;
}

/* ---- dependency order -------------------------------------------------- */

/* An upper bound of an integer subscript relative to y: y + *c. */
typedef struct ubctx {
    const mrv_methodology *m;
    const mrv_binder *vars[MRV_MAX_SCOPE];
    size_t n;
} ubctx;

static bool upper(const ubctx *u, const mrv_ast *e, double *c)
{
    double a, b;
    switch (e->kind) {
    case MRV_AST_NAME:
        if (e->sym == MRV_SYM_Y || e->sym == MRV_SYM_FIRST) {
            *c = 0; /* first <= y */
            return true;
        }
        if (e->sym == MRV_SYM_INDEXVAR && e->index >= 0 &&
            (size_t)e->index < u->n && u->vars[e->index] &&
            u->vars[e->index]->hi)
            return upper(u, u->vars[e->index]->hi, c);
        return false;
    case MRV_AST_BINARY:
        if (e->op == MRV_OP_ADD && e->args[1]->kind == MRV_AST_NUM &&
            upper(u, e->args[0], &a)) {
            *c = a + e->args[1]->num;
            return true;
        }
        if (e->op == MRV_OP_SUB && e->args[1]->kind == MRV_AST_NUM &&
            upper(u, e->args[0], &a)) {
            *c = a - e->args[1]->num;
            return true;
        }
        return false;
    case MRV_AST_CALL:
        if (e->func == MRV_F_MIN) {
            bool any = false;
            for (size_t i = 0; i < e->nargs; i++) {
                if (upper(u, e->args[i], &b) && (!any || b < *c)) {
                    *c = b;
                    any = true;
                }
            }
            return any;
        }
        return false;
    default:
        return false;
    }
}

typedef struct edge {
    int to;
    size_t off; /* where the read is, in the reader's formula */
} edge;

typedef struct graph {
    mrv_vec *out; /* per equation: vec of edge */
} graph;

static void collect(const mrv_ast *e, ubctx *u, mrv_vec *edges)
{
    if (!e) return;
    if (e->kind == MRV_AST_SUM) {
        size_t saved = u->n;
        for (size_t i = 0; i < e->nbinders; i++) {
            const mrv_binder *b = &e->binders[i];
            collect(b->lo, u, edges);
            collect(b->hi, u, edges);
            if (b->slot >= 0 && (size_t)b->slot < MRV_MAX_SCOPE) {
                while (u->n <= (size_t)b->slot) u->vars[u->n++] = NULL;
                u->vars[b->slot] = b;
            }
        }
        collect(e->args[0], u, edges);
        u->n = saved;
        return;
    }
    if (e->sym == MRV_SYM_EQUATION) {
        /* The year comes first when given (E[y - 1], E[y - 1, i]); an
        ** equation over dimensions read by members alone (E[i]) is read
        ** in the same vintage. */
        double c = 0;
        bool has_year = e->kind == MRV_AST_INDEX &&
                        e->nargs == u->m->eqs[e->index].nover + 1;
        bool earlier = has_year && upper(u, e->args[0], &c) && c <= -1;
        /* y + k, k >= 1: no order of the equations is asked for; lowering
        ** refuses it as a read after the vintage being computed (an edge
        ** would make E[y + 1] a cycle "in the same vintage"). */
        const mrv_ast *yr = has_year ? e->args[0] : NULL;
        bool later = yr && yr->kind == MRV_AST_BINARY && yr->op == MRV_OP_ADD &&
                     yr->args[0]->kind == MRV_AST_NAME &&
                     yr->args[0]->sym == MRV_SYM_Y &&
                     yr->args[1]->kind == MRV_AST_NUM && yr->args[1]->num >= 1;
        if (!earlier && !later) {
            edge ed = {e->index, e->off};
            mrv_vec_push(edges, &ed);
        }
    }
    for (size_t i = 0; i < e->nargs; i++) collect(e->args[i], u, edges);
}

typedef struct dfs {
    const mrv_methodology *m;
    mrv_vec *out;
    int *color; /* 0 new, 1 on stack, 2 done */
    int *stack;
    size_t *stack_off;
    size_t nstack;
    int *order;
    size_t norder;
    mrv_diag *d;
    bool cycle;
} dfs;

static void visit(dfs *s, int v)
{
    s->color[v] = 1;
    s->stack[s->nstack++] = v;
    mrv_vec *ev = &s->out[v];
    for (size_t i = 0; i < ev->n && !s->cycle; i++) {
        edge e = MRV_VEC_AT(ev, edge, i);
        s->stack_off[s->nstack - 1] = e.off;
        if (s->color[e.to] == 1) {
            /* The cycle is the stack from e.to to the top. */
            size_t k = s->nstack;
            while (k > 0 && s->stack[k - 1] != e.to) k--;
            k--;
            char path[1024];
            size_t o = 0;
            for (size_t j = k; j < s->nstack && o + 80 < sizeof path; j++)
                o += (size_t)snprintf(path + o, sizeof path - o, "%s -> ",
                                      s->m->eqs[s->stack[j]].name);
            snprintf(path + o, sizeof path - o, "%s", s->m->eqs[e.to].name);
            const mrv_equation *eq = &s->m->eqs[s->stack[k]];
            /* The read of an earlier year that would do: S[y - 1], or
            ** S[y - 1, waste] for an equation over dimensions (whose
            ** members count as one in the order: a member read in the
            ** same vintage is a cycle too). */
            const mrv_equation *to = &s->m->eqs[e.to];
            char lag[256];
            size_t l = (size_t)snprintf(lag, sizeof lag, "%s[y - 1", to->name);
            for (size_t j = 0; j < to->nover && l < sizeof lag; j++)
                l += (size_t)snprintf(lag + l, sizeof lag - l, ", %s",
                                      s->m->dims[to->over[j]].name);
            if (l < sizeof lag) snprintf(lag + l, sizeof lag - l, "]");
            if (k + 1 == s->nstack)
                mrv_error(s->d, mrv_expr_pos(eq->formula_node, s->stack_off[k]),
                          MRV_ESCHEMA,
                          "'%s' reads itself in the same vintage%s (a stock "
                          "reads its previous year, %s, and declares "
                          "'initial')",
                          eq->name,
                          eq->nover ? ", for this or another member" : "", lag);
            else
                mrv_error(s->d, mrv_expr_pos(eq->formula_node, s->stack_off[k]),
                          MRV_ESCHEMA,
                          "equations form a cycle: %s (each reads the next "
                          "in the same vintage; a stock reads its previous "
                          "year, %s, and declares 'initial')",
                          path, lag);
            s->cycle = true;
            return;
        }
        if (s->color[e.to] == 0) visit(s, e.to);
    }
    s->nstack--;
    s->color[v] = 2;
    s->order[s->norder++] = v;
}

mrv_status mrv_compile(const mrv_methodology *m, mrv_arena *a,
                       const mrv_compiled **out, mrv_diag *d)
{
    size_t errs = mrv_diag_error_count(d);
    cctx c = {0};
    c.m = m;
    c.d = d;
    for (size_t i = 0; i < m->neqs; i++) check_equation(&c, &m->eqs[i]);
    for (int r = 0; r < MRV_NRESULTS; r++) {
        int k = m->results[r];
        if (k < 0) continue;
        mrv_unit mass = mrv_unit_one();
        mass.dim[MRV_DIM_MASS] = 1;
        if (m->eqs[k].nover) {
            mrv_error(d, m->results_pos[r], MRV_ESCHEMA,
                      "result '%s' names '%s', which is over '%s'; a result "
                      "is one number per vintage: sum it in an equation of "
                      "its own, e.g. sum(i in %s: %s[i])",
                      mrv_result_names[r], m->eqs[k].name,
                      m->dims[m->eqs[k].over[0]].name,
                      m->dims[m->eqs[k].over[0]].name, m->eqs[k].name);
            continue;
        }
        if (!meet(m->eqs[k].unit, mass)) {
            char x[96];
            mrv_error(d, m->results_pos[r], MRV_ESCHEMA,
                      "result '%s' names '%s', declared in '%s' (%s); "
                      "results must be masses such as tCO2e or tCO2e/yr",
                      mrv_result_names[r], m->eqs[k].name, m->eqs[k].unit_text,
                      dimstr(m->eqs[k].unit, x, sizeof x));
        }
    }
    if (mrv_diag_error_count(d) > errs) return mrv_diag_status(d);

    mrv_compiled *cp = mrv_arena_alloc(a, sizeof *cp);
    size_t n = m->neqs;
    mrv_vec *edges = calloc(n + 1, sizeof *edges);
    int *color = calloc(n + 1, sizeof *color);
    int *stack = calloc(n + 1, sizeof *stack);
    size_t *soff = calloc(n + 1, sizeof *soff);
    int *order = mrv_arena_array(a, n + 1, sizeof *order);
    mrv_status st = MRV_OK;
    if (!cp || !edges || !color || !stack || !soff || !order) {
        st = MRV_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ubctx u = {m, {0}, 0};
        mrv_vec_init(&edges[i], sizeof(edge));
        collect(m->eqs[i].ast, &u, &edges[i]);
        if (edges[i].failed) st = MRV_ENOMEM;
    }
    if (st != MRV_OK) goto done;
    dfs s = {m, edges, color, stack, soff, 0, order, 0, d, false};
    for (size_t i = 0; i < n && !s.cycle; i++)
        if (color[i] == 0) visit(&s, (int)i);
    if (s.cycle) {
        st = mrv_diag_status(d);
        goto done;
    }
    cp->m = m;
    cp->neqs = n;
    cp->order = order;
    *out = cp;
done:
    for (size_t i = 0; edges && i < n; i++) mrv_vec_free(&edges[i]);
    free(edges);
    free(color);
    free(stack);
    free(soff);
    return st;
}
