/* embed_assets: a build tool (not part of elhub) that turns the files of
 * web/dist/ into a C source defining web_asset_table (src/web/assets.h):
 * the bytes, a gzip copy made here once, a content hash as ETag, and the
 * Content-Type. In .html files "{{v:NAME}}" becomes NAME's hash, so the page
 * links its assets by content (app.js?v=HASH) and they can be cached for
 * good.
 * Usage: embed_assets OUT.c DIR NAME...   (index.html is served at "/",
 * any other page NAME.html at "/NAME") */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_FILES 32
#define MAX_SIZE (16u * 1024 * 1024)

struct file {
    const char *name;
    unsigned char *data, *gz;
    size_t len, gzlen;
    char hash[17];
};

static void die(const char *what, const char *name)
{
    fprintf(stderr, "embed_assets: %s: %s\n", what, name);
    exit(1);
}

static void *xmalloc_(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory", "malloc");
    return p;
}

static void hash_hex(const unsigned char *p, size_t n, char out[17])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void load(struct file *f, const char *dir)
{
    char path[4096];
    FILE *in;
    long n = 0;

    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    in = fopen(path, "rb");
    if (!in)
        die("cannot open", path);
    if (fseek(in, 0, SEEK_END) != 0 || (n = ftell(in)) < 0 || (size_t)n > MAX_SIZE)
        die("cannot size (or too large)", path);
    rewind(in);
    f->len = (size_t)n;
    f->data = xmalloc_(f->len + 1);
    if (fread(f->data, 1, f->len, in) != f->len)
        die("cannot read", path);
    fclose(in);
}

/* Replaces every "{{v:NAME}}" in f with the hash of file NAME. */
static void substitute(struct file *f, const struct file *all, size_t n)
{
    size_t cap = f->len + 1024, o = 0;
    unsigned char *out = xmalloc_(cap);
    for (size_t i = 0; i < f->len;) {
        if (f->len - i > 4 && memcmp(f->data + i, "{{v:", 4) == 0) {
            const unsigned char *end = memchr(f->data + i, '}', f->len - i);
            size_t k, nl;
            if (!end || end + 1 >= f->data + f->len || end[1] != '}')
                die("unterminated {{v:...}} in", f->name);
            nl = (size_t)(end - (f->data + i + 4));
            for (k = 0; k < n; k++)
                if (strlen(all[k].name) == nl && memcmp(all[k].name, f->data + i + 4, nl) == 0)
                    break;
            if (k == n || strstr(all[k].name, ".html"))
                die("{{v:...}} names no embedded non-HTML file in", f->name);
            if (o + 16 >= cap)
                die("substitution too large in", f->name);
            memcpy(out + o, all[k].hash, 16);
            o += 16;
            i = (size_t)(end + 2 - f->data);
        } else {
            if (o + 1 >= cap)
                die("substitution too large in", f->name);
            out[o++] = f->data[i++];
        }
    }
    free(f->data);
    f->data = out;
    f->len = o;
}

static void compress_gz(struct file *f)
{
    z_stream z;
    size_t cap;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        die("deflateInit2 failed for", f->name);
    cap = deflateBound(&z, (uLong)f->len);
    f->gz = xmalloc_(cap);
    z.next_in = f->data;
    z.avail_in = (uInt)f->len;
    z.next_out = f->gz;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        die("deflate failed for", f->name);
    f->gzlen = cap - z.avail_out;
    deflateEnd(&z);
}

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcmp(dot, ".html") == 0)
        return "text/html; charset=utf-8";
    if (strcmp(dot, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (strcmp(dot, ".png") == 0)
        return "image/png";
    return "application/octet-stream";
}

static void emit_bytes(FILE *out, const char *var, const unsigned char *p, size_t n)
{
    fprintf(out, "static const unsigned char %s[%zu] = {", var, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%u,", i % 40 ? "" : "\n", p[i]);
    fprintf(out, "%s};\n", n ? "" : "0");
}

int main(int argc, char **argv)
{
    struct file files[MAX_FILES];
    size_t n = 0;
    FILE *out;
    char tmp[4096];

    if (argc < 4) {
        fprintf(stderr, "usage: embed_assets OUT.c DIR NAME...\n");
        return 2;
    }
    for (int i = 3; i < argc && n < MAX_FILES; i++) {
        const char *slash = strrchr(argv[i], '/');
        memset(&files[n], 0, sizeof files[n]);
        files[n].name = slash ? slash + 1 : argv[i];
        load(&files[n], argv[2]);
        n++;
    }
    /* Hash the non-HTML files first: the HTML refers to their hashes. */
    for (size_t i = 0; i < n; i++)
        if (!strstr(files[i].name, ".html"))
            hash_hex(files[i].data, files[i].len, files[i].hash);
    for (size_t i = 0; i < n; i++) {
        if (strstr(files[i].name, ".html")) {
            substitute(&files[i], files, n);
            hash_hex(files[i].data, files[i].len, files[i].hash);
        }
        compress_gz(&files[i]);
    }

    snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
    out = fopen(tmp, "w");
    if (!out)
        die("cannot write", tmp);
    fprintf(out, "/* Generated by tools/embed_assets.c from web/dist; do not edit. */\n"
                 "#include \"web/assets.h\"\n\n");
    for (size_t i = 0; i < n; i++) {
        char var[32];
        snprintf(var, sizeof var, "raw%zu", i);
        emit_bytes(out, var, files[i].data, files[i].len);
        snprintf(var, sizeof var, "gz%zu", i);
        emit_bytes(out, var, files[i].gz, files[i].gzlen);
    }
    fprintf(out, "\nstatic const struct web_asset table[] = {\n");
    for (size_t i = 0; i < n; i++) {
        int index = strcmp(files[i].name, "index.html") == 0;
        const char *html = strstr(files[i].name, ".html");
        /* A page is served without its suffix: weather.html at /weather. */
        int shown = html ? (int)(html - files[i].name) : (int)strlen(files[i].name);
        fprintf(out, "    {\"/%.*s\", \"%s\", raw%zu, %zu, gz%zu, %zu, \"\\\"%s\\\"\", %d},\n",
                index ? 0 : shown, files[i].name, type_of(files[i].name), i, files[i].len, i,
                files[i].gzlen, files[i].hash, html ? 0 : 1);
    }
    fprintf(out,
            "};\n\nconst struct web_asset *web_asset_table = table;\n"
            "size_t web_asset_count = %zu;\n",
            n);
    if (fclose(out) != 0 || rename(tmp, argv[1]) != 0)
        die("cannot finish", argv[1]);
    for (size_t i = 0; i < n; i++) {
        free(files[i].data);
        free(files[i].gz);
    }
    return 0;
}
