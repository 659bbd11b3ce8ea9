/* banned: the C library functions our code may not call (git's banned.h),
 * made a compile-time error. The Makefile force-includes this header into
 * every translation unit (-include src/banned.h), so no file can forget it.
 * The system headers that declare these functions are included first, so
 * their own declarations are read before the macros exist and a later
 * #include of them is a no-op (include guards). Each use then fails to
 * compile with an error naming the function, for example
 * "sorry_strcpy_is_a_banned_function undeclared". Use instead: snprintf or
 * memcpy with a length (strcpy, strcat, sprintf, vsprintf), strtol with an
 * end pointer and a range check (atoi), strtok_r or a loop (strtok), and
 * gmtime_r / localtime_r or src/timeutil.h (gmtime, localtime). */
#ifndef ELHUB_BANNED_H
#define ELHUB_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
