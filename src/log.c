/* log: leveled messages on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level level = LOG_NORMAL;

void log_set_level(enum log_level l)
{
    level = l;
}

enum log_level log_get_level(void)
{
    return level;
}

__attribute__((format(printf, 2, 0))) static void emit(const char *tag, const char *fmt, va_list ap)
{
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "elhub: %s%s\n", tag, line);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("error: ", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    if (level < LOG_NORMAL)
        return;
    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    if (level < LOG_NORMAL)
        return;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    va_list ap;
    if (level < LOG_VERBOSE)
        return;
    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}
