/*
 * A strict reader of the Prometheus text exposition format 0.0.4, for the /metrics tests.
 *
 * ts_prom_parse() checks every line: `# HELP name text` and `# TYPE name type` (counter, gauge,
 * histogram, summary, untyped) with at most one of each per family, both before the family's
 * first sample (this server promises both for every family); sample lines `name{labels} value`
 * with valid metric and label names, label values quoted with only \\, \" and \n escapes, no
 * label twice, a value Go's ParseFloat would take (+Inf, -Inf, NaN included); a family's samples
 * together in one block; histograms with an `le` on every _bucket, cumulative counts, a +Inf
 * bucket equal to _count, and _sum; the text ends with a newline.
 */
#ifndef TS_TEST_PROM_H
#define TS_TEST_PROM_H

#include <stdbool.h>
#include <stddef.h>

#define TS_PROM_MAX_LABELS 8

struct ts_prom_sample {
    char *family; /* the family it belongs to (histogram samples: without the suffix) */
    char *name;
    int nlabels;
    char *label_name[TS_PROM_MAX_LABELS];
    char *label_value[TS_PROM_MAX_LABELS]; /* unescaped */
    double value;
};

struct ts_prom_family {
    char *name;
    char *type; /* NULL when no TYPE line came */
    char *help; /* NULL when no HELP line came */
};

struct ts_prom {
    struct ts_prom_sample *samples;
    int nsamples;
    struct ts_prom_family *families;
    int nfamilies;
};

/* Parses `text`; NULL when it is not well-formed, with the first problem (and its line) in
 * err. The caller frees the result with ts_prom_free(). */
struct ts_prom *ts_prom_parse(const char *text, char *err, size_t errsize);
void ts_prom_free(struct ts_prom *p);

/* The sample `name` whose labels are exactly the pairs of `labels` ("k1", "v1", "k2", "v2",
 * NULL; NULL for none): true with its value in *out, false when there is none. */
bool ts_prom_get(const struct ts_prom *p, const char *name, const char *const *labels, double *out);

/* As ts_prom_get(), 0 when absent (a counter not yet incremented is not listed). */
double ts_prom_value(const struct ts_prom *p, const char *name, const char *const *labels);

/* The family named `name`, or NULL. */
const struct ts_prom_family *ts_prom_family(const struct ts_prom *p, const char *name);

/* The value of label `label` of sample s, or NULL. */
const char *ts_prom_label(const struct ts_prom_sample *s, const char *label);

#endif
