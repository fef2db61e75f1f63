/*
** term.c -- text made safe to show on a terminal (term.h).
**
** One character at a time: mrv_term_char decides what a character is
** shown as, and the stream (mrv_term) only carries the start of a UTF-8
** sequence that a write cut off over to the next write.  Owns nothing;
** the stream borrows its FILE.
*/
#include <string.h>

#include "term.h"

/* Length and smallest code point of the UTF-8 sequence led by 'c'; 0 for
** a byte that cannot lead one (ASCII is handled before). */
static size_t seq_len(unsigned char c, unsigned long *min)
{
    if (c >= 0xC2 && c <= 0xDF) return *min = 0x80, 2;
    if (c >= 0xE0 && c <= 0xEF) return *min = 0x800, 3;
    if (c >= 0xF0 && c <= 0xF4) return *min = 0x10000, 4;
    return 0;
}

size_t mrv_term_char(const unsigned char *s, size_t n, bool end,
                     mrv_term_mode mode, char out[MRV_TERM_MAX])
{
    unsigned char c = s[0];
    if (c < 0x80) {
        bool control = c < 0x20 || c == 0x7F;
        if (control && !(c == '\n' && mode == MRV_TERM_TEXT))
            snprintf(out, MRV_TERM_MAX, "\\x%02x", c);
        else
            out[0] = (char)c, out[1] = '\0';
        return 1;
    }
    unsigned long min = 0, cp;
    size_t len = seq_len(c, &min), i = 1;
    cp = len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
    for (; len && i < len && i < n && (s[i] & 0xC0) == 0x80; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    if (len && i == n && i < len && !end) return 0; /* cut: wait */
    bool ok = len && i == len && cp >= min && cp <= 0x10FFFF &&
              !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
        snprintf(out, MRV_TERM_MAX, "\\x%02x", c);
        return 1;
    }
    if (cp <= 0x9F) /* C1 controls: CSI (U+009B) starts escape sequences */
        snprintf(out, MRV_TERM_MAX, "\\u%04lx", cp);
    else
        memcpy(out, s, len), out[len] = '\0';
    return len;
}

void mrv_term_init(mrv_term *t, FILE *out, mrv_term_mode mode)
{
    t->out = out;
    t->mode = mode;
    t->npend = 0;
}

/* Shows what can be shown of 'n' bytes at 's'; returns the bytes taken,
** fewer than n only when the rest is the start of a cut sequence. */
static size_t show(mrv_term *t, const unsigned char *s, size_t n, bool end)
{
    size_t i = 0;
    while (i < n) {
        /* A run of plain printable ASCII at once. */
        size_t k = i;
        while (k < n && s[k] >= 0x20 && s[k] < 0x7F) k++;
        if (k > i) {
            fwrite(s + i, 1, k - i, t->out);
            i = k;
            continue;
        }
        char buf[MRV_TERM_MAX];
        size_t used = mrv_term_char(s + i, n - i, end, t->mode, buf);
        if (used == 0) break;
        fputs(buf, t->out);
        i += used;
    }
    return i;
}

bool mrv_term_write(mrv_term *t, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    /* Complete a sequence the last write cut, a byte at a time. */
    while (t->npend && n) {
        t->pend[t->npend++] = *u++;
        n--;
        size_t used = show(t, t->pend, t->npend, false);
        memmove(t->pend, t->pend + used, t->npend - used);
        t->npend -= used;
    }
    size_t used = show(t, u, n, false);
    memcpy(t->pend + t->npend, u + used, n - used); /* at most 3 bytes */
    t->npend += n - used;
    return !ferror(t->out);
}

bool mrv_term_finish(mrv_term *t)
{
    show(t, t->pend, t->npend, true);
    t->npend = 0;
    return !ferror(t->out);
}

void mrv_term_puts(FILE *out, const char *s, mrv_term_mode mode)
{
    mrv_term t;
    mrv_term_init(&t, out, mode);
    show(&t, (const unsigned char *)s, strlen(s), true);
}
