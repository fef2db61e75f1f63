# mrv: build, test, demo, bench and install, all from here.
#
#   make            build/mrv and build/libmrv.a
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run data/projects/*.yaml
#   make asan       the whole test suite under ASan + UBSan (build-asan/)
#   make valgrind   the demo and the unit tests under valgrind
#   make bench      Monte Carlo timing against the numpy reference
#   make install PREFIX=/usr/local
#
# BUILD=dir puts every object elsewhere, so two builds never race.

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
VERSION := 0.1.0

PKGS     := gsl yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgsl -lgslcblas -lyaml -lm)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wdouble-promotion -Wformat=2 -Wundef \
        -Wwrite-strings -Wvla
OPT  ?= -O2 -g
CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -DHAVE_INLINE \
          -DMRV_VERSION_STRING='"$(VERSION)"' \
          -DMRV_DATADIR='"$(PREFIX)/share/mrv"' \
          $(OPT) $(WARN) -pthread $(PKG_CFLAGS) \
          -Iengine/include/mrv -Iengine/src $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS) -lm -pthread $(EXTRA_LDFLAGS)

LIB_SRC  := $(sort $(wildcard engine/src/*.c))
LIB_OBJ  := $(LIB_SRC:engine/src/%.c=$(BUILD)/obj/%.o)
CLI_SRC  := $(sort $(wildcard engine/cli/*.c))
CLI_OBJ  := $(CLI_SRC:engine/cli/%.c=$(BUILD)/obj/cli/%.o)
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELP := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))

.PHONY: all check test unit cases bad standalone demo asan valgrind bench \
        install uninstall clean deps format format-check
all: $(BUILD)/mrv $(BUILD)/libmrv.a

deps:
	@tools/install-deps

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: engine/src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/cli/%.o: engine/cli/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libmrv.a: $(LIB_OBJ)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BUILD)/mrv: $(CLI_OBJ) $(BUILD)/libmrv.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libmrv.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TEST_HELP) $(BUILD)/libmrv.a
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) -Wno-missing-prototypes -Itests/unit -o $@ $< \
	    $(TEST_HELP) $(BUILD)/libmrv.a $(CMOCKA_LIBS) $(LDLIBS)

# The README's test command: packages, build, then every kind of test.
check: deps
	@$(MAKE) --no-print-directory test

test: all $(TEST_BIN)
	@$(MAKE) --no-print-directory unit cases bad standalone
	@echo "make check: all tests passed"

unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do \
	    echo "== $$t"; $(RUNNER) $$t; done

cases: $(BUILD)/mrv
	@tests/run-cases $(BUILD)/mrv

bad: $(BUILD)/mrv
	@tests/run-bad $(BUILD)/mrv

# Nothing in the repository may point at documents outside it.
standalone:
	@tools/check-standalone

demo: deps
	@$(MAKE) --no-print-directory all
	@set -e; for p in data/projects/*.yaml; do \
	    $(BUILD)/mrv run $$p --out out/$$(basename $$p .yaml); echo; done

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" test

valgrind: all $(TEST_BIN)
	@set -e; for p in data/projects/*.yaml; do \
	    valgrind -q --leak-check=full --error-exitcode=9 \
	        $(BUILD)/mrv run $$p --quiet --out $(BUILD)/vg-out; done
	@$(MAKE) --no-print-directory RUNNER="valgrind -q --leak-check=full --error-exitcode=9" unit

bench: all
	@tools/install-deps --bench
	@tools/bench/run $(BUILD)/mrv

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
	    $(DESTDIR)$(PREFIX)/include/mrv \
	    $(DESTDIR)$(PREFIX)/share/mrv/methodologies \
	    $(DESTDIR)$(PREFIX)/share/mrv/factors
	install -m 755 $(BUILD)/mrv $(DESTDIR)$(PREFIX)/bin/mrv
	install -m 644 $(BUILD)/libmrv.a $(DESTDIR)$(PREFIX)/lib/libmrv.a
	install -m 644 engine/include/mrv/*.h $(DESTDIR)$(PREFIX)/include/mrv/
	install -m 644 methodologies/*.yaml $(DESTDIR)$(PREFIX)/share/mrv/methodologies/
	install -m 644 data/factors/*.yaml $(DESTDIR)$(PREFIX)/share/mrv/factors/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/mrv $(DESTDIR)$(PREFIX)/lib/libmrv.a \
	    $(DESTDIR)$(PREFIX)/include/mrv $(DESTDIR)$(PREFIX)/share/mrv

FORMAT_SRC = engine/*/*.c engine/src/*.h engine/include/mrv/*.h \
             tests/unit/*.[ch] tools/fuzz/*.c

format:
	clang-format -i $(FORMAT_SRC)

# Fails when any source differs from what clang-format makes of it (CI).
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf $(BUILD) build-asan out

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
