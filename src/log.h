/* log: messages for people on stderr, filtered by one process-wide level
 * set from -q / -v. Not for data output, which goes to stdout. */
#ifndef ELHUB_LOG_H
#define ELHUB_LOG_H

enum log_level { LOG_QUIET = 0, LOG_NORMAL = 1, LOG_VERBOSE = 2 };

void log_set_level(enum log_level l);
enum log_level log_get_level(void);
/* "elhub: error: ..." always; "elhub: warning: ..." unless quiet;
 * info unless quiet; debug only when verbose. A newline is added. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
