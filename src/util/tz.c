/*
 * IANA time zones from the system tz database: a reader of TZif files (RFC 8536), of the POSIX
 * TZ rule in their footer, and the cache that keeps every zone loaded (util/tz.h says why the
 * C library's localtime() cannot serve a threaded server).
 *
 * Sections, in order:
 *   1. Names: which names may become a path under the database directory.
 *   2. The file: reading it (regular files only, size capped) and checking every count, index
 *      and size against the bytes actually read before anything is taken from it, so a damaged
 *      or hostile file is an unknown zone, never a crash or a read out of bounds.
 *   3. The footer's POSIX TZ rule ("CET-1CEST,M3.5.0,M10.5.0/3"): parsing, and the offset it
 *      gives at an instant.
 *   4. Lookups: offset and local day, without allocation or lock.
 *   5. The cache: an append-only hash table that readers walk without a lock.
 *
 * What a zone keeps is what local dates need: the transition instants with the UTC offset each
 * one starts, the offset before the first transition (time type 0, which RFC 8536 assigns
 * there: usually local mean time), and the footer rule for instants on or after the last
 * transition. Abbreviations, isdst flags and the standard/wall and UT/local indicators are
 * checked but not kept. Version 1 files use their 32-bit data; later versions skip it for the
 * 64-bit block and the footer.
 *
 * Files with leap-second records (the "right/" tree) are refused: their instants count leap
 * seconds and the server's clock does not, so every offset would start up to 27 s late.
 */
#include "util/tz.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/time.h"

#define SECS_PER_DAY 86400
/* The Gregorian calendar, weekdays included, repeats every 400 years (146097 days = 20871
 * weeks), and so does every POSIX rule. */
#define SECS_PER_400Y (INT64_C(146097) * SECS_PER_DAY)

enum rule_kind {
    RULE_JULIAN, /* "Jn": day 1..365 of the year, February 29 never counted */
    RULE_DAY,    /* "n": day 0..365 of the year, February 29 counted */
    RULE_MONTH,  /* "Mm.w.d": weekday d of week w (5 = the last) of month m */
};

/* When one of the footer rule's two changes happens in a year. */
struct tz_rule {
    uint8_t kind; /* enum rule_kind */
    uint8_t month, week, wday;
    int16_t day;
    int32_t secs; /* local time of day of the change, -167 h .. 167 h */
};

enum posix_kind {
    POSIX_NONE,  /* empty footer, or a version 1 file: the last time type stays */
    POSIX_FIXED, /* "std offset": one offset for ever */
    POSIX_DST,   /* standard and daylight time, changing by the two rules */
};

struct posix_tz {
    uint8_t kind;    /* enum posix_kind */
    int32_t std_off; /* seconds east of UTC (POSIX writes them west positive) */
    int32_t dst_off;
    struct tz_rule start; /* to daylight time, in local standard time */
    struct tz_rule end;   /* back to standard time, in local daylight time */
};

/* Immutable once published in the cache. One allocation: the struct, `times`, `offs`, `name`. */
struct tz_zone {
    struct tz_zone *next; /* in the cache bucket; set before the zone is published */
    uint32_t hash;
    uint32_t count;    /* transitions */
    int32_t first_off; /* before the first transition, or always when there is none */
    int32_t last_off;  /* on or after the last transition when rule.kind is POSIX_NONE */
    struct posix_tz rule;
    const int32_t *offs; /* offs[i]: the offset from times[i] on */
    const char *name;
    int64_t times[]; /* strictly ascending, UTC seconds */
};

/* --- 1. Names ----------------------------------------------------------------------------- */

#define TZ_NAME_MAX 255
#define TZ_DIR_MAX 4096

static pthread_once_t tzdir_once = PTHREAD_ONCE_INIT;
static char tzdir[TZ_DIR_MAX];

/*
 * getenv() races with any setenv() in another thread, so the environment is read once, on the
 * first load, and the copy is what every later load uses.
 */
static void tzdir_init(void)
{
    const char *env = getenv("TZDIR");

    if (env == NULL || env[0] == '\0' || strlen(env) >= sizeof(tzdir))
        env = "/usr/share/zoneinfo";
    strcpy(tzdir, env);
}

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '+';
}

/*
 * The name becomes part of a file path, so only the tz database's own alphabet passes: no '.'
 * (hence no "." or ".." parts), no leading or doubled '/', nothing that could leave $TZDIR.
 * "localtime" and "posixrules" are files in the directory but not zones; "localtime" in
 * particular is a link to the host's /etc/localtime.
 */
static bool is_valid_name(const char *name)
{
    size_t len = strnlen(name, TZ_NAME_MAX + 1);

    if (len == 0 || len > TZ_NAME_MAX)
        return false;
    if (strcmp(name, "localtime") == 0 || strcmp(name, "posixrules") == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '/') {
            if (i == 0 || name[i - 1] == '/' || i + 1 == len)
                return false;
        } else if (!is_name_char(name[i])) {
            return false;
        }
    }
    return true;
}

/* --- 2. The file -------------------------------------------------------------------------- */

/* Real zones are under 4 KiB; the cap only bounds what a planted file can make us read. */
#define TZ_FILE_MAX (256 * 1024)
#define HEADER_LEN 44
#define TYPE_LEN 6     /* utoff (int32), isdst, desigidx */
#define FOOTER_MAX 256 /* well above the longest TZ string of tzdata 2025b (45 bytes) */
/* RFC 8536: transition times below -2**59 are not portable; offsets lie within -25 h .. 26 h. */
#define TIME_MIN (-(INT64_C(1) << 59))
#define OFFSET_MIN (-89999)
#define OFFSET_MAX 93599

struct header {
    uint8_t version; /* 0 (version 1), '2', '3' or '4' */
    uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* A data block located in the file: pointers to its arrays, valid for the counts in `h`. */
struct block {
    struct header h;
    unsigned time_len; /* 4 in the version 1 block, 8 in the version 2+ block */
    const uint8_t *times, *idx, *types, *chars, *isstd, *isut;
    size_t end; /* offset of the first byte after the block */
};

/*
 * The file at `path` in a new buffer (caller frees), its length in *len; NULL when it cannot
 * be opened, is not a regular file (links are followed: many zones are links), is larger than
 * TZ_FILE_MAX, or changes size while it is read (the next lookup tries again).
 */
static uint8_t *read_file(const char *path, size_t *len)
{
    struct stat st;
    uint8_t *buf = NULL;
    size_t n = 0, size;
    ssize_t got = 0;
    /* O_NONBLOCK: opening a FIFO planted in the directory must not hang the request. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > TZ_FILE_MAX)
        goto out;
    size = (size_t)st.st_size;
    buf = xmalloc(size + 1); /* one byte more, to see a file that grew */
    do {
        got = read(fd, buf + n, size + 1 - n);
        if (got > 0)
            n += (size_t)got;
    } while ((got > 0 && n <= size) || (got < 0 && errno == EINTR));
    if (got < 0 || n != size) {
        free(buf);
        buf = NULL;
    }
out:
    if (fd >= 0)
        close(fd);
    *len = n;
    return buf;
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A big-endian two's complement integer of 4 or 8 bytes. */
static int64_t get_time(const uint8_t *p, unsigned len)
{
    if (len == 4)
        return (int32_t)get_u32(p);
    return (int64_t)((uint64_t)get_u32(p) << 32 | get_u32(p + 4));
}

static bool read_header(const uint8_t *buf, size_t len, size_t at, struct header *h)
{
    const uint8_t *p = buf + at;

    if (len - at < HEADER_LEN || memcmp(p, "TZif", 4) != 0)
        return false;
    h->version = p[4];
    h->isutcnt = get_u32(p + 20);
    h->isstdcnt = get_u32(p + 24);
    h->leapcnt = get_u32(p + 28);
    h->timecnt = get_u32(p + 32);
    h->typecnt = get_u32(p + 36);
    h->charcnt = get_u32(p + 40);
    /* Type indexes are bytes, hence at most 256 types; the rest is RFC 8536 section 3.1. */
    return (h->version == 0 || (h->version >= '2' && h->version <= '4')) && h->typecnt != 0 &&
           h->typecnt <= 256 && h->charcnt != 0 && (h->isutcnt == 0 || h->isutcnt == h->typecnt) &&
           (h->isstdcnt == 0 || h->isstdcnt == h->typecnt);
}

/* The header at `at` and the block after it, when both lie inside the `len` bytes. */
static bool locate_block(const uint8_t *buf, size_t len, size_t at, unsigned time_len,
                         struct block *b)
{
    const struct header *h = &b->h;

    if (!read_header(buf, len, at, &b->h))
        return false;
    /* Counts are 32-bit, so the sum cannot overflow 64 bits; compared before any use. */
    uint64_t size = (uint64_t)h->timecnt * (time_len + 1) + (uint64_t)h->typecnt * TYPE_LEN +
                    h->charcnt + (uint64_t)h->leapcnt * (time_len + 4) + h->isstdcnt + h->isutcnt;
    size_t start = at + HEADER_LEN;
    if (size > len - start)
        return false;
    b->time_len = time_len;
    b->times = buf + start;
    b->idx = b->times + (size_t)h->timecnt * time_len;
    b->types = b->idx + h->timecnt;
    b->chars = b->types + (size_t)h->typecnt * TYPE_LEN;
    b->isstd = b->chars + h->charcnt + (size_t)h->leapcnt * (time_len + 4);
    b->isut = b->isstd + h->isstdcnt;
    b->end = start + (size_t)size;
    return true;
}

/* Offsets in range, isdst a boolean, each abbreviation a NUL-terminated string in the block. */
static bool types_are_valid(const struct block *b)
{
    for (uint32_t i = 0; i < b->h.typecnt; i++) {
        const uint8_t *t = b->types + (size_t)i * TYPE_LEN;
        int32_t off = (int32_t)get_u32(t);

        if (off < OFFSET_MIN || off > OFFSET_MAX || t[4] > 1 || t[5] >= b->h.charcnt)
            return false;
        if (memchr(b->chars + t[5], '\0', b->h.charcnt - t[5]) == NULL)
            return false;
    }
    return true;
}

/* Booleans, and a UT indicator only on a type that also has the standard one (RFC 8536). */
static bool indicators_are_valid(const struct block *b)
{
    for (uint32_t i = 0; i < b->h.isstdcnt; i++) {
        if (b->isstd[i] > 1)
            return false;
    }
    for (uint32_t i = 0; i < b->h.isutcnt; i++) {
        if (b->isut[i] > 1 || (b->isut[i] == 1 && (b->h.isstdcnt == 0 || b->isstd[i] == 0)))
            return false;
    }
    return true;
}

static bool transitions_are_valid(const struct block *b)
{
    int64_t prev = TIME_MIN - 1;

    for (uint32_t i = 0; i < b->h.timecnt; i++) {
        int64_t t = get_time(b->times + (size_t)i * b->time_len, b->time_len);

        if (t <= prev || b->idx[i] >= b->h.typecnt)
            return false;
        prev = t;
    }
    return true;
}

static bool block_is_valid(const struct block *b)
{
    return b->h.leapcnt == 0 && types_are_valid(b) && indicators_are_valid(b) &&
           transitions_are_valid(b);
}

/* The TZ string between the newline that ends the data and the newline that ends the file. */
static bool read_footer(const uint8_t *buf, size_t len, size_t at, char out[FOOTER_MAX])
{
    if (at + 2 > len || buf[at] != '\n' || buf[len - 1] != '\n')
        return false;
    size_t n = len - at - 2;
    if (n >= FOOTER_MAX || memchr(buf + at + 1, '\n', n) != NULL ||
        memchr(buf + at + 1, '\0', n) != NULL)
        return false;
    memcpy(out, buf + at + 1, n);
    out[n] = '\0';
    return true;
}

static bool posix_parse(const char *s, struct posix_tz *tz);

static struct tz_zone *zone_new(const struct block *b, const struct posix_tz *rule,
                                const char *name)
{
    uint32_t n = b->h.timecnt;
    size_t name_size = strlen(name) + 1;
    struct tz_zone *z =
        xmalloc(sizeof(*z) + (size_t)n * (sizeof(int64_t) + sizeof(int32_t)) + name_size);
    int32_t *offs = (int32_t *)(z->times + n);
    char *copy = (char *)(offs + n);

    for (uint32_t i = 0; i < n; i++) {
        z->times[i] = get_time(b->times + (size_t)i * b->time_len, b->time_len);
        offs[i] = (int32_t)get_u32(b->types + (size_t)b->idx[i] * TYPE_LEN);
    }
    memcpy(copy, name, name_size);
    z->next = NULL;
    z->hash = 0;
    z->count = n;
    z->first_off = (int32_t)get_u32(b->types); /* time type 0 */
    z->last_off = n > 0 ? offs[n - 1] : z->first_off;
    z->rule = *rule;
    z->offs = offs;
    z->name = copy;
    return z;
}

/*
 * A version 2+ file must hold exactly: the version 1 header and block (skipped), the version
 * 2+ header (same version) and block, and the footer; a version 1 file, its header and block.
 */
struct tz_zone *tz_parse(const uint8_t *buf, size_t len, const char *name)
{
    struct block b;
    struct posix_tz rule = {.kind = POSIX_NONE};
    char footer[FOOTER_MAX];

    if (!locate_block(buf, len, 0, 4, &b))
        return NULL;
    if (b.h.version != 0) {
        uint8_t version = b.h.version;
        if (!locate_block(buf, len, b.end, 8, &b) || b.h.version != version)
            return NULL;
        if (!read_footer(buf, len, b.end, footer) || !posix_parse(footer, &rule))
            return NULL;
    } else if (b.end != len) {
        return NULL;
    }
    if (!block_is_valid(&b))
        return NULL;
    return zone_new(&b, &rule, name);
}

/* --- 3. The footer's POSIX TZ rule -------------------------------------------------------- */

/* ASCII only: the C library's classes depend on the locale. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* One to `max_digits` decimal digits. */
static bool parse_num(const char **s, int max_digits, int *out)
{
    const char *p = *s;
    int v = 0;

    for (; is_digit(*p) && p - *s < max_digits; p++)
        v = v * 10 + (*p - '0');
    if (p == *s || is_digit(*p))
        return false;
    *out = v;
    *s = p;
    return true;
}

/* Skips `c` when it is next. */
static bool skip(const char **s, char c)
{
    if (**s != c)
        return false;
    (*s)++;
    return true;
}

/* A zone abbreviation: three or more letters, or "<...>" around three or more letters, digits,
 * '+' or '-' (zic writes numeric ones such as "<+0530>" this way). Not kept. */
static bool parse_abbr(const char **s)
{
    const char *p = *s;
    bool quoted = skip(&p, '<');
    const char *begin = p;

    while (is_alpha(*p) || (quoted && (is_digit(*p) || *p == '+' || *p == '-')))
        p++;
    if (p - begin < 3 || (quoted && !skip(&p, '>')))
        return false;
    *s = p;
    return true;
}

/* "[+-]h[h[h]][:mm[:ss]]" with at most `max_hours` hours, in seconds. Offsets allow 24 hours,
 * rule times 167 (RFC 8536's extension: America/Nuuk changes at "-1", Israel at "26"). */
static bool parse_hms(const char **s, int max_hours, int32_t *secs)
{
    const char *p = *s;
    int sign = *p == '-' ? -1 : 1;
    int h, m = 0, sec = 0;

    if (*p == '+' || *p == '-')
        p++;
    if (!parse_num(&p, 3, &h) || h > max_hours)
        return false;
    if (skip(&p, ':')) {
        if (!parse_num(&p, 2, &m) || m > 59)
            return false;
        if (skip(&p, ':') && (!parse_num(&p, 2, &sec) || sec > 59))
            return false;
    }
    *secs = sign * (h * 3600 + m * 60 + sec);
    *s = p;
    return true;
}

/* "Jn", "n" or "Mm.w.d", then an optional "/time" (02:00 when absent). */
static bool parse_rule(const char **s, struct tz_rule *r)
{
    const char *p = *s;
    int a, w, d;

    memset(r, 0, sizeof(*r));
    if (skip(&p, 'M')) {
        if (!parse_num(&p, 2, &a) || !skip(&p, '.') || !parse_num(&p, 1, &w) || !skip(&p, '.') ||
            !parse_num(&p, 1, &d) || a < 1 || a > 12 || w < 1 || w > 5 || d > 6)
            return false;
        *r = (struct tz_rule){.kind = RULE_MONTH, .month = a, .week = w, .wday = d};
    } else if (skip(&p, 'J')) {
        if (!parse_num(&p, 3, &a) || a < 1 || a > 365)
            return false;
        *r = (struct tz_rule){.kind = RULE_JULIAN, .day = a};
    } else {
        if (!parse_num(&p, 3, &a) || a > 365)
            return false;
        *r = (struct tz_rule){.kind = RULE_DAY, .day = a};
    }
    r->secs = 2 * 3600;
    if (skip(&p, '/') && !parse_hms(&p, 167, &r->secs))
        return false;
    *s = p;
    return true;
}

/*
 * "std offset [dst [offset] ,start[/time],end[/time]]", or "" (no rule). A daylight name
 * without rules is refused: POSIX leaves those rules to the implementation, and guessing
 * them would be worse than calling the zone unknown; zic never writes one.
 */
static bool posix_parse(const char *s, struct posix_tz *tz)
{
    int32_t west;

    tz->kind = POSIX_NONE;
    if (*s == '\0')
        return true;
    if (!parse_abbr(&s) || !parse_hms(&s, 24, &west))
        return false;
    tz->kind = POSIX_FIXED;
    tz->std_off = -west;
    tz->dst_off = tz->std_off;
    if (*s == '\0')
        return true;
    if (!parse_abbr(&s))
        return false;
    tz->kind = POSIX_DST;
    tz->dst_off = tz->std_off + 3600; /* POSIX: one hour ahead unless given */
    if (*s != ',') {
        if (!parse_hms(&s, 24, &west))
            return false;
        tz->dst_off = -west;
    }
    return skip(&s, ',') && parse_rule(&s, &tz->start) && skip(&s, ',') &&
           parse_rule(&s, &tz->end) && *s == '\0';
}

/* The day of the year of each month's first day, February 29 not counted. */
static const int16_t month_start[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

/* The day (since 1970-01-01) on which rule `r` falls in the year that starts on day `jan1`. */
static int64_t rule_day(const struct tz_rule *r, int64_t jan1, bool leap)
{
    if (r->kind == RULE_JULIAN) /* from March 1 on, a leap year is one day further */
        return jan1 + r->day - 1 + (r->day >= 60 && leap);
    if (r->kind == RULE_DAY)
        return jan1 + r->day;

    int m = r->month - 1;
    int64_t first = jan1 + month_start[m] + (m >= 2 && leap);
    int length = (m == 11 ? 365 : month_start[m + 1]) - month_start[m] + (m == 1 && leap);
    int first_wday = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int64_t day = first + (r->wday - first_wday + 7) % 7 + (r->week - 1) * 7;

    return day < first + length ? day : day - 7; /* week 5 means the last such weekday */
}

/* The latest change at or before an instant, and the offset it started. */
struct latest {
    int64_t at;
    int32_t off;
};

/*
 * Considers the two changes of the year that starts on day `jan1`. A change wins over an
 * earlier-considered one at the same instant, and callers go from year to year in order: so
 * when a year's end of daylight time meets the next year's start ("EST5EDT,0/0,J365/25",
 * daylight time all year), daylight wins.
 */
static void consider_year(const struct posix_tz *tz, int64_t jan1, bool leap, int64_t t,
                          struct latest *l)
{
    int64_t start = rule_day(&tz->start, jan1, leap) * SECS_PER_DAY + tz->start.secs - tz->std_off;
    int64_t end = rule_day(&tz->end, jan1, leap) * SECS_PER_DAY + tz->end.secs - tz->dst_off;

    if (start <= t && start >= l->at)
        *l = (struct latest){start, tz->dst_off};
    if (end <= t && end >= l->at)
        *l = (struct latest){end, tz->std_off};
}

static int64_t jan1_of(int year)
{
    return time_date_to_days((struct ts_date){year, 1, 1});
}

/*
 * The offset is the one started by the latest change at or before `t`. Rule times of up to
 * 167 hours move a change up to a week into a neighbouring year, so the changes of the year
 * before and after count too; changes of the year before that all lie before `t` and matter
 * only when no later one does. Comparing instants, not dates, also handles southern rules
 * (start later in the year than end) and negative daylight time (Europe/Dublin) alike.
 */
static int32_t posix_offset_at(const struct posix_tz *tz, int64_t t)
{
    if (tz->kind != POSIX_DST)
        return tz->std_off;
    /* Keeps years small for any int64 instant (see SECS_PER_400Y). */
    t %= SECS_PER_400Y;
    if (t < 0)
        t += SECS_PER_400Y;

    int year = time_days_to_date(t / SECS_PER_DAY).year;
    int64_t jan1[4] = {jan1_of(year - 1), jan1_of(year), jan1_of(year + 1), jan1_of(year + 2)};
    struct latest l = {INT64_MIN, tz->std_off};

    for (int i = 0; i < 3; i++)
        consider_year(tz, jan1[i], jan1[i + 1] - jan1[i] == 366, t, &l);
    if (l.at == INT64_MIN) {
        int64_t before = jan1_of(year - 2);
        consider_year(tz, before, jan1[0] - before == 366, t, &l);
    }
    return l.off;
}

/* --- 4. Lookups --------------------------------------------------------------------------- */

int32_t tz_offset_at(const struct tz_zone *z, int64_t utc_s)
{
    uint32_t n = z->count;

    /* RFC 8536: the footer rules on or after the last transition, and everywhere without one. */
    if (n == 0 || utc_s >= z->times[n - 1])
        return z->rule.kind != POSIX_NONE ? posix_offset_at(&z->rule, utc_s) : z->last_off;
    if (utc_s < z->times[0])
        return z->first_off;

    uint32_t lo = 0, hi = n - 1; /* times[lo] <= utc_s < times[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (z->times[mid] <= utc_s)
            lo = mid;
        else
            hi = mid;
    }
    return z->offs[lo];
}

/* a / b rounded down, for b > 0: C division rounds toward zero, wrong for instants before 1970. */
static int64_t div_floor(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

int64_t tz_local_day(const struct tz_zone *z, int64_t utc_ms)
{
    int64_t utc_s = div_floor(utc_ms, 1000);

    return div_floor(utc_s + tz_offset_at(z, utc_s), SECS_PER_DAY);
}

size_t tz_transitions(const struct tz_zone *z, const int64_t **times)
{
    *times = z->times;
    return z->count;
}

/* --- 5. The cache ------------------------------------------------------------------------- */

/*
 * Zones are only ever added, never changed or freed, so a reader needs no lock: it loads a
 * bucket's head with acquire order, which makes the zone and every zone after it in the chain
 * (each written before its own release store) fully visible. Writers serialise on cache_mu.
 * The tz database names about 600 zones and links (each a few KiB once loaded), so chains stay
 * short; a name that is not a loadable zone is never added, so memory stays bounded by the
 * database, whatever names clients send.
 */
#define CACHE_BUCKETS 1024

static _Atomic(struct tz_zone *) cache[CACHE_BUCKETS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *s != '\0'; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static struct tz_zone *cache_find(const char *name, uint32_t hash)
{
    struct tz_zone *z = atomic_load_explicit(&cache[hash % CACHE_BUCKETS], memory_order_acquire);

    while (z != NULL && (z->hash != hash || strcmp(z->name, name) != 0))
        z = z->next;
    return z;
}

/* Publishes `z` and returns it, or frees it and returns the zone another thread published for
 * the same name meanwhile: a name maps to one zone for the life of the process. */
static const struct tz_zone *cache_add_new(struct tz_zone *z)
{
    _Atomic(struct tz_zone *) *head = &cache[z->hash % CACHE_BUCKETS];

    pthread_mutex_lock(&cache_mu);
    struct tz_zone *old = cache_find(z->name, z->hash);
    if (old == NULL) {
        z->next = atomic_load_explicit(head, memory_order_relaxed);
        atomic_store_explicit(head, z, memory_order_release);
    }
    pthread_mutex_unlock(&cache_mu);
    if (old == NULL)
        return z;
    free(z);
    return old;
}

/* Reads and parses the zone file outside any lock: a slow disk delays only this request. */
static struct tz_zone *zone_load(const char *name, uint32_t hash)
{
    char path[TZ_DIR_MAX + TZ_NAME_MAX + 2];
    size_t len;

    pthread_once(&tzdir_once, tzdir_init);
    strcpy(path, tzdir);
    strcat(path, "/");
    strcat(path, name);
    uint8_t *buf = read_file(path, &len);
    if (buf == NULL)
        return NULL;
    struct tz_zone *z = tz_parse(buf, len, name);
    free(buf);
    if (z != NULL)
        z->hash = hash;
    return z;
}

const struct tz_zone *tz_get(const char *name)
{
    if (name == NULL || !is_valid_name(name))
        return NULL;

    uint32_t hash = name_hash(name);
    const struct tz_zone *z = cache_find(name, hash);
    if (z != NULL)
        return z;
    struct tz_zone *loaded = zone_load(name, hash);
    return loaded != NULL ? cache_add_new(loaded) : NULL;
}

bool tz_is_known(const char *name)
{
    return tz_get(name) != NULL;
}
