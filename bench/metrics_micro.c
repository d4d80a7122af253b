/*
 * What the request path's counting costs per request in isolation: a loop of what server.c
 * does for every request (two clock reads, http_metrics_begin(), http_metrics_end()) against
 * the Release library of the TS_METRICS=ON build. bench/metrics.sh compiles and runs it:
 *
 *   cc -O2 -Isrc -DTS_METRICS=1 bench/metrics_micro.c build-bench-metrics-on/libtscore.a ...
 *
 * (GET module's route: the first lookup a request makes is that of its own cell.)
 *
 * Prints the best of 5 passes of N iterations for: one clock read; begin + end alone; the
 * whole per-request sequence.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http/metrics.h"
#include "util/time.h"
#include "http/routes.h"

#define N 10000000

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const struct route *route;
static volatile uint64_t sink;

static void clock_only(void)
{
    for (int i = 0; i < N; i++)
        sink += (uint64_t)time_mono_ns();
}

static void count_only(void)
{
    for (int i = 0; i < N; i++) {
        http_metrics_begin();
        http_metrics_end(route, NULL, "GET", 200, 1000000, true);
    }
}

static void per_request(void)
{
    for (int i = 0; i < N; i++) {
        uint64_t t0 = (uint64_t)time_mono_ns();
        http_metrics_begin();
        http_metrics_end(route, NULL, "GET", 200, (uint64_t)time_mono_ns() - t0, true);
    }
}

static double best_ns(void (*fn)(void))
{
    double best = 1e9;

    for (int rep = 0; rep < 5; rep++) {
        double t0 = now_s();
        fn();
        double per = (now_s() - t0) / N * 1e9;
        if (per < best)
            best = per;
    }
    return best;
}

int main(void)
{
    http_metrics_init(routes_table, routes_count);
    for (size_t i = 0; i < routes_count; i++)
        if (strcmp(routes_table[i].pattern, "/api/v1/modules/{module_id}") == 0)
            route = &routes_table[i];
    printf("one clock read: %.1f ns\n", best_ns(clock_only));
    printf("http_metrics_begin() + http_metrics_end(): %.1f ns\n", best_ns(count_only));
    printf("per request (2 clock reads, begin, end): %.1f ns\n", best_ns(per_request));
    http_metrics_free();
    return 0;
}
