/*
** term.h -- text made safe to show on a terminal.
**
** Ids, titles, formulas, strings in a report.json and error messages
** quoting any of them come from files someone else wrote.  A control
** character among them (ESC, BEL, CR, backspace, a C1 CSI) would let
** that file clear the screen, move the cursor or overwrite a line, and so
** fake a "verified" line.  Everything mrv prints passes through here:
** the diagnostics printer (diag.c) and the CLI's stdout and stderr.
**
** What is shown instead:
**
**   a C0 control byte (0x00-0x1F) but LF, and DEL (0x7F)   \xNN
**   LF, in MRV_TERM_LINE mode (one line of output)        \x0A
**   a C1 control character (U+0080-U+009F)                \u00NN
**   a byte that is not part of well-formed UTF-8          \xNN
**
** (NN in lower-case hex.)  Every other character, '\' included, is shown
** as it is, so escaped text contains nothing to escape and escaping twice
** changes nothing.
*/
#ifndef MRV_TERM_H
#define MRV_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mrv_term_mode {
    MRV_TERM_TEXT, /* lines of text: LF passes */
    MRV_TERM_LINE  /* one line: LF is escaped too */
} mrv_term_mode;

/* The most bytes one input character is shown as ("\u0085"), plus 1. */
#define MRV_TERM_MAX 8

/* Shows the character at 's' ('n' > 0 bytes there): writes what the
** terminal gets for it, NUL-terminated, into 'out' and returns the bytes
** it took (1 to 4).  When 's' holds only the start of a UTF-8 sequence
** that the n bytes cut short, returns 0 unless 'end' (no more bytes will
** come), in which case the first byte is shown as \xNN. */
size_t mrv_term_char(const unsigned char *s, size_t n, bool end,
                     mrv_term_mode mode, char out[MRV_TERM_MAX]);

/* A stream of text shown on 'out' (borrowed), written in pieces that may
** cut a UTF-8 sequence anywhere. */
typedef struct mrv_term {
    FILE *out;
    mrv_term_mode mode;
    unsigned char pend[4]; /* the start of a cut sequence */
    size_t npend;
} mrv_term;

void mrv_term_init(mrv_term *t, FILE *out, mrv_term_mode mode);
/* Shows 'n' bytes of 's'.  Returns false when 'out' fails. */
bool mrv_term_write(mrv_term *t, const char *s, size_t n);
/* Shows what a cut sequence left pending; call once at the end. */
bool mrv_term_finish(mrv_term *t);

/* Shows the whole string 's' on 'out'. */
void mrv_term_puts(FILE *out, const char *s, mrv_term_mode mode);

#ifdef __cplusplus
}
#endif

#endif /* MRV_TERM_H */
