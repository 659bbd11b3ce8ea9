# elhub build. `make` builds build/elhub; `make SAN=1` builds the
# ASan+UBSan variant in build/san/. See README.md for the two main commands.

CC      ?= cc
PKGS    := libcurl sqlite3 yajl libmicrohttpd libmongoc-1.0 cairo fontconfig zlib
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
CFLAGS  ?= -O2 -g
# (mongo helper) Library headers come in with -isystem, not -I, so their own
# -Wconversion findings (libbson's inline functions) do not fail WERROR=1.
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Isrc \
           $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif

ifeq ($(SAN),1)
BUILD   ?= build/san
CFLAGS  += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
else
BUILD   ?= build
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CFLAGS  += -DELHUB_VERSION='"$(VERSION)"'

# Every .c under src/ except main.c goes into one static library that the
# binary, the unit tests and the fuzzers link against.
SRCS     := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
OBJS     := $(SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libelhub.a
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all clean test unit demo bench fuzz deps san test-spark format
all: $(BUILD)/elhub $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/elhub: $(BUILD)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(OBJS:.o=.d) $(BUILD)/src/main.d

# ---- the two README commands --------------------------------------------
deps:
	bash scripts/deps.sh

demo:
	bash scripts/deps.sh build
	$(MAKE) all
	bash scripts/demo.sh

test: deps
	$(MAKE) WERROR=1 all
	$(MAKE) WERROR=1 SAN=1 all
	bash tests/run.sh

unit: all
	bash tests/run.sh --unit-only

san:
	$(MAKE) SAN=1 all

fuzz:
	bash fuzz/run.sh

bench: all
	bash bench/run.sh

format:
	clang-format -i $$(find src tests fuzz bench -name '*.[ch]')

clean:
	rm -rf build
