/*
** schema.c -- strict conversion of YAML scalars and maps (internal).
**
** YAML 1.1 would read 'yes' as true, '0x10' as 16 and '1_000' as 1000;
** validators re-run files that others wrote, so we accept exactly one
** spelling of each kind of value and say what we expected otherwise.
** Numbers are plain scalars in decimal (with '_' between digits allowed):
** a quoted '0.5' is text, refused wherever a number is expected with a
** hint to remove the quotes (a quantity with a unit, '25 km/d', is text
** by nature and may be quoted); a number too large or too small for a
** double (1e400, 1e-400) is an error, never infinity or 0;
** booleans are true/false; dates are YYYY-MM-DD.  The C locale is assumed
** (strtod's decimal point); mrv.h documents that requirement.
*/
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "suggest.h"
#include "units.h"

static mrv_srcpos at(const mrv_ynode *n)
{
    return n->pos;
}

bool mrv__expect_map(const mrv_ynode *n, const char *what, mrv_diag *d)
{
    if (n->kind == MRV_Y_MAP) return true;
    mrv_error(d, at(n), MRV_ESCHEMA, "%s must be a mapping, not a %s", what,
              mrv_ykind_name(n->kind));
    return false;
}

bool mrv__expect_seq(const mrv_ynode *n, const char *what, mrv_diag *d)
{
    if (n->kind == MRV_Y_SEQ) return true;
    mrv_error(d, at(n), MRV_ESCHEMA, "%s must be a sequence, not a %s", what,
              mrv_ykind_name(n->kind));
    return false;
}

bool mrv__expect_scalar(const mrv_ynode *n, const char *what, mrv_diag *d)
{
    if (n->kind == MRV_Y_SCALAR) return true;
    mrv_error(d, at(n), MRV_ESCHEMA, "%s must be a scalar, not a %s", what,
              mrv_ykind_name(n->kind));
    return false;
}

bool mrv__check_keys(const mrv_ynode *map, const char *what,
                     const mrv_keyspec *ks, size_t nks, mrv_diag *d)
{
    if (!mrv__expect_map(map, what, d)) return false;
    bool ok = true;
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->text;
        size_t j;
        for (j = 0; j < nks; j++)
            if (strcmp(k, ks[j].key) == 0) break;
        if (j < nks) continue;
        const char *names[32];
        size_t nn = nks < 32 ? nks : 32;
        for (size_t t = 0; t < nn; t++) names[t] = ks[t].key;
        const char *hint = mrv__closest(k, names, nn);
        if (hint)
            mrv_error(d, map->keys[i]->pos, MRV_ESCHEMA,
                      "unknown key '%s' in %s (did you mean '%s'?)", k, what,
                      hint);
        else
            mrv_error(d, map->keys[i]->pos, MRV_ESCHEMA,
                      "unknown key '%s' in %s", k, what);
        ok = false;
    }
    for (size_t j = 0; j < nks; j++) {
        if (ks[j].required && !mrv_ymap_get(map, ks[j].key)) {
            mrv_error(d, map->pos, MRV_ESCHEMA, "%s has no '%s'", what,
                      ks[j].key);
            ok = false;
        }
    }
    return ok;
}

/* Copies the digits of a YAML number without '_' separators into buf
** (n bytes); MRV__NUM_SYNTAX when the text is not a decimal number,
** MRV__NUM_LONG when it is one but does not fit. */
static mrv__numread clean_number(const char *s, size_t len, char *buf, size_t n)
{
    size_t o = 0, i = 0;
#define PUT(c) (o + 1 < n ? (void)(buf[o] = (c)) : (void)0, o++)
    if (len == 0) return MRV__NUM_SYNTAX;
    if (s[i] == '+' || s[i] == '-') PUT(s[i++]);
    bool digits = false, dot = false, exp = false;
    for (; i < len; i++) {
        char c = s[i];
        if (isdigit((unsigned char)c)) {
            digits = true;
            PUT(c);
        } else if (c == '_') {
            /* only between two digits */
            if (i == 0 || i + 1 >= len || !isdigit((unsigned char)s[i - 1]) ||
                !isdigit((unsigned char)s[i + 1]))
                return MRV__NUM_SYNTAX;
        } else if (c == '.' && !dot && !exp) {
            dot = true;
            PUT(c);
        } else if ((c == 'e' || c == 'E') && digits && !exp) {
            exp = true;
            PUT(c);
            if (i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'))
                PUT(s[++i]);
            if (i + 1 >= len || !isdigit((unsigned char)s[i + 1]))
                return MRV__NUM_SYNTAX;
        } else {
            return MRV__NUM_SYNTAX;
        }
    }
#undef PUT
    if (!digits) return MRV__NUM_SYNTAX;
    if (o >= n) return MRV__NUM_LONG;
    buf[o] = '\0';
    return MRV__NUM_OK;
}

mrv__numread mrv__read_number(const char *s, size_t len, double *out)
{
    char buf[128];
    mrv__numread c = clean_number(s, len, buf, sizeof buf);
    if (c != MRV__NUM_OK) return c;
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    if (*end != '\0') return MRV__NUM_SYNTAX;
    if (!isfinite(v)) return MRV__NUM_OVERFLOW;
    /* strtod reads 1e-400 as 0 (with ERANGE) and 1e-310 as a subnormal
    ** that keeps only some of its digits: neither is the number written.
    ** 0e-400 is an exact 0 and sets no ERANGE. */
    if ((v == 0 && errno == ERANGE) || (v != 0 && fabs(v) < DBL_MIN))
        return MRV__NUM_UNDERFLOW;
    *out = v;
    return MRV__NUM_OK;
}

const char *mrv__numread_why(mrv__numread r)
{
    switch (r) {
    case MRV__NUM_OK:
        break;
    case MRV__NUM_SYNTAX:
        return "not a decimal number";
    case MRV__NUM_OVERFLOW:
        return "too large: beyond 1.8e308, the largest double";
    case MRV__NUM_LONG:
        return "too long: more than 127 characters (a double holds 17 "
               "significant digits; write it with fewer)";
    case MRV__NUM_UNDERFLOW:
        return "too small: below 2.2e-308 in magnitude a nonzero number "
               "underflows (it would be read as 0 or lose digits)";
    }
    return "";
}

bool mrv__is_number(const mrv_ynode *n)
{
    double v;
    return n->kind == MRV_Y_SCALAR && n->style == MRV_YS_PLAIN &&
           mrv__read_number(n->text, n->len, &v) == MRV__NUM_OK;
}

bool mrv__quoted_number(const mrv_ynode *n)
{
    double v;
    return n->kind == MRV_Y_SCALAR && n->style != MRV_YS_PLAIN &&
           mrv__read_number(n->text, n->len, &v) != MRV__NUM_SYNTAX;
}

bool mrv__get_number(const mrv_ynode *n, const char *what, double *out,
                     mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    mrv__numread r = mrv__read_number(n->text, n->len, out);
    if (r == MRV__NUM_SYNTAX) {
        mrv_error(d, at(n), MRV_ESCHEMA, "%s must be a finite number, not '%s'",
                  what, n->text);
        return false;
    }
    if (n->style != MRV_YS_PLAIN) {
        mrv_error(d, at(n), MRV_ESCHEMA, MRV__UNQUOTE, what, n->text);
        return false;
    }
    if (r == MRV__NUM_OK) return true;
    mrv_error(d, at(n), MRV_EDOMAIN, "%s '%s' is %s", what, n->text,
              mrv__numread_why(r));
    return false;
}

bool mrv__get_int(const mrv_ynode *n, const char *what, long lo, long hi,
                  long *out, mrv_diag *d)
{
    double v;
    if (n->kind == MRV_Y_SCALAR && n->style == MRV_YS_PLAIN &&
        mrv__read_number(n->text, n->len, &v) == MRV__NUM_SYNTAX) {
        mrv_error(d, at(n), MRV_ESCHEMA,
                  "%s must be a whole number from %ld to %ld, not '%s'", what,
                  lo, hi, n->text);
        return false;
    }
    if (!mrv__get_number(n, what, &v, d)) return false;
    if (v != floor(v) || v < (double)lo || v > (double)hi) {
        mrv_error(d, at(n), MRV_ESCHEMA,
                  "%s must be a whole number from %ld to %ld, not %s", what, lo,
                  hi, n->text);
        return false;
    }
    *out = (long)v;
    return true;
}

bool mrv__get_draws(const mrv_ynode *n, uint64_t *out, mrv_diag *d)
{
    long draws;
    if (!mrv__get_int(n, "'draws'", 0, MRV_MAX_DRAWS, &draws, d)) return false;
    if (draws == 1) {
        mrv_error(d, n->pos, MRV_EDOMAIN, "'draws' is 1: %s", MRV_ONE_DRAW_WHY);
        return false;
    }
    *out = (uint64_t)draws;
    return true;
}

bool mrv__get_u64(const mrv_ynode *n, const char *what, uint64_t *out,
                  mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    char buf[64];
    const char *s = n->text;
    bool ok = n->style == MRV_YS_PLAIN &&
              clean_number(s, n->len, buf, sizeof buf) == MRV__NUM_OK;
    if (ok) {
        for (const char *p = buf; *p; p++)
            if (!isdigit((unsigned char)*p)) ok = false;
    }
    if (ok) {
        errno = 0;
        char *end;
        unsigned long long v = strtoull(buf, &end, 10);
        if (errno == 0 && *end == '\0') {
            *out = (uint64_t)v;
            return true;
        }
    }
    if (mrv__quoted_number(n)) {
        mrv_error(d, at(n), MRV_ESCHEMA, MRV__UNQUOTE, what, s);
        return false;
    }
    mrv_error(
        d, at(n), MRV_ESCHEMA,
        "%s must be a whole number from 0 to 18446744073709551615, not '%s'",
        what, s);
    return false;
}

bool mrv__is_year(const mrv_ynode *n, int *year)
{
    if (n->kind != MRV_Y_SCALAR || n->style != MRV_YS_PLAIN || n->len != 4)
        return false;
    for (size_t i = 0; i < 4; i++)
        if (!isdigit((unsigned char)n->text[i])) return false;
    int y = atoi(n->text);
    if (y < MRV_YEAR_MIN || y > MRV_YEAR_MAX) return false;
    *year = y;
    return true;
}

bool mrv__get_bool(const mrv_ynode *n, const char *what, bool *out, mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    if (n->style == MRV_YS_PLAIN && strcmp(n->text, "true") == 0) {
        *out = true;
        return true;
    }
    if (n->style == MRV_YS_PLAIN && strcmp(n->text, "false") == 0) {
        *out = false;
        return true;
    }
    mrv_error(d, at(n), MRV_ESCHEMA, "%s must be true or false, not '%s'", what,
              n->text);
    return false;
}

bool mrv__get_string(const mrv_ynode *n, const char *what, const char **out,
                     mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    if (strlen(n->text) != n->len) {
        mrv_error(d, at(n), MRV_ESCHEMA, "%s contains a NUL character", what);
        return false;
    }
    *out = n->text;
    return true;
}

bool mrv__is_ident(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (const char *p = s + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_')) return false;
    return strlen(s) <= MRV_MAX_NAME;
}

bool mrv__get_ident(const mrv_ynode *n, const char *what, const char **out,
                    mrv_diag *d)
{
    if (!mrv__get_string(n, what, out, d)) return false;
    if (!mrv__is_ident(*out)) {
        mrv_error(d, at(n), MRV_ESCHEMA,
                  "%s '%s' is not a name: use letters, digits and '_', "
                  "starting with a letter (at most %d)",
                  what, *out, MRV_MAX_NAME);
        return false;
    }
    return true;
}

bool mrv__get_date(const mrv_ynode *n, const char *what, mrv_date *out,
                   mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    const char *s = n->text;
    bool shape = n->len == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; shape && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) shape = false;
    if (shape) {
        mrv_date dt = {atoi(s), atoi(s + 5), atoi(s + 8)};
        if (mrv_date_valid(dt)) {
            *out = dt;
            return true;
        }
        /* The right shape but no such day (2025-02-29): say so, rather
        ** than repeat the format the author already followed. */
        if (dt.y < MRV_YEAR_MIN || dt.y > MRV_YEAR_MAX)
            mrv_error(d, at(n), MRV_ESCHEMA,
                      "%s is '%s', but years run from %d to %d", what, s,
                      MRV_YEAR_MIN, MRV_YEAR_MAX);
        else
            mrv_error(d, at(n), MRV_ESCHEMA,
                      "%s is '%s', which is not a calendar date", what, s);
        return false;
    }
    mrv_error(d, at(n), MRV_ESCHEMA,
              "%s must be a date written YYYY-MM-DD, not '%s'", what, s);
    return false;
}

/* A character of a word the unit parser could not read. */
static bool unit_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '%' || c == '.';
}

static bool same_letters(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

/* A unit of the table spelt like 'word' but for case ("kwh": "kWh"), else
** one a small edit away, else NULL. */
static const char *unit_like(const char *word)
{
    const char *names[128];
    size_t n = 0;
    mrv_unit_atom at;
    for (size_t i = 0; n < 128 && mrv_unit_atom_at(i, &at); i++) {
        if (same_letters(word, at.name)) return at.name;
        names[n++] = at.name;
    }
    return mrv__closest(word, names, n);
}

void mrv__unit_error(const mrv_ynode *n, size_t at, const char *what,
                     const char *text, size_t off, const char *why, mrv_diag *d)
{
    mrv_srcpos pos = mrv_yaml_scalar_pos(n, at + off);
    if (strcmp(why, "unknown unit") != 0) {
        mrv_error(d, pos, MRV_ESYNTAX, "%s '%s': %s", what, text, why);
        return;
    }
    char word[64];
    size_t len = 0;
    while (len + 1 < sizeof word && unit_word_char(text[off + len])) {
        word[len] = text[off + len];
        len++;
    }
    word[len] = '\0';
    const char *like = unit_like(word);
    if (like)
        mrv_error(d, pos, MRV_ESYNTAX,
                  "%s '%s': unknown unit '%s' (did you mean '%s'? 'mrv "
                  "units' lists every unit)",
                  what, text, word, like);
    else
        mrv_error(d, pos, MRV_ESYNTAX,
                  "%s '%s': unknown unit '%s' ('mrv units' lists every "
                  "unit)",
                  what, text, word);
}

bool mrv__get_unit(const mrv_ynode *n, const char *what, mrv_unit *out,
                   const char **text, mrv_diag *d)
{
    if (!mrv__get_string(n, what, text, d)) return false;
    size_t off = 0;
    const char *why = "bad unit";
    if (mrv_unit_parse(*text, out, &off, &why) == MRV_OK) return true;
    mrv__unit_error(n, 0, what, *text, off, why, d);
    return false;
}

bool mrv__get_days(const mrv_ynode *n, const char *what, double *days,
                   mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    double v;
    const char *ut = NULL;
    mrv__numread r = mrv__split_quantity(n->text, &v, &ut);
    if (r == MRV__NUM_SYNTAX || !ut) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s must be a duration with its unit, such as 365 d or "
                  "8760 h, not '%s'",
                  what, n->text);
        return false;
    }
    if (r != MRV__NUM_OK) {
        mrv_error(d, n->pos, MRV_EDOMAIN, "the number in '%s' is %s", n->text,
                  mrv__numread_why(r));
        return false;
    }
    mrv_unit u;
    size_t off;
    const char *why;
    if (mrv_unit_parse(ut, &u, &off, &why) != MRV_OK) {
        mrv__unit_error(n, (size_t)(ut - n->text), "unit", ut, off, why, d);
        return false;
    }
    /* A year in yr would define the year by itself. */
    mrv_unit day = {1, 1, {0}, 0};
    day.dim[MRV_DIM_TIME] = 1;
    if (!mrv_unit_same_dim(u, day) || u.yr != 0) {
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s must be a duration in d, h, min or s, not '%s'", what,
                  n->text);
        return false;
    }
    *days = v * u.num / u.den; /* num/den is the unit in days */
    return true;
}

/* The end of the decimal number at the start of s (sign, digits with
** '_', a point, an exponent), or 0 when none starts there. */
static size_t number_end(const char *s)
{
    size_t i = 0;
    if (s[i] == '+' || s[i] == '-') i++;
    size_t digits = i;
    while (isdigit((unsigned char)s[i]) || s[i] == '_' || s[i] == '.') i++;
    if (i == digits) return 0;
    if ((s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-') j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j])) j++;
            i = j;
        }
    }
    return i;
}

mrv__numread mrv__split_quantity(const char *s, double *value,
                                 const char **unit_text)
{
    size_t i = number_end(s);
    /* "10/17" is no quantity: a plain text with '/' is a factor
    ** reference. */
    if (i == 0 || s[i] == '/') return MRV__NUM_SYNTAX;
    mrv__numread r = mrv__read_number(s, i, value);
    if (r == MRV__NUM_SYNTAX) return r;
    while (isspace((unsigned char)s[i])) i++;
    *unit_text = s[i] ? s + i : NULL;
    return r;
}

bool mrv__map_keys(const mrv_ynode *n, const char *what, const mrv_keyspec *ks,
                   size_t nks, mrv_diag *d)
{
    if (!mrv__expect_map(n, what, d)) return false;
    mrv__check_keys(n, what, ks, nks, d);
    return true;
}

/* "a, b or c" into buf. */
static const char *list_names(const char *const *names, size_t n, char *buf,
                              size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        o += (size_t)snprintf(buf + o, len - o, "%s%s", sep, names[i]);
    }
    return buf;
}

bool mrv__get_enum(const mrv_ynode *n, const char *what,
                   const char *const *names, size_t nn, int *out, mrv_diag *d)
{
    const char *s;
    if (!mrv__get_string(n, what, &s, d)) return false;
    for (size_t i = 0; i < nn; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    char all[256];
    const char *hint = mrv__closest(s, names, nn);
    list_names(names, nn, all, sizeof all);
    if (hint)
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s must be %s, not '%s' (did you mean '%s'?)", what, all, s,
                  hint);
    else
        mrv_error(d, n->pos, MRV_ESCHEMA, "%s must be %s, not '%s'", what, all,
                  s);
    return false;
}

/* ---- decimals and party codes ------------------------------------------ */

bool mrv__get_dec(const mrv_ynode *n, const char *what, mrv_dec *out,
                  mrv_diag *d)
{
    if (!mrv__expect_scalar(n, what, d)) return false;
    const char *why = "not a decimal number";
    bool ok = mrv_dec_parse(n->text, n->len, out, &why);
    if (ok && (n->style == MRV_YS_PLAIN || strpbrk(n->text, "%/"))) return true;
    if (ok)
        mrv_error(d, n->pos, MRV_ESCHEMA, MRV__UNQUOTE, what, n->text);
    else
        mrv_error(d, n->pos, MRV_ESCHEMA,
                  "%s must be a decimal number such as 0.05, a percentage "
                  "such as 5%% or a fraction such as 10/17, not '%s' (%s)",
                  what, n->text, why);
    return false;
}

bool mrv__get_share(const mrv_ynode *n, const char *what, mrv_dec *out,
                    mrv_diag *d)
{
    if (!mrv__get_dec(n, what, out, d)) return false;
    if (mrv_dec_in_unit(*out)) return true;
    mrv_error(d, n->pos, MRV_EDOMAIN, "%s must be from 0 to 1, not %s", what,
              n->text);
    return false;
}

bool mrv__get_tonnes(const mrv_ynode *n, const char *what, int64_t *out,
                     mrv_diag *d)
{
    mrv_dec x;
    if (!mrv__get_dec(n, what, &x, d)) return false;
    if (x.den == 1 && x.num >= 0 && x.num <= MRV_LEDGER_MAX_TONNES) {
        *out = x.num;
        return true;
    }
    mrv_error(d, n->pos, MRV_EDOMAIN,
              "%s must be a whole number of tonnes from 0 to 10^15, not %s",
              what, n->text);
    return false;
}

bool mrv__is_file_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MRV_MAX_NAME || !isalnum((unsigned char)s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i])) return false;
    return true;
}

bool mrv__is_party(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n == 3 || s[n] < 'A' || s[n] > 'Z') return false;
    return n == 3;
}

bool mrv__get_party(const mrv_ynode *n, const char *what, const char **out,
                    mrv_diag *d)
{
    if (!mrv__get_string(n, what, out, d)) return false;
    if (mrv__is_party(*out)) return true;
    mrv_error(d, n->pos, MRV_ESCHEMA,
              "%s must be an ISO 3166-1 alpha-3 code such as KOR, not '%s'",
              what, *out);
    return false;
}
