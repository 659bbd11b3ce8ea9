# elhub build. `make` builds build/elhub; `make SAN=1` builds the
# ASan+UBSan variant in build/san/. See README.md for the two main commands.

CC      ?= cc
PKGS    := libcurl sqlite3 libmicrohttpd libmongoc-1.0 cairo fontconfig zlib fftw3
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wvla
CFLAGS  ?= -O2 -g
# Library headers come in with -isystem, not -I, so their own
# -Wconversion findings (libbson's inline functions) do not fail WERROR=1.
# src/banned.h is force-included: a banned C function (strcpy, sprintf, atoi,
# gmtime, ...) in any of our files is a compile error.
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Isrc -include src/banned.h \
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

.PHONY: all clean test check unit demo bench fuzz deps san test-spark format print-pkgs
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

# ---- the two README commands, and the fast tier ------------------------
# make demo   install what the build needs, build the binary only, import the
#             bundled data once, serve the dashboard
# make test   install everything, build both variants, run the whole suite
#             (tests/run.sh test); exactly what CI (.ci/run) runs
# make check  the fast tier before every commit: both builds, their unit
#             tests, the house rules and the integration tests that need no
#             server (tests/run.sh check); the packages must be installed
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)

deps:
	bash scripts/deps.sh

demo:
	bash scripts/deps.sh build
	$(MAKE) -j$(JOBS) $(BUILD)/elhub
	bash scripts/demo.sh

test: deps
	$(MAKE) -j$(JOBS) WERROR=1 all
	$(MAKE) -j$(JOBS) WERROR=1 SAN=1 all
	bash tests/run.sh test

check:
	$(MAKE) -j$(JOBS) WERROR=1 all
	$(MAKE) -j$(JOBS) WERROR=1 SAN=1 all
	bash tests/run.sh check

unit: all
	@for t in $(UNIT_BIN); do $$t >/dev/null || { echo "FAILED: $$t"; exit 1; }; done; \
	echo "unit tests of $(BUILD): all passed"

san:
	$(MAKE) SAN=1 all

fuzz:
	bash fuzz/run.sh

# bench/analysis_time times the analysis methods alone (bench_analysis.py),
# bench/forecast_time the forecast fit and forecast (bench_forecast.py).
BENCH_BIN := $(BUILD)/bench/analysis_time $(BUILD)/bench/forecast_time

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

bench: all $(BENCH_BIN)
	bash bench/run.sh

# The pkg-config modules, for scripts that build outside make (fuzz/run.sh).
print-pkgs:
	@echo $(PKGS)

format:
	clang-format -i $$(find src tests fuzz bench tools -name "*.[ch]" -not -path "*/node_modules/*")

clean:
	rm -rf build

# ---- web dashboard assets (issue 3) ----------------------------------------
# web/dist is committed and is rebuilt from web/src by esbuild (web/build.mjs)
# whenever a source is newer and web/node_modules exists (`make deps` runs
# npm ci); without node_modules the committed web/dist is used as it is, so
# the C build never needs Node. tools/embed_assets.c turns web/dist into
# build/gen/assets.c; only the binary links it (the library has weak empty
# defaults, so unit tests and fuzzers link without it).
WEB_SRC  := $(wildcard web/src/*.*) $(wildcard web/src/parts/*) web/build.mjs web/package-lock.json
# One page per topic: NAME.html (served at /NAME) with its bundle NAME.js;
# index.html's bundle is app.js.
WEB_PAGES := weather map snowdrift decomposition quality correlation forecast
WEB_DIST := web/dist/index.html web/dist/app.js web/dist/app.css \
	$(foreach p,$(WEB_PAGES),web/dist/$(p).html web/dist/$(p).js)

$(WEB_DIST) &: $(WEB_SRC)
	@if [ -x web/node_modules/.bin/esbuild ]; then \
		echo "web: building web/dist"; cd web && node build.mjs; \
	else \
		echo "web: web/node_modules missing (run make deps); using the committed web/dist"; \
		touch $(WEB_DIST); \
	fi

$(BUILD)/tools/embed_assets: tools/embed_assets.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -include src/banned.h -o $@ $< -lz

$(BUILD)/gen/assets.c: $(BUILD)/tools/embed_assets $(WEB_DIST)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed_assets $@ web/dist $(notdir $(WEB_DIST))

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c src/web/assets.h
	$(CC) $(filter-out -Wpedantic,$(CFLAGS)) -c $< -o $@

$(BUILD)/elhub: $(BUILD)/gen/assets.o

# ---- the price-area outlines (data/geo/SOURCES.md) -------------------------
# tools/simplify_areas.py (run by hand) makes the committed
# data/geo/price_areas.geojson; tools/embed_file.c turns it into
# build/gen/price_areas.c, linked into the binary and test_geo only (the
# library has weak empty defaults, src/geo/outlines.h).
GEO_OBJ := $(BUILD)/gen/price_areas.o

$(BUILD)/tools/embed_file: tools/embed_file.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -include src/banned.h -o $@ $<

$(BUILD)/gen/price_areas.c: $(BUILD)/tools/embed_file data/geo/price_areas.geojson
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed_file $@ geo_outline data/geo/price_areas.geojson

$(GEO_OBJ): $(BUILD)/gen/price_areas.c
	$(CC) $(filter-out -Wpedantic,$(CFLAGS)) -c $< -o $@

$(BUILD)/elhub: $(GEO_OBJ)

$(BUILD)/tests/test_geo: tests/unit/test_geo.c tests/unit/check.h $(LIB) $(GEO_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(GEO_OBJ) $(LIB) $(LDLIBS)

# ---- Spark interop over Cassandra (issue 4): heavy downloads, its own target
test-spark: all
	bash tests/spark/run.sh

# Prints a make variable, for scripts and tests that need the exact flags
# (fuzz/run.sh, tests/integration/test_source_rules.py): make print-CFLAGS.
print-%:
	@echo $($*)
