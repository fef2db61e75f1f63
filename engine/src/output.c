/*
** output.c -- numbers as text, JSON and CSV fields (output.h).
**
** Three ways to print a double, each for one reader:
**
**   mrv_fmt_g17       files a program reads back (vintages.csv,
**                     report.json): always 17 significant digits, so the
**                     text is a function of the bits alone;
**   mrv_fmt_shortest  files people read too (the ledger's estimates): the
**                     fewest digits that still read back exactly;
**   mrv_fmt_num       tables for people: rounded to a given number of
**                     decimals, with thousands separators.
**
** mrv_fmt_digits is the one search for "fewest digits that round-trip";
** every writer that wants short exact text (the report page, explain,
** the formula printer) starts from it.  All of it assumes the "C" locale,
** which the program keeps (mrv.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "stats.h"

/* ---- numbers ------------------------------------------------------------ */

int mrv_fmt_digits(double x)
{
    char b[40];
    int p = 1;
    for (; p < 17; p++) {
        snprintf(b, sizeof b, "%.*g", p, x);
        if (strtod(b, NULL) == x) break;
    }
    return p; /* 17 digits always read back (DBL_DECIMAL_DIG) */
}

char *mrv_fmt_g17(double x, char *buf, size_t n)
{
    if (x == 0) x = 0; /* -0 -> 0 */
    snprintf(buf, n, "%.17g", x);
    return buf;
}

char *mrv_fmt_shortest(double x, char *buf, size_t n)
{
    if (x == 0) x = 0; /* -0 -> 0 */
    /* Whole tonnes read as such, never as 6e+04. */
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, n, "%.0f", x);
        return buf;
    }
    snprintf(buf, n, "%.*g", mrv_fmt_digits(x), x);
    return buf;
}

char *mrv_fmt_group(const char *raw, char *buf, size_t n)
{
    size_t o = 0;
    if (*raw == '-' && o + 1 < n) buf[o++] = *raw++;
    size_t ilen = strcspn(raw, ".");
    for (size_t i = 0; raw[i] && o + 2 < n; i++) {
        buf[o++] = raw[i];
        size_t left = ilen - i - 1;
        if (i < ilen && left && left % 3 == 0) buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

char *mrv_fmt_num(double x, int dec, char *buf, size_t n)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return buf;
    }
    if (fabs(x) >= 1e18) {
        snprintf(buf, n, "%.3g", x);
        return buf;
    }
    char raw[64];
    snprintf(raw, sizeof raw, "-%.*f", dec, fabs(x));
    bool zero = strspn(raw + 1, "0.") == strlen(raw + 1);
    return mrv_fmt_group(x < 0 && !zero ? raw : raw + 1, buf, n);
}

/* ---- JSON --------------------------------------------------------------- */

int mrv_utf8_seq(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int len = *p < 0x80             ? 1
              : (*p & 0xE0) == 0xC0 ? 2
              : (*p & 0xF0) == 0xE0 ? 3
              : (*p & 0xF8) == 0xF0 ? 4
                                    : 0;
    if (len == 0 || (len == 2 && *p < 0xC2) || (len == 4 && *p > 0xF4))
        return 0;
    for (int k = 1; k < len; k++)
        if ((p[k] & 0xC0) != 0x80) return 0; /* also stops at the NUL */
    /* No overlong three- or four-byte forms, no surrogates, nothing
    ** beyond U+10FFFF. */
    if (len == 3 &&
        ((*p == 0xE0 && p[1] < 0xA0) || (*p == 0xED && p[1] >= 0xA0)))
        return 0;
    if (len == 4 &&
        ((*p == 0xF0 && p[1] < 0x90) || (*p == 0xF4 && p[1] >= 0x90)))
        return 0;
    return len;
}

void mrv_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        if (*p >= 0x80) {
            int len = mrv_utf8_seq((const char *)p);
            if (len == 0) {
                fputs("\\ufffd", f);
            } else if (len == 2 && p[0] == 0xC2 && p[1] < 0xA0) {
                fprintf(f, "\\u%04x", p[1]); /* C1: U+0080 to U+009F */
                p++;
            } else {
                fwrite(p, 1, (size_t)len, f);
                p += len - 1;
            }
            continue;
        }
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void mrv_json_num(FILE *f, double x)
{
    char b[40];
    fputs(isfinite(x) ? mrv_fmt_g17(x, b, sizeof b) : "null", f);
}

void mrv_json_stat(FILE *f, const mrv_stat *s, bool mc)
{
    fputs("{\"central\": ", f);
    mrv_json_num(f, s->central);
    fputs(", \"mean\": ", f);
    mrv_json_num(f, s->mean);
    fputs(", \"sd\": ", f);
    mrv_json_num(f, s->sd);
    fputs(", \"lower\": ", f);
    mrv_json_num(f, s->lower);
    fputs(", \"median\": ", f);
    mrv_json_num(f, s->median);
    fputs(", \"upper\": ", f);
    mrv_json_num(f, s->upper);
    if (mc) {
        fputs(", \"se_mean\": ", f);
        mrv_json_num(f, s->se_mean);
        fputs(", \"lower_half_draws\": ", f);
        mrv_json_num(f, s->lower_half);
        fputs(", \"upper_half_draws\": ", f);
        mrv_json_num(f, s->upper_half);
        fputs(", \"ipcc_approach1\": {\"sd\": ", f);
        mrv_json_num(f, s->ipcc_sd);
        fputs(", \"lower\": ", f);
        mrv_json_num(f, s->ipcc_lower);
        fputs(", \"upper\": ", f);
        mrv_json_num(f, s->ipcc_upper);
        fprintf(f, ", \"disagrees\": %s}",
                s->ipcc_disagrees ? "true" : "false");
    }
    fputc('}', f);
}

/* ---- CSV ---------------------------------------------------------------- */

void mrv_csv_begin(mrv_csv *c, FILE *f)
{
    c->f = f;
    c->nfields = 0;
}

static void csv_sep(mrv_csv *c)
{
    if (c->nfields++) fputc(',', c->f);
}

void mrv_csv_raw(mrv_csv *c, const char *fields)
{
    csv_sep(c);
    fputs(fields, c->f);
}

void mrv_csv_text(mrv_csv *c, const char *s)
{
    csv_sep(c);
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, c->f);
        return;
    }
    fputc('"', c->f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', c->f);
        fputc(*s, c->f);
    }
    fputc('"', c->f);
}

void mrv_csv_int(mrv_csv *c, long long x)
{
    csv_sep(c);
    fprintf(c->f, "%lld", x);
}

void mrv_csv_g17(mrv_csv *c, double x)
{
    char b[40];
    csv_sep(c);
    fputs(mrv_fmt_g17(x, b, sizeof b), c->f);
}

void mrv_csv_num(mrv_csv *c, double x)
{
    char b[40];
    csv_sep(c);
    if (isfinite(x)) fputs(mrv_fmt_shortest(x, b, sizeof b), c->f);
}

void mrv_csv_end(mrv_csv *c)
{
    fputc('\n', c->f);
    c->nfields = 0;
}

void mrv_html_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
                fputs("&#xFFFD;", f);
            else
                fputc(*p, f);
        }
    }
}
