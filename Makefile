# mrv: build, test, demo, bench and install, all from here.
#
#   make            build/mrv, build/libmrv.a and build/libmrv.so.VERSION
#   make check      install missing packages, build, run every test
#   make portable   the same bits from a -march=native build and without FMA
#   make lint-includes  modules as docs/ARCHITECTURE.md maps them, no
#                   include cycle (part of make check)
#   make demo       install missing packages, build, run and allocate
#                   data/projects/*.yaml into out/demo/NAME/run and allocate
#   make screenshot docs/report.png from the demo (headless Chromium)
#   make asan       the whole test suite under ASan + UBSan (build-asan/)
#   make valgrind   the demo and the unit tests under valgrind
#   make bench      Monte Carlo timing against the numpy reference,
#                   loading a data file of 1,000,000 rows, and a
#                   synthetic 1,000-project portfolio
#   make fuzz       libFuzzer harnesses into build-fuzz/ (clang)
#   make fuzz-smoke each harness for FUZZ_SECONDS (20) from its corpus
#   make install PREFIX=/usr/local [DESTDIR=staging]
#                   the command, libmrv.a and libmrv.so (soname
#                   libmrv.so.0), headers, mrv.pc, man pages mrv(1) and
#                   mrv(5), bash completion, methodologies, factor tables,
#                   example projects
#   make install-check  the installed library used by a C and a C++
#                   program through pkg-config, in a temporary PREFIX
#   make format     clang-format the sources; format-check: fail if needed
#   make coverage   the test suite with gcov; line coverage per file
#
# BUILD=dir puts every object elsewhere, so two builds never race:
#   make BUILD=build-clang CC=clang test

BUILD   ?= build
PREFIX  ?= /usr/local
VERSION := 0.1.0
# The shared library's soname changes with an incompatible ABI.
SOVERSION := 0
SONAME    := libmrv.so.$(SOVERSION)

# Yours to set (make CC=clang CFLAGS=-O0 LDFLAGS=...; or from the
# environment): CC, CPPFLAGS, CFLAGS (default -O2 -g), LDFLAGS, LDLIBS.
# They come after the flags the build needs, so they add to them and can
# override them, but never drop the warnings, the C standard or the
# include paths.
CFLAGS  ?= -O2 -g

PKGS     := gsl yaml-0.1 xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgsl -lgslcblas -lyaml -lxlsxwriter -lm)
# The library's objects go into libmrv.a and libmrv.so alike:
# position-independent, and calling each other directly (no
# interposition: a program cannot replace mrv_run_new under the library).
LIB_PIC := -fPIC -fno-semantic-interposition
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wdouble-promotion -Wformat=2 -Wundef \
        -Wwrite-strings -Wvla
# -ffp-contract=off: a * b + c is two roundings everywhere, never one fused
# multiply-add where the target has one (clang contracts by default, and
# -march=native brings FMA), so the same seed gives the same bits on every
# x86-64 machine (docs/performance.md).
MRV_CFLAGS := -std=c11 -ffp-contract=off -D_POSIX_C_SOURCE=200809L -DHAVE_INLINE \
              -DMRV_VERSION_STRING='"$(VERSION)"' \
              -DMRV_DATADIR='"$(PREFIX)/share/mrv"' \
              $(WARN) -pthread $(PKG_CFLAGS) -Iengine/include/mrv -Iengine/src
MRV_LDLIBS := $(PKG_LIBS) -lm -pthread
ALL_CFLAGS  = $(MRV_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LINK        = $(CC) $(ALL_CFLAGS) $(LDFLAGS)

# The compiler and flags of the last build of BUILD, in BUILD/flags:
# everything depends on that file, and it changes only when they do, so
# 'make CFLAGS=-O0' after a plain 'make' rebuilds instead of saying
# there is nothing to do.
FLAGS_TEXT := $(CC) $(ALL_CFLAGS) $(LIB_PIC) | $(LDFLAGS) | $(LDLIBS)
FLAGS_FILE := $(BUILD)/flags
ifneq ($(FLAGS_TEXT),$(file < $(FLAGS_FILE)))
$(shell mkdir -p $(BUILD))
$(file > $(FLAGS_FILE),$(FLAGS_TEXT))
endif

LIB_SRC  := $(sort $(wildcard engine/src/*.c))
LIB_OBJ  := $(LIB_SRC:engine/src/%.c=$(BUILD)/obj/%.o)
CLI_SRC  := $(sort $(wildcard engine/cli/*.c))
CLI_OBJ  := $(CLI_SRC:engine/cli/%.c=$(BUILD)/obj/cli/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELP := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
TEST_HELP_OBJ := $(TEST_HELP:tests/unit/%.c=$(BUILD)/obj/tests/%.o)
TEST_OBJ := $(TEST_SRC:tests/unit/%.c=$(BUILD)/obj/tests/%.o)

.PHONY: all check test unit cases portfolio bad cli large security standalone \
        lowmem portable demo demo-check browser xlsx json screenshot \
        asan valgrind bench install uninstall install-check clean deps \
        format format-check \
        coverage fuzz fuzz-harnesses fuzz-smoke lint-includes
LIB_SO := $(BUILD)/libmrv.so.$(VERSION)
all: $(BUILD)/mrv $(BUILD)/libmrv.a $(LIB_SO)

deps:
	@tools/install-deps

# V=1 shows the full commands.
Q := $(if $(V),,@)

# Every object records the headers it read (-MMD -MP, the .d files
# included at the end), so changing a header rebuilds what includes it:
# library, command and test objects alike.
$(BUILD)/obj/%.o: engine/src/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_PIC) -MMD -MP -c $< -o $@

$(BUILD)/obj/cli/%.o: engine/cli/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# cmocka's test functions are static by nature; no prototypes needed.
$(BUILD)/obj/tests/%.o: tests/unit/%.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Itests/unit -MMD -MP \
	    -c $< -o $@

$(BUILD)/libmrv.a: $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

# libmrv.so exports the public API only (engine/libmrv.map: mrv_*, not
# the internal mrv__*); it records the libraries it needs, so a program
# links with -lmrv alone.
$(LIB_SO): $(LIB_OBJ) engine/libmrv.map $(FLAGS_FILE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK) -shared -Wl,-soname,$(SONAME) \
	    -Wl,--version-script=engine/libmrv.map -o $@ $(LIB_OBJ) \
	    $(MRV_LDLIBS) $(LDLIBS)

$(BUILD)/mrv: $(CLI_OBJ) $(BUILD)/libmrv.a $(FLAGS_FILE)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LINK) -o $@ $(CLI_OBJ) $(BUILD)/libmrv.a $(MRV_LDLIBS) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_HELP_OBJ) $(BUILD)/libmrv.a \
                  $(FLAGS_FILE)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(LINK) -o $@ $< $(TEST_HELP_OBJ) $(BUILD)/libmrv.a $(CMOCKA_LIBS) \
	    $(MRV_LDLIBS) $(LDLIBS) $(TEST_LDFLAGS)

# test_oom fails the library's own allocations one by one: every malloc
# it makes goes through the test's wrappers first.
$(BUILD)/tests/test_oom: TEST_LDFLAGS := \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup

# The README's test command: packages, build, then every kind of test.
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory portable

test: all $(TEST_BIN)
	@$(MAKE) --no-print-directory unit cases bad cli large security standalone \
	    lowmem lint-includes demo-check browser xlsx json install-check \
	    portfolio
	@echo "make check: all tests passed"

unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do \
	    echo "== $$t"; $(RUNNER) $$t; done

cases: $(BUILD)/mrv
	@tests/run-cases $(BUILD)/mrv

# Portfolios: one machine and GNU parallel shards give the same bytes,
# bad shards are refused, the AEF export passes its consistency rules.
portfolio: $(BUILD)/mrv
	@tests/run-portfolio $(BUILD)/mrv

bad: $(BUILD)/mrv
	@tests/run-bad $(BUILD)/mrv

cli: $(BUILD)/mrv
	@tests/run-cli $(BUILD)/mrv

# Dimensions read from data files whose member counts multiply past 64
# bits: every count reaches its cap; long lists of members looked up by
# name (projects and data files generated at test time).
large: $(BUILD)/mrv
	@tests/run-large $(BUILD)/mrv

# --json on every command that takes it, parsed and checked; progress
# under a pseudo-terminal.
json: $(BUILD)/mrv
	@tests/run-json $(BUILD)/mrv

security: $(BUILD)/mrv
	@tests/run-security $(BUILD)/mrv

# Nothing in the repository may point at documents outside it.
standalone:
	@tools/check-standalone

lowmem: $(BUILD)/mrv
	@tests/run-lowmem $(BUILD)/mrv

# The same bits on every x86-64 machine: a build for this CPU and runs
# with glibc's FMA variants turned off write what the plain build writes.
portable: $(BUILD)/mrv
	@$(MAKE) --no-print-directory BUILD=$(BUILD)-native \
	    CFLAGS="$(CFLAGS) -march=native" all
	@tests/run-portable $(BUILD)/mrv $(BUILD)-native/mrv

# Every example's report.html in headless Chromium at desktop and phone
# width (skipped when Chromium is missing, except in CI).
browser: $(BUILD)/mrv
	@tests/run-browser $(BUILD)/mrv

# report.xlsx read back with openpyxl and held to the CSVs and
# report.json (skipped when python3-openpyxl is missing, except in CI).
xlsx: $(BUILD)/mrv
	@tests/run-xlsx $(BUILD)/mrv

# The README's screenshot: the top of the landfill's allocation page from
# the demo, at 1280 px, by headless Chromium.
screenshot: demo
	@/usr/bin/python3 tests/browser.py shot \
	    out/demo/ulaanbaatar-landfill/allocate/report.html 1280 docs/report.png 1900
	@echo "wrote docs/report.png"

# make demo's layout, into a temporary folder.
demo-check: $(BUILD)/mrv
	@tests/run-demo $(BUILD)/mrv

# Modules depend one way: no include cycle, and only the includes the
# module map of docs/ARCHITECTURE.md allows.
lint-includes:
	@tools/check-includes

# Each project's run and allocation outputs side by side (tools/demo).
demo: deps
	@$(MAKE) --no-print-directory all
	@tools/demo $(BUILD)/mrv

SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    CFLAGS="-O1 -g $(SANITIZE)" LDFLAGS="$(SANITIZE)" test

# Line coverage of the library and the command by the whole suite, per
# file and in all (gcc's gcov; with CC=clang use GCOV="llvm-cov gcov").
GCOV ?= gcov
coverage:
	@rm -rf build-cov/obj/*.gcda build-cov/obj/*/*.gcda
	@mkdir -p build-cov
	@$(MAKE) --no-print-directory BUILD=build-cov \
	    CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" test \
	    >build-cov/test.log 2>&1 || { tail -40 build-cov/test.log; exit 1; }
	@$(GCOV) -n -o build-cov/obj engine/src/*.c 2>/dev/null | awk ' \
	    /^File/ { f = $$2; gsub("\047", "", f) } \
	    /^Lines executed/ && f ~ /^engine/ { split($$2, a, "[:%]"); \
	        n = $$4; hit = a[2] * n / 100; H += hit; N += n; \
	        printf "%6.1f %% of %5d  %s\n", a[2], n, f; f = "" } \
	    END { printf "%6.1f %% of %5d  engine/src in all\n", 100 * H / N, N }'
	@$(GCOV) -n -o build-cov/obj/cli engine/cli/*.c 2>/dev/null | awk ' \
	    /^File/ { f = $$2; gsub("\047", "", f) } \
	    /^Lines executed/ && f ~ /^engine/ { split($$2, a, "[:%]"); \
	        printf "%6.1f %% of %5d  %s\n", a[2], $$4, f; f = "" }'

valgrind: all $(TEST_BIN)
	@set -e; for p in data/projects/*.yaml; do \
	    valgrind -q --leak-check=full --error-exitcode=9 \
	        $(BUILD)/mrv run $$p --quiet --out $(BUILD)/vg-out; done
	@$(MAKE) --no-print-directory RUNNER="valgrind -q --leak-check=full --error-exitcode=9" unit

bench: all
	@tools/install-deps --bench
	@tools/bench/run $(BUILD)/mrv
	@tools/bench/targets $(BUILD)/mrv
	@tools/bench/csv-load $(BUILD)/mrv
	@tools/bench/portfolio $(BUILD)/mrv

# DESTDIR stages the files elsewhere (packaging); PREFIX is where they
# will live, compiled into the library as MRV_DATADIR, so installing to
# another PREFIX rebuilds.
LIBDIR  := $(DESTDIR)$(PREFIX)/lib
SHARE   := $(DESTDIR)$(PREFIX)/share
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/mrv \
	    $(SHARE)/mrv/methodologies $(SHARE)/mrv/factors \
	    $(SHARE)/man/man1 $(SHARE)/man/man5 \
	    $(SHARE)/bash-completion/completions
	install -m 755 $(BUILD)/mrv $(DESTDIR)$(PREFIX)/bin/mrv
	install -m 644 $(BUILD)/libmrv.a $(LIBDIR)/libmrv.a
	install -m 755 $(LIB_SO) $(LIBDIR)/libmrv.so.$(VERSION)
	ln -sf libmrv.so.$(VERSION) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libmrv.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    engine/mrv.pc.in > $(LIBDIR)/pkgconfig/mrv.pc
	install -m 644 engine/include/mrv/*.h $(DESTDIR)$(PREFIX)/include/mrv/
	install -m 644 docs/man/mrv.1 $(SHARE)/man/man1/mrv.1
	install -m 644 docs/man/mrv.5 $(SHARE)/man/man5/mrv.5
	install -m 644 tools/completion/mrv.bash \
	    $(SHARE)/bash-completion/completions/mrv
	install -m 644 methodologies/*.yaml $(SHARE)/mrv/methodologies/
	install -m 644 data/factors/*.yaml $(SHARE)/mrv/factors/
	install -d $(SHARE)/mrv/projects
	install -m 644 data/projects/*.yaml $(SHARE)/mrv/projects/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/mrv $(LIBDIR)/libmrv.a \
	    $(LIBDIR)/libmrv.so $(LIBDIR)/$(SONAME) \
	    $(LIBDIR)/libmrv.so.$(VERSION) $(LIBDIR)/pkgconfig/mrv.pc \
	    $(DESTDIR)$(PREFIX)/include/mrv $(SHARE)/mrv \
	    $(SHARE)/man/man1/mrv.1 $(SHARE)/man/man5/mrv.5 \
	    $(SHARE)/bash-completion/completions/mrv

# make install into a temporary PREFIX (and DESTDIR), then a C and a C++
# program built with pkg-config alone, the exports, the man pages and
# the completion (tests/run-install).
install-check:
	@tests/run-install "$(CC)"

FORMAT_SRC = engine/*/*.c engine/src/*.h engine/include/mrv/*.h \
             tests/unit/*.[ch] tools/fuzz/*.c

# Fuzzing with clang's libFuzzer: 'make fuzz' builds every harness of
# tools/fuzz into build-fuzz/ (ASan and UBSan, the library built the same
# way); 'make fuzz-smoke' runs each for FUZZ_SECONDS from its seed corpus
# in tools/fuzz/corpus/ (what CI runs), new inputs going to build-fuzz/.
FUZZ_SRC     := $(sort $(wildcard tools/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tools/fuzz/%.c=build-fuzz/%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 20

fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	    LDFLAGS="$(FUZZ_SAN)" fuzz-harnesses

fuzz-harnesses: $(FUZZ_BIN)

build-fuzz/fuzz_%: tools/fuzz/fuzz_%.c build-fuzz/libmrv.a $(FLAGS_FILE)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(LINK) -fsanitize=fuzzer -o $@ $< build-fuzz/libmrv.a \
	    $(MRV_LDLIBS) $(LDLIBS)

fuzz-smoke: fuzz
	@tools/fuzz/smoke $(FUZZ_SECONDS) $(FUZZ_BIN)

# The committed .clang-format is for clang-format 14; prefer it by name.
CLANG_FORMAT ?= $(shell command -v clang-format-14 2>/dev/null || echo clang-format)
format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

# Fails when any source differs from what clang-format makes of it (CI).
format-check:
	$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) build-asan build-clang build-cov build-fuzz out

# Test objects are kept, so a rebuild recompiles only what changed.
.SECONDARY: $(TEST_OBJ) $(TEST_HELP_OBJ)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) \
         $(TEST_HELP_OBJ:.o=.d)
