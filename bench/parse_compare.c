/* bench/parse_compare: the measurement behind the parser choice in
 * docs/FETCH.md. Decodes one API response file N times with the streaming
 * decoder (elhub/parse on the json_tok tokenizer, fed in 16 KB chunks as
 * curl delivers them) and with yajl's DOM (yajl_tree_parse of the whole
 * body, then a walk), and prints MB/s of wall and of CPU time (the steadier
 * figure on a shared machine); peak RSS is measured around each mode in a
 * separate process by the caller. yajl is linked here only, as the
 * baseline (pkg-config yajl; the product no longer uses it). */
#include "elhub/parse.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_tree.h>

static double now_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count(const struct record *r, void *ctx)
{
    *(double *)ctx += r->value;
    return 0;
}

static double stream_once(const char *body, size_t len)
{
    double sum = 0;
    struct err e = {0};
    struct elhub_parser *p = elhub_parser_new(dataset_find("production"), count, &sum);
    for (size_t at = 0; at < len; at += 16384)
        if (elhub_parser_feed(p, body + at, len - at < 16384 ? len - at : 16384, &e) < 0)
            break;
    elhub_parser_finish(p, NULL, &e);
    elhub_parser_free(p);
    return sum;
}

static double dom_once(const char *body)
{
    double sum = 0;
    const char *data_path[] = {"data", NULL};
    const char *list_path[] = {"attributes", "productionPerGroupMbaHour", NULL};
    const char *kwh_path[] = {"quantityKwh", NULL};
    yajl_val root = yajl_tree_parse(body, NULL, 0), data;
    if (!root)
        return -1;
    data = yajl_tree_get(root, data_path, yajl_t_array);
    for (size_t i = 0; data && i < YAJL_GET_ARRAY(data)->len; i++) {
        yajl_val list = yajl_tree_get(YAJL_GET_ARRAY(data)->values[i], list_path, yajl_t_array);
        for (size_t k = 0; list && k < YAJL_GET_ARRAY(list)->len; k++) {
            yajl_val q = yajl_tree_get(YAJL_GET_ARRAY(list)->values[k], kwh_path, yajl_t_number);
            if (q)
                sum += YAJL_GET_DOUBLE(q);
        }
    }
    yajl_tree_free(root);
    return sum;
}

int main(int argc, char **argv)
{
    FILE *f;
    char *body = NULL;
    size_t len = 0, cap = 0, got;
    int n = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 10;
    double t0, c0, sum = 0;
    (void)sum;
    if (argc < 3 || (strcmp(argv[1], "stream") != 0 && strcmp(argv[1], "dom") != 0)) {
        fprintf(stderr, "usage: parse_compare stream|dom FILE [N]\n");
        return 2;
    }
    f = fopen(argv[2], "rb");
    if (!f)
        return 1;
    do {
        xgrow((void **)&body, &cap, len + 65537, 1);
        got = fread(body + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    body[len] = '\0';
    t0 = now_s(CLOCK_MONOTONIC);
    c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < n; i++)
        sum = strcmp(argv[1], "stream") == 0 ? stream_once(body, len) : dom_once(body);
    printf("%s %.1f MB/s wall, %.1f MB/s CPU\n", argv[1],
           (double)len * n / (now_s(CLOCK_MONOTONIC) - t0) / 1e6,
           (double)len * n / (now_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / 1e6);
    free(body);
    return 0;
}
