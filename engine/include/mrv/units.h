/*
** units.h -- units of measure: parsing, dimensions and scale (docs/units.md).
**
** A unit is a scale and a vector of integer exponents over three base
** dimensions: mass, length and energy.  The internal scale is SI-coherent
** (kg, m, J), with time counted in years and carrying no dimension: a
** vintage is one year, so t/yr and t agree, and d, h, s are fractions of a
** year of 365.25 days.  Energy is a base dimension of its own (not kg m^2)
** so that t*ha can never pass for an energy.  Counts (vehicle, household,
** stove, head, unit, ...) are dimensionless, and substance tags glued to a
** mass (tCO2e, kgCH4, tC) name what is weighed without changing the
** dimension.
**
** A value v written in unit u is v * u.scale in the internal scale.
*/
#ifndef MRV_UNITS_H
#define MRV_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

enum { MRV_DIM_MASS, MRV_DIM_LENGTH, MRV_DIM_ENERGY, MRV_NDIM };

typedef struct mrv_unit {
    double scale;              /* internal value of 1 of this unit */
    signed char dim[MRV_NDIM]; /* exponents */
} mrv_unit;

/* The dimensionless unit of scale 1 (written "1"). */
mrv_unit mrv_unit_one(void);

/* Parses 'text': a product of unit atoms with optional powers, joined by
** '*' or '/' (left to right, so t/ha/yr is t ha^-1 yr^-1), e.g. "kg/TJ",
** "tCO2/MWh", "m3/t", "1/yr", "kWh/km", "%", "1", "m^2", "km2".  Spaces
** around operators are allowed.  On success sets *out and returns MRV_OK.
** On failure returns MRV_ESYNTAX, sets *bad_offset to the byte offset of
** the offending text and *why to a static message ("unknown unit 'kt2x'"
** style messages are formatted by the caller from the offset). */
mrv_status mrv_unit_parse(const char *text, mrv_unit *out, size_t *bad_offset,
                          const char **why);

bool mrv_unit_same_dim(mrv_unit a, mrv_unit b);
bool mrv_unit_dimensionless(mrv_unit a);
mrv_unit mrv_unit_mul(mrv_unit a, mrv_unit b);
mrv_unit mrv_unit_div(mrv_unit a, mrv_unit b);
/* a^n for an integer n; exponents that leave [-127, 127] saturate and
** make mrv_unit_valid() false. */
mrv_unit mrv_unit_pow(mrv_unit a, int n);
/* Square root: true and sets *out when every exponent is even. */
bool mrv_unit_sqrt(mrv_unit a, mrv_unit *out);
/* False when an exponent overflowed. */
bool mrv_unit_valid(mrv_unit a);

/* Writes the dimension in words, e.g. "mass", "mass/energy",
** "length^3/mass", "dimensionless".  Returns buf. */
char *mrv_unit_dim_str(mrv_unit a, char *buf, size_t n);

/* Factor that converts a value in unit 'from' to unit 'to' (same
** dimension): from.scale / to.scale. */
double mrv_unit_factor(mrv_unit from, mrv_unit to);

/* ---- the vocabulary ------------------------------------------------------
**
** The parser's own table, one entry at a time, so that what 'mrv units'
** lists is exactly what the parser accepts.  The atoms are the only
** spellings: there is no general prefix rule ("mJ" is no unit). */

typedef struct mrv_unit_atom {
    const char *name;  /* as written: "kWh" */
    const char *group; /* what it measures: "mass", "energy", "power",
                       ** "length", "area and volume", "time", "number"
                       ** or "count" */
    double num, den;   /* one of it is num / den in the internal scale,
                       ** both exact (d: 1 / 365.25) */
    mrv_unit unit;     /* that scale, and the dimension */
    bool tag;          /* a substance tag may follow (mass: tCO2e) */
    bool power;        /* glued digits are a power (m3); not after "1" */
} mrv_unit_atom;

/* Sets *out to the i-th atom, in the table's order (grouped as above);
** false past the last. */
bool mrv_unit_atom_at(size_t i, mrv_unit_atom *out);

/* The i-th substance tag ("CO2e", "CH4", ...), or NULL past the last. */
const char *mrv_unit_tag_at(size_t i);

#endif /* MRV_UNITS_H */
