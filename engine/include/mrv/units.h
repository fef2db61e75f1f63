/*
** units.h -- units of measure: parsing, dimensions and scale (docs/units.md).
**
** A unit is an exact scale and a vector of integer exponents over six base
** dimensions: mass, length, energy, time, normal volume (Nm3, a gas volume
** at normal conditions, never silently a volume) and peak power (Wp, the
** rating of a PV array, never silently a power).  Energy is a base
** dimension of its own (not kg m^2 s^-2) so that t*ha can never pass for
** an energy.  Counts (vehicle, household, stove, ...) are dimensionless,
** and substance tags glued to a mass (tCO2e, kgCH4, tC) name what is
** weighed without changing the dimension.
**
** Time is a dimension, so a power (MW, energy/time) is never an energy
** (MWh).  A unit also records how much of its time exponent is written in
** 'yr', the length of a vintage: the per-vintage bridge (docs/units.md)
** lets a formula drop or add powers of yr, never of d, h, min or s, so
** t/yr and t meet in a formula while MW and MWh do not.
**
** The internal scale is kg, m, J, Nm3, Wp and the year.  The days of a
** year (the project's year_length, 365 by default) are a parameter of the
** scale: one d is 1/365 yr, one W is 86,400 x 365 J/yr.  A unit's scale
** for a year of D days is num/den x D^-(its time exponent not in yr),
** computed by mrv_unit_scale(); num and den are kept exact so that "km/d"
** is exactly 365,000 and "MW*h" exactly 3.6e9.
*/
#ifndef MRV_UNITS_H
#define MRV_UNITS_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ORDER DIM: names in units.c (dim_names) follow this order. */
enum {
    MRV_DIM_MASS,
    MRV_DIM_LENGTH,
    MRV_DIM_ENERGY,
    MRV_DIM_TIME,
    MRV_DIM_NVOL, /* normal volume: Nm3 */
    MRV_DIM_PEAK, /* peak power: Wp */
    MRV_NDIM
};

/* The days of a year when the project does not say: 365, as CDM tools
** and the IPCC count (8,760 h). */
#define MRV_YEAR_DAYS 365.0
/* The year lengths a project may choose, in days. */
#define MRV_YEAR_DAYS_MIN 360.0
#define MRV_YEAR_DAYS_MAX 366.0

typedef struct mrv_unit {
    double num, den;           /* exact scale, before the year length */
    signed char dim[MRV_NDIM]; /* exponents */
    signed char yr;            /* the part of dim[MRV_DIM_TIME] in yr */
} mrv_unit;

/* The dimensionless unit of scale 1 (written "1"). */
mrv_unit mrv_unit_one(void);

/* Parses 'text': a product of unit atoms with optional powers, joined by
** '*' or '/' (left to right, so t/ha/yr is t ha^-1 yr^-1), e.g. "kg/TJ",
** "tCO2/MWh", "m3/t", "1/yr", "kWh/km", "%", "1", "m^2", "km2".  Spaces
** around operators are allowed.  On success sets *out and returns MRV_OK.
** On failure returns MRV_ESYNTAX, sets *bad_offset to the byte offset of
** the offending text and *why to a static message ("unknown unit"; the
** caller names the text and may suggest a spelling from the table). */
mrv_status mrv_unit_parse(const char *text, mrv_unit *out, size_t *bad_offset,
                          const char **why);

/* The scale of 'u' in the internal units for a year of 'year_days' days:
** one of u is mrv_unit_scale(u, D) internal units. */
double mrv_unit_scale(mrv_unit u, double year_days);

/* v written in 'u', in the internal units: v times the scale, except
** that a number 1/n (%, ppm, %/yr, h/yr) divides by n, so "5 %" is
** exactly the double 0.05 and "35 %" exactly 0.35.  Not finite when it
** overflows. */
double mrv_unit_to_internal(double v, mrv_unit u, double year_days);
/* The inverse: an internal value x expressed in 'u'. */
double mrv_unit_from_internal(double x, mrv_unit u, double year_days);

/* Same dimension: every exponent equal.  A value converts between units
** of the same dimension (km/d into km/yr, with the year length). */
bool mrv_unit_same_dim(mrv_unit a, mrv_unit b);
/* The per-vintage bridge: the units differ only by powers of yr (t/yr
** and t; 1/yr and 1).  A formula may meet them; a value never does. */
bool mrv_unit_bridged(mrv_unit a, mrv_unit b);
/* Differ only in time, and not by yr alone: MW and MWh, kW and kWh,
** d and 1.  The trap the per-vintage bridge must not cover. */
bool mrv_unit_time_apart(mrv_unit a, mrv_unit b);
/* Every exponent zero. */
bool mrv_unit_dimensionless(mrv_unit a);
/* Dimensionless, or so once the bridge is applied: 1, %, h/yr, 1/yr. */
bool mrv_unit_bridged_number(mrv_unit a);
mrv_unit mrv_unit_mul(mrv_unit a, mrv_unit b);
mrv_unit mrv_unit_div(mrv_unit a, mrv_unit b);
/* a^n for an integer n; exponents that leave [-127, 127] saturate and
** make mrv_unit_valid() false. */
mrv_unit mrv_unit_pow(mrv_unit a, int n);
/* Square root: true and sets *out when every exponent is even. */
bool mrv_unit_sqrt(mrv_unit a, mrv_unit *out);
/* False when an exponent overflowed. */
bool mrv_unit_valid(mrv_unit a);

/* Why a quantity in 'have' cannot stand where 'want' is expected, when
** the engine knows a trap behind it (energy for power, a time factor the
** per-vintage bridge does not cover, peak power for power, Nm3 for m3):
** a static sentence to append to the message, or NULL. */
const char *mrv_unit_hint(mrv_unit have, mrv_unit want);

/* Writes the dimension in words, e.g. "mass", "mass/energy",
** "energy/time", "length^3/mass", "dimensionless".  Returns buf. */
char *mrv_unit_dim_str(mrv_unit a, char *buf, size_t n);

/* Factor that converts a value in unit 'from' to unit 'to' (same
** dimension) for a year of 'year_days' days; NaN when the dimensions
** differ. */
double mrv_unit_factor(mrv_unit from, mrv_unit to, double year_days);

/* ---- the vocabulary ------------------------------------------------------
**
** The parser's own table, one entry at a time, so that what 'mrv units'
** lists is exactly what the parser accepts.  The atoms are the only
** spellings: there is no general prefix rule ("mJ" is no unit). */

typedef struct mrv_unit_atom {
    const char *name;  /* as written: "kWh" */
    const char *group; /* what it measures: "mass", "energy", "power",
                       ** "peak power", "length", "area and volume",
                       ** "time", "number" or "count" */
    mrv_unit unit;     /* its exact scale and dimension */
    bool tag;          /* a substance tag may follow (mass: tCO2e) */
    bool power;        /* glued digits are a power (m3); not after "1" */
} mrv_unit_atom;

/* Sets *out to the i-th atom, in the table's order (grouped as above);
** false past the last. */
bool mrv_unit_atom_at(size_t i, mrv_unit_atom *out);

/* Whether unit texts a and b weigh the same substances: the same tags
** with the same powers (CO2 is CO2e: a tonne of CO2 is a tonne of CO2e),
** or one of them with no tag at all (a plain 't' names no substance).
** A tag converts nothing, so a value in tC where tCO2 is declared would
** be read as CO2 without its 44/12.  True when either does not parse
** (its own error is reported where it is read). */
bool mrv_unit_tags_agree(const char *a, const char *b);

/* The i-th substance tag ("CO2e", "CH4", ...), or NULL past the last. */
const char *mrv_unit_tag_at(size_t i);

#ifdef __cplusplus
}
#endif

#endif /* MRV_UNITS_H */
