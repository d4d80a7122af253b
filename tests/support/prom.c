/* A strict reader of the Prometheus text format; see prom.h. */
#include "support/prom.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    struct ts_prom *p;
    bool *closed; /* per family: its block of samples has ended */
    int current;  /* family of the last sample, -1 */
    int line;
    char *err;
    size_t errsize;
};

static bool fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(ps->err, ps->errsize, "line %d: ", ps->line);

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < ps->errsize)
        vsnprintf(ps->err + n, ps->errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool is_metric_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
            return false;
    return true;
}

static bool is_label_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return false;
    return true;
}

static int family_index(const struct ts_prom *p, const char *name, size_t n)
{
    for (int i = 0; i < p->nfamilies; i++)
        if (strlen(p->families[i].name) == n && memcmp(p->families[i].name, name, n) == 0)
            return i;
    return -1;
}

static int family_add(struct parser *ps, const char *name, size_t n)
{
    struct ts_prom *p = ps->p;
    int i = family_index(p, name, n);

    if (i >= 0)
        return i;
    p->families = realloc(p->families, (size_t)(p->nfamilies + 1) * sizeof(*p->families));
    ps->closed = realloc(ps->closed, (size_t)(p->nfamilies + 1) * sizeof(*ps->closed));
    p->families[p->nfamilies] = (struct ts_prom_family){.name = strndup(name, n)};
    ps->closed[p->nfamilies] = false;
    return p->nfamilies++;
}

/* "# HELP name text" or "# TYPE name type"; other comments are ignored. */
static bool comment(struct parser *ps, const char *s)
{
    bool help = strncmp(s, "# HELP ", 7) == 0, type = strncmp(s, "# TYPE ", 7) == 0;

    if (!help && !type)
        return true;
    s += 7;
    size_t n = strcspn(s, " ");
    if (!is_metric_name(s, n))
        return fail(ps, "bad metric name in %s", help ? "HELP" : "TYPE");
    int f = family_add(ps, s, n);
    struct ts_prom_family *fam = &ps->p->families[f];
    if (ps->closed[f] || ps->current == f)
        return fail(ps, "%s of %s after its samples", help ? "HELP" : "TYPE", fam->name);
    const char *rest = s[n] == ' ' ? s + n + 1 : s + n;
    if (help) {
        if (fam->help != NULL)
            return fail(ps, "second HELP for %s", fam->name);
        fam->help = strdup(rest);
        return true;
    }
    if (fam->type != NULL)
        return fail(ps, "second TYPE for %s", fam->name);
    static const char *const types[] = {"counter", "gauge", "histogram", "summary", "untyped"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(rest, types[i]) == 0) {
            fam->type = strdup(rest);
            return true;
        }
    return fail(ps, "unknown TYPE '%s' for %s", rest, fam->name);
}

/* The family a sample name belongs to: a histogram's (or summary's) _bucket, _sum and _count
 * belong to it, anything else to the family of its own name. */
static int family_of(const struct ts_prom *p, const char *name, size_t n)
{
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};

    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t k = strlen(suffixes[i]);
        if (n <= k || memcmp(name + n - k, suffixes[i], k) != 0)
            continue;
        int f = family_index(p, name, n - k);
        if (f >= 0 && p->families[f].type != NULL &&
            (strcmp(p->families[f].type, "histogram") == 0 ||
             (i > 0 && strcmp(p->families[f].type, "summary") == 0)))
            return f;
    }
    return family_index(p, name, n);
}

/* Reads `"value"` at *s (escapes \\, \", \n only) into a new string. */
static char *label_value(struct parser *ps, const char **s)
{
    const char *q = *s;
    size_t cap = strlen(q) + 1, n = 0;
    char *out = malloc(cap);

    if (*q != '"') {
        fail(ps, "label value not quoted");
        goto bad;
    }
    for (q++; *q != '"'; q++) {
        if (*q == '\0' || *q == '\n') {
            fail(ps, "label value not closed");
            goto bad;
        }
        if (*q == '\\') {
            q++;
            if (*q == 'n')
                out[n++] = '\n';
            else if (*q == '\\' || *q == '"')
                out[n++] = *q;
            else {
                fail(ps, "bad escape \\%c in a label value", *q ? *q : '0');
                goto bad;
            }
        } else {
            out[n++] = *q;
        }
    }
    out[n] = '\0';
    *s = q + 1;
    return out;
bad:
    free(out);
    return NULL;
}

static bool labels(struct parser *ps, const char **s, struct ts_prom_sample *smp)
{
    const char *q = *s + 1; /* after '{' */

    while (*q != '}') {
        size_t n = strcspn(q, "=");
        if (!is_label_name(q, n))
            return fail(ps, "bad label name");
        if (smp->nlabels == TS_PROM_MAX_LABELS)
            return fail(ps, "more than %d labels", TS_PROM_MAX_LABELS);
        for (int i = 0; i < smp->nlabels; i++)
            if (strlen(smp->label_name[i]) == n && memcmp(smp->label_name[i], q, n) == 0)
                return fail(ps, "label %.*s twice", (int)n, q);
        smp->label_name[smp->nlabels] = strndup(q, n);
        q += n + 1;
        char *v = label_value(ps, &q);
        if (v == NULL) {
            free(smp->label_name[smp->nlabels]);
            return false;
        }
        smp->label_value[smp->nlabels++] = v;
        if (*q == ',')
            q++;
        else if (*q != '}')
            return fail(ps, "expected , or } after a label");
    }
    *s = q + 1;
    return true;
}

static bool value(struct parser *ps, const char *s, double *out)
{
    char *end;

    if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0 || strcmp(s, "NaN") == 0) {
        *out = s[0] == 'N' ? NAN : s[0] == '+' ? INFINITY : -INFINITY;
        return true;
    }
    if (*s == '\0' || isspace((unsigned char)*s))
        return fail(ps, "missing value");
    *out = strtod(s, &end);
    if (*end == ' ') { /* a timestamp: an integer */
        const char *t = end + 1;
        if (*t == '-')
            t++;
        if (*t == '\0')
            return fail(ps, "empty timestamp");
        for (; *t; t++)
            if (!isdigit((unsigned char)*t))
                return fail(ps, "bad timestamp");
        return true;
    }
    return *end == '\0' ? true : fail(ps, "bad value '%s'", s);
}

static bool sample(struct parser *ps, const char *s)
{
    struct ts_prom *p = ps->p;
    size_t n = strcspn(s, "{ ");

    if (!is_metric_name(s, n))
        return fail(ps, "bad metric name");
    int f = family_of(p, s, n);
    if (f < 0 || p->families[f].type == NULL)
        return fail(ps, "sample %.*s without a TYPE line before it", (int)n, s);
    if (p->families[f].help == NULL)
        return fail(ps, "sample %.*s without a HELP line before it", (int)n, s);
    if (ps->closed[f])
        return fail(ps, "samples of %s in two blocks", p->families[f].name);
    if (ps->current >= 0 && ps->current != f)
        ps->closed[ps->current] = true;
    ps->current = f;
    p->samples = realloc(p->samples, (size_t)(p->nsamples + 1) * sizeof(*p->samples));
    struct ts_prom_sample *smp = &p->samples[p->nsamples++];
    memset(smp, 0, sizeof(*smp));
    smp->family = strdup(p->families[f].name);
    smp->name = strndup(s, n);
    s += n;
    if (*s == '{' && !labels(ps, &s, smp))
        return false;
    if (*s != ' ')
        return fail(ps, "expected a space before the value");
    return value(ps, s + 1, &smp->value);
}

/* The labels of s other than `le`, as one string, to group a histogram's samples. */
static void series_key(const struct ts_prom_sample *s, char *out, size_t size)
{
    size_t n = 0;

    out[0] = '\0';
    for (int i = 0; i < s->nlabels; i++)
        if (strcmp(s->label_name[i], "le") != 0 && n < size)
            n += (size_t)snprintf(out + n, size - n, "%s=%s\x01", s->label_name[i],
                                  s->label_value[i]);
}

static bool check_histogram(struct parser *ps, const struct ts_prom_family *fam)
{
    const struct ts_prom *p = ps->p;
    char key[1024], other[1024];
    size_t nf = strlen(fam->name);

    for (int i = 0; i < p->nsamples; i++) {
        const struct ts_prom_sample *s = &p->samples[i];
        if (strcmp(s->family, fam->name) != 0 || strcmp(s->name + nf, "_count") != 0)
            continue;
        series_key(s, key, sizeof(key));
        double prev_le = -INFINITY, prev = 0, inf = -1;
        bool has_sum = false;
        for (int j = 0; j < p->nsamples; j++) {
            const struct ts_prom_sample *b = &p->samples[j];
            if (strcmp(b->family, fam->name) != 0)
                continue;
            series_key(b, other, sizeof(other));
            if (strcmp(key, other) != 0)
                continue;
            if (strcmp(b->name + nf, "_sum") == 0)
                has_sum = true;
            if (strcmp(b->name + nf, "_bucket") != 0)
                continue;
            const char *le = ts_prom_label(b, "le");
            double v;
            if (le == NULL || !value(ps, le, &v))
                return fail(ps, "%s: a bucket without a valid le", fam->name);
            if (v <= prev_le)
                return fail(ps, "%s: le %s not above the bucket before it", fam->name, le);
            if (b->value < prev)
                return fail(ps, "%s: bucket le=%s below the one before it", fam->name, le);
            prev_le = v;
            prev = b->value;
            if (isinf(v))
                inf = b->value;
        }
        if (inf < 0)
            return fail(ps, "%s: a series without a +Inf bucket", fam->name);
        if (inf != s->value)
            return fail(ps, "%s: +Inf bucket %g differs from _count %g", fam->name, inf, s->value);
        if (!has_sum)
            return fail(ps, "%s: a series without _sum", fam->name);
    }
    return true;
}

struct ts_prom *ts_prom_parse(const char *text, char *err, size_t errsize)
{
    struct parser ps = {
        .p = calloc(1, sizeof(struct ts_prom)), .current = -1, .err = err, .errsize = errsize};
    bool ok = true;
    size_t len = strlen(text);

    err[0] = '\0';
    if (len > 0 && text[len - 1] != '\n') {
        ps.line = 0;
        ok = fail(&ps, "the text does not end with a newline");
    }
    for (const char *s = text; ok && *s != '\0';) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        ps.line++;
        if (line[0] == '#')
            ok = comment(&ps, line);
        else if (line[0] != '\0')
            ok = sample(&ps, line);
        free(line);
        s += n + (s[n] == '\n');
    }
    for (int i = 0; ok && i < ps.p->nfamilies; i++)
        if (ps.p->families[i].type != NULL && strcmp(ps.p->families[i].type, "histogram") == 0)
            ok = check_histogram(&ps, &ps.p->families[i]);
    free(ps.closed);
    if (!ok) {
        ts_prom_free(ps.p);
        return NULL;
    }
    return ps.p;
}

void ts_prom_free(struct ts_prom *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->nsamples; i++) {
        struct ts_prom_sample *s = &p->samples[i];
        for (int k = 0; k < s->nlabels; k++) {
            free(s->label_name[k]);
            free(s->label_value[k]);
        }
        free(s->family);
        free(s->name);
    }
    for (int i = 0; i < p->nfamilies; i++) {
        free(p->families[i].name);
        free(p->families[i].type);
        free(p->families[i].help);
    }
    free(p->samples);
    free(p->families);
    free(p);
}

const char *ts_prom_label(const struct ts_prom_sample *s, const char *label)
{
    for (int i = 0; i < s->nlabels; i++)
        if (strcmp(s->label_name[i], label) == 0)
            return s->label_value[i];
    return NULL;
}

bool ts_prom_get(const struct ts_prom *p, const char *name, const char *const *labels, double *out)
{
    int want = 0;

    while (labels != NULL && labels[2 * want] != NULL)
        want++;
    for (int i = 0; i < p->nsamples; i++) {
        const struct ts_prom_sample *s = &p->samples[i];
        if (strcmp(s->name, name) != 0 || s->nlabels != want)
            continue;
        int k = 0;
        while (k < want) {
            const char *v = ts_prom_label(s, labels[2 * k]);
            if (v == NULL || strcmp(v, labels[2 * k + 1]) != 0)
                break;
            k++;
        }
        if (k == want) {
            *out = s->value;
            return true;
        }
    }
    return false;
}

double ts_prom_value(const struct ts_prom *p, const char *name, const char *const *labels)
{
    double v = 0;

    return ts_prom_get(p, name, labels, &v) ? v : 0;
}

const struct ts_prom_family *ts_prom_family(const struct ts_prom *p, const char *name)
{
    int i = family_index(p, name, strlen(name));

    return i >= 0 ? &p->families[i] : NULL;
}
