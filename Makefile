# lindyn -- one non-recursive GNU Makefile.
#
#   make              build the driver and every plugin
#   make check        install missing packages, build, run every test (also under ASan+UBSan)
#   make figures      run the experiments of paper/*.md and render their figures
#                     (QUICK=1: reduced sizes for a first look, written under data/quick)
#   make verify       check every claim of paper/*.md against the data
#   make paper        weave paper/*.md into build/paper/*.html
#   make bench        time lindyn against a NumPy/SciPy reference on the same work
#   make fuzz         fuzz the input readers with libFuzzer (FUZZ_SECONDS=60 each)
#   make install      PREFIX=/usr/local: driver, public headers, lindyn.pc
#
# The Debian packages lindyn needs are listed here and nowhere else.

VERSION   := 0.1.0
DEBIAN_PACKAGES := gcc make libc6-dev libgsl-dev libopenblas-dev gnuplot-nox \
	libcmocka-dev pandoc pkg-config zlib1g-dev dataset-fashion-mnist valgrind git
BENCH_PACKAGES  := python3 python3-numpy python3-scipy
FUZZ_PACKAGES   := clang libclang-rt-14-dev

BUILD    ?= build
SAN      ?=
PREFIX   ?= /usr/local
QUICK    ?=
DATA     ?= $(if $(QUICK),data/quick,data)
FIGDIR   := $(if $(QUICK),$(BUILD)/figures/quick,$(BUILD)/figures)

CC       ?= cc
OPT      ?= -O2 -g
ASAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SANFLAGS := $(if $(SAN),$(ASAN))
# -Wno-format-truncation: every snprintf here truncates on purpose.
CFLAGS   := -std=c11 $(OPT) -Wall -Wextra -Werror -Wno-format-truncation -D_GNU_SOURCE -Iinclude $(SANFLAGS)
# GSL without its reference CBLAS: OpenBLAS provides cblas_* (lazy: evaluated
# after `deps` has installed gsl-config).
GSL_LIBS  = $(shell gsl-config --libs-without-cblas)
BLAS_LIBS = -lopenblas
LIBS      = $(GSL_LIBS) $(BLAS_LIBS) -lz -ldl -lm
GIT_REV  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- 2>/dev/null || echo -dirty)

HOST_SRC    := $(filter-out src/main.c,$(wildcard src/*.c))
HOST_OBJ    := $(HOST_SRC:%.c=$(BUILD)/obj/%.o)
COMMON_SRC  := $(wildcard plugins/common/*.c)
PLUGINS     := $(filter-out common,$(notdir $(wildcard plugins/*)))
PLUGIN_SOS  := $(PLUGINS:%=$(BUILD)/plugins/%.so)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)
FIXTURE_SOS := $(FIXTURE_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%.so)
TEST_SRC    := $(wildcard tests/test_*.c)
TESTS       := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SHELL_TESTS := $(wildcard tests/*.test.sh)
LINDYN      := $(BUILD)/lindyn

.PHONY: all deps check test figures verify paper bench install clean
.DELETE_ON_ERROR:
.SECONDARY:
.SECONDEXPANSION:

all: $(LINDYN) $(PLUGIN_SOS)

# ---- Debian packages -------------------------------------------------------
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@PKGS="$(DEBIAN_PACKAGES) $(EXTRA_PACKAGES)" sh src/install-deps.sh
	@mkdir -p $(@D) && touch $@

# ---- host library and driver ------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -MMD -MP \
	  -DLINDYN_VERSION='"$(VERSION)"' -DLINDYN_GIT='"$(GIT_REV)"' -c $< -o $@

$(BUILD)/libhost.a: $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LINDYN): $(BUILD)/obj/src/main.o $(BUILD)/libhost.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# ---- plugins: plugins/NAME/*.c + plugins/common/*.c -> build/plugins/NAME.so
plugin_objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard plugins/$(1)/*.c) $(COMMON_SRC))
$(BUILD)/plugins/%.so: $$(call plugin_objs,$$*)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -Wl,--no-undefined -o $@ $^ $(LIBS)

$(BUILD)/fixtures/%.so: tests/fixtures/%.c $(wildcard tests/fixtures/*.h) include/lindyn/plugin.h | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -shared $(FIXTURE_CFLAGS_$*) -o $@ $< -lm

# ---- tests: tests/test_NAME.c and tests/test_NAME-TOPIC.c link plugin NAME's objects
test_plugin = $(firstword $(subst -, ,$(patsubst test_%,%,$(1))))
test_objs = $(if $(wildcard plugins/$(call test_plugin,$(1))/*.c),$(call plugin_objs,$(call test_plugin,$(1))))
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $$(call test_objs,$$*) $(BUILD)/libhost.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka $(LIBS)

test: all $(TESTS) $(FIXTURE_SOS)
	@LINDYN_BUILD=$(BUILD) LINDYN_SAN=$(SAN) sh tests/run-tests.sh $(TESTS) $(FUZZ_REPLAYS) $(SHELL_TESTS)

check: $(BUILD)/.deps
	$(MAKE) test
	$(MAKE) BUILD=$(BUILD)/asan SAN=1 OPT='-O1 -g' test

# ---- fuzzing ------------------------------------------------------------------
# tests/fuzz/NAME.c is the harness of one input reader; tests/fuzz/NAME/ is its
# seed corpus (valid and invalid inputs, and every input that ever crashed).
# `make test` replays each corpus through the harness built with $(CC) and
# tests/fuzz/replay.c; `make fuzz` builds the harnesses with clang and libFuzzer
# and runs each for FUZZ_SECONDS, writing new inputs to $(BUILD)/fuzz/corpus/NAME
# and crashing ones to $(BUILD)/fuzz/crashes/NAME (FUZZ=npy runs one harness).
# Replay one input, with the sanitizers' report: $(BUILD)/fuzz/bin/NAME FILE.
FUZZ_HARNESSES := npy idx doc expr tsv
FUZZ         ?= $(FUZZ_HARNESSES)
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_CFLAGS  := -std=c11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude \
	-fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_SUPPORT := tests/fuzz/fuzz_util.c
FUZZ_EXTRA_idx := plugins/lora_fmnist/idx.c
FUZZ_REPLAYS := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/replay/%)
# $(call fuzz_objs,HARNESS,OBJDIR): the objects a harness needs besides the host's.
fuzz_objs = $(patsubst %.c,$(2)/%.o,tests/fuzz/$(1).c $(FUZZ_SUPPORT) $(FUZZ_EXTRA_$(1)))
.PHONY: fuzz

test: $(FUZZ_REPLAYS)

$(FUZZ_DIR)/replay/%: $$(call fuzz_objs,$$*,$(BUILD)/obj) $(BUILD)/obj/tests/fuzz/replay.o \
		$(BUILD)/libhost.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(FUZZ_DIR)/.deps: Makefile
	@PKGS="$(FUZZ_PACKAGES)" sh src/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(FUZZ_DIR)/obj/%.o: %.c | $(FUZZ_DIR)/.deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/bin/%: $$(call fuzz_objs,$$*,$(FUZZ_DIR)/obj) $(HOST_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz: all $(FUZZ:%=$(FUZZ_DIR)/bin/%)
	@for h in $(FUZZ); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/crashes/$$h; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s (log: $(FUZZ_DIR)/$$h.log)"; \
	  LINDYN_BUILD=$(BUILD) nice -n 19 $(FUZZ_DIR)/bin/$$h -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -max_len=$(FUZZ_MAX_LEN) -close_fd_mask=3 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$h/ \
	    $$(test -f tests/fuzz/$$h.dict && echo -dict=tests/fuzz/$$h.dict) \
	    $(FUZZ_DIR)/corpus/$$h tests/fuzz/$$h 2> $(FUZZ_DIR)/$$h.log \
	  || { tail -n 60 $(FUZZ_DIR)/$$h.log; exit 1; }; \
	  grep '^#[0-9]' $(FUZZ_DIR)/$$h.log | tail -n 1; done

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

# ---- literate papers ----------------------------------------------------------
PAPERS := $(filter-out paper/FORMAT.md,$(wildcard paper/*.md))
RUNS_MK := $(BUILD)/runs$(if $(QUICK),-quick).mk

$(RUNS_MK): $(PAPERS) $(LINDYN) $(PLUGIN_SOS) $(wildcard figures/*.gp)
	@$(LINDYN) tangle $(if $(QUICK),--quick) --data $(DATA) --figures $(FIGDIR) \
	  --blocks $(BUILD)/blocks --lindyn $(LINDYN) -o $@ $(PAPERS)

ifneq ($(filter figures verify paper figures-% runs-%,$(MAKECMDGOALS)),)
include $(RUNS_MK)
endif

figures: all $(RUNS_MK) $$(ALL_FIGURES)
	@echo "figures: $(words $(ALL_FIGURES)) files in $(FIGDIR)"

verify: all $(RUNS_MK) $$(ALL_RUNS)
	$(LINDYN) verify --data $(DATA) $(PAPERS)

paper: figures
	@mkdir -p $(BUILD)/paper
	@for p in $(PAPERS); do \
	  b=$$(basename $$p .md); \
	  $(LINDYN) weave --data $(DATA) --figures $(FIGDIR) $$p > $(BUILD)/paper/$$b.weave.md || exit 1; \
	  pandoc --standalone --self-contained --metadata title="lindyn: $$b" \
	    -o $(BUILD)/paper/$$b.html $(BUILD)/paper/$$b.weave.md || exit 1; \
	  echo "paper: $(BUILD)/paper/$$b.html"; done

bench: all
	@PKGS="$(BENCH_PACKAGES)" sh src/install-deps.sh
	sh tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/lindyn \
	  $(DESTDIR)$(PREFIX)/lib/lindyn/plugins $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/share/lindyn/template
	install -m 755 $(LINDYN) $(DESTDIR)$(PREFIX)/bin/lindyn
	install -m 644 include/lindyn/plugin.h $(DESTDIR)$(PREFIX)/include/lindyn/
	install -m 755 $(PLUGIN_SOS) $(DESTDIR)$(PREFIX)/lib/lindyn/plugins/
	install -m 644 src/template/*.in $(DESTDIR)$(PREFIX)/share/lindyn/template/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' src/lindyn.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/lindyn.pc

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
