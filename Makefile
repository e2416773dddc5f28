# lindyn -- one non-recursive GNU Makefile.
#
#   make              build the driver and every plugin
#   make check        install missing packages, build, run every test (also under ASan+UBSan)
#   make figures      run the experiments of paper/*.md and render their figures
#                     (QUICK=1: reduced sizes for a first look, written under data/quick)
#   make verify       check every claim of paper/*.md against the data
#   make paper        weave paper/*.md into build/paper/*.html and index.html,
#                     running every experiment and figure they show
#   make verify-P, paper-P, figures-P   one document paper/P.md only
#   make figure-NAME  one figure: build/figures/NAME.pdf and .png
#   make check-paper  build the pages (QUICK=1) and test them in headless Chromium
#   make bench        time lindyn against a NumPy/SciPy reference on the same work
#   make slurm        run the stale runs as one Slurm job array (README: Running on a cluster)
#   make fuzz         fuzz the input readers with libFuzzer (FUZZ_SECONDS=60 each)
#   make install      PREFIX=/usr/local: driver, plugins, headers, host library,
#                     lindyn.mk and what documents need, lindyn.pc
#   make reference    record the data's fingerprints in data/reference/paper (QUICK=1: quick)
#   make compare      the data against that reference: tables and claims (QUICK=1: quick)
#   make artifact     build/artifact/lindyn-VERSION-REV.tar.gz: pages, figures, tables, MANIFEST
#   make dist         build/dist/lindyn-VERSION.tar.gz: the committed source tree
#
# Versions are MAJOR.MINOR.PATCH (VERSION below; `lindyn --version` prints it
# with the git revision): MAJOR for a change of the plugin ABI's major or of
# the document format that breaks documents, MINOR for additions, PATCH for fixes.
#
# The Debian packages lindyn needs are listed here and nowhere else.

VERSION   := 0.1.0
DEBIAN_PACKAGES := gcc make libc6-dev libgsl-dev libopenblas-dev gnuplot-nox \
	libcmocka-dev pandoc pkg-config zlib1g-dev dataset-fashion-mnist valgrind git \
	python3-pandas python3-numpy
BENCH_PACKAGES  := python3 python3-numpy python3-scipy
PAGE_PACKAGES   := python3 chromium chromium-driver
SLURM_PACKAGES  := slurm-wlm munge
FUZZ_PACKAGES   := clang libclang-rt-14-dev

BUILD    ?= build
SAN      ?=
PREFIX   ?= /usr/local
override QUICK := $(filter-out 0,$(strip $(QUICK)))
DATA     ?= $(if $(QUICK),data/quick,data)

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
# The revision: git's in a clone, the file REVISION in a `make dist` tarball.
GIT_REV  := $(if $(wildcard REVISION),$(file < REVISION),$(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD -- . ':!data/reference' 2>/dev/null || echo -dirty))

# src/host: the runtime a run needs (libhost.a, also what out-of-tree tests
# link); src/lit: the literate pipeline (documents, tangle, claims, verify,
# weave, aggregate, compare); src/cmd: the driver's commands and main().
HOST_SRC    := $(wildcard src/host/*.c)
HOST_OBJ    := $(HOST_SRC:%.c=$(BUILD)/obj/%.o)
LIT_SRC     := $(wildcard src/lit/*.c)
LIT_OBJ     := $(LIT_SRC:%.c=$(BUILD)/obj/%.o)
CMD_SRC     := $(wildcard src/cmd/*.c)
CMD_OBJ     := $(CMD_SRC:%.c=$(BUILD)/obj/%.o)
# the driver's archives, in link order (cmd uses lit and host, lit uses host)
LIBS_ALL    := $(BUILD)/libcmd.a $(BUILD)/liblit.a $(BUILD)/libhost.a
SRC_ALL     := $(HOST_SRC) $(LIT_SRC) $(filter-out src/cmd/main.c,$(CMD_SRC))
COMMON_SRC  := $(wildcard plugins/common/*.c)
PLUGINS     := $(filter-out common,$(notdir $(wildcard plugins/*)))
PLUGIN_SOS  := $(PLUGINS:%=$(BUILD)/plugins/%.so)
FIXTURE_SRC := $(wildcard tests/fixtures/*.c)
FIXTURE_SOS := $(FIXTURE_SRC:tests/fixtures/%.c=$(BUILD)/fixtures/%.so)
TEST_SRC    := $(wildcard tests/test_*.c)
TESTS       := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
SHELL_TESTS := $(wildcard tests/*.test.sh)
LINDYN      := $(BUILD)/lindyn

.PHONY: all deps check test figures verify paper check-paper bench install clean reference compare \
	artifact dist
.DELETE_ON_ERROR:
# Objects reached through pattern rules are intermediate to make: keep them,
# or every make would rebuild them (and relink the plugins, which makes every
# run stale).  Nothing else is kept that way: a run whose data was deleted is
# made again before the figures that read it.
.PRECIOUS: $(BUILD)/obj/%.o
.SECONDEXPANSION:

all: $(LINDYN) $(PLUGIN_SOS)

# ---- Debian packages -------------------------------------------------------
deps: $(BUILD)/.deps
$(BUILD)/.deps: Makefile
	@PKGS="$(DEBIAN_PACKAGES) $(EXTRA_PACKAGES)" sh src/dist/install-deps.sh
	@mkdir -p $(@D) && touch $@

# ---- host library and driver ------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden -MMD -MP \
	  -DLINDYN_VERSION='"$(VERSION)"' -DLINDYN_GIT='"$(GIT_REV)"' -c $< -o $@

# provenance.c compiles the revision in: it is rebuilt whenever the revision
# (or the tree's -dirty mark) changes, so --version and every table's header
# name the code that made them.  Plugins do not depend on it: a new commit
# leaves runs up to date.
$(BUILD)/revision: FORCE
	@mkdir -p $(@D); printf '%s\n' '$(GIT_REV)' | cmp -s - $@ || printf '%s\n' '$(GIT_REV)' > $@
$(BUILD)/obj/src/host/provenance.o: $(BUILD)/revision
.PHONY: FORCE

$(BUILD)/libhost.a: $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/liblit.a: $(LIT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libcmd.a: $(filter-out %/main.o,$(CMD_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(LINDYN): $(BUILD)/obj/src/cmd/main.o $(LIBS_ALL)
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
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $$(call test_objs,$$*) $(LIBS_ALL)
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
		$(LIBS_ALL)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(FUZZ_DIR)/.deps: Makefile
	@PKGS="$(FUZZ_PACKAGES)" sh src/dist/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(FUZZ_DIR)/obj/%.o: %.c | $(FUZZ_DIR)/.deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/bin/%: $$(call fuzz_objs,$$*,$(FUZZ_DIR)/obj) $(SRC_ALL:%.c=$(FUZZ_DIR)/obj/%.o)
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

# ---- literate papers: src/dist/lindyn.mk, the file authors include too ---------
PAPERS          := $(filter-out paper/FORMAT.md,$(wildcard paper/*.md))
# wildcard splits a name at a space before lindyn.mk could check it
PAPER_ODD_NAME  := $(shell find paper -maxdepth 1 -name '*.md' -name '*[!A-Za-z0-9_./-]*' | head -n 1)
ifneq ($(PAPER_ODD_NAME),)
$(error $(PAPER_ODD_NAME): a document name may hold only [A-Za-z0-9_./-])
endif
LINDYN_DOCS     := $(PAPERS)
LINDYN_DEPS     := $(LINDYN) $(PLUGIN_SOS)
LINDYN_BUILD    := $(BUILD)
LINDYN_DATA     := $(DATA)
LINDYN_STYLE    := figures/style.gp
LINDYN_PAGE_DIR := src/page
LINDYN_EXTRA_GOALS := reference compare artifact
include src/dist/lindyn.mk

# The pages at quick scale in headless Chromium: images load, local links
# resolve, math is MathML, one claim-table row per claim; screenshots in
# $(BUILD)/paper/shots.
check-paper: all
	@PKGS="$(PAGE_PACKAGES)" sh src/dist/install-deps.sh
	$(MAKE) QUICK=1 paper
	python3 tests/pages/browse.py --pages $(BUILD)/paper/quick --shots $(BUILD)/paper/shots \
	  $(PAPERS)

# ---- Slurm: the runs on a cluster ----------------------------------------------
#   make slurm [QUICK=1] [PAPER=name] [SHARDS=32] [CPUS=8] [PARALLEL=P]
#              [SBATCH='-p ... -t ... -A ...'] [DETACH=1] [RETRIES=0]
# make finds the stale runs; src/slurm/submit.sh deals them into at most SHARDS
# shards, submits one job array whose task i runs `make -k -jCPUS` over shard i
# with the fragment's recipes, waits, and makes the aggregates and figures here
# (README, "Running on a cluster").  As root, `make check` installs
# SLURM_PACKAGES for the one-node cluster of tests/slurm.test.sh.
SHARDS   ?= 32
CPUS     ?= 8
PARALLEL ?=
SBATCH   ?=
DETACH   ?=
RETRIES  ?= 0
# Through a variable, so that `make -n slurm` submits nothing.
SLURM_MAKE  = $(MAKE)
shell_quote = '$(subst ','\'',$(1))'
.PHONY: slurm slurm-deps

ifneq ($(filter slurm,$(MAKECMDGOALS)),)
ifneq ($(PAPER),)
ifneq ($(words $(PAPER))$(filter paper/$(PAPER).md,$(PAPERS)),1paper/$(PAPER).md)
$(error PAPER=$(PAPER): no document paper/$(PAPER).md; documents: $(PAPERS:paper/%.md=%))
endif
endif
endif

slurm: all $(LINDYN_RUNS_MK)
	@RUNS_MK=$(call shell_quote,$(LINDYN_RUNS_MK)) PAPER=$(call shell_quote,$(PAPER)) \
	  SHARDS=$(call shell_quote,$(SHARDS)) CPUS=$(call shell_quote,$(CPUS)) \
	  PARALLEL=$(call shell_quote,$(PARALLEL)) SBATCH=$(call shell_quote,$(SBATCH)) \
	  DETACH=$(call shell_quote,$(DETACH)) RETRIES=$(call shell_quote,$(RETRIES)) \
	  SLURM_DIR=$(call shell_quote,$(BUILD)/slurm) GATHER_J='$(filter -j%,$(MAKEFLAGS))' \
	  MAKE=$(call shell_quote,$(SLURM_MAKE)) sh src/slurm/submit.sh

check: slurm-deps
slurm-deps: $(BUILD)/.deps
	@if [ "$$(id -u)" -eq 0 ]; then PKGS="$(SLURM_PACKAGES)" sh src/dist/install-deps.sh; fi

bench: all
	@PKGS="$(BENCH_PACKAGES)" sh src/dist/install-deps.sh
	sh tests/bench/run.sh

# ---- reference and compare (paper/FORMAT.md, "Reference and compare") ---------
# The reference is rewritten whole or not at all: recorded in a temporary
# directory, then renamed.  A claim's FAIL is recorded like any verdict (verify
# exits 1 then); a report without its header line stops the recipe.
REFDIR := data/reference/$(if $(QUICK),quick,paper)
ENV_CMD = { OPENBLAS_NUM_THREADS=1 $(LINDYN) --version; echo "kernel: $$(uname -srm)"; \
	  echo "cpu: $$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"; \
	  echo "compiler: $$($(CC) --version | head -n 1)"; }
# $(call record_reference,DIR): every document's NAME.tables, NAME.claims.tsv and ENVIRONMENT.
define record_reference
	@rm -rf $(1).tmp && mkdir -p $(1).tmp
	@set -e; for p in $(PAPERS); do n=$$(basename $$p .md); \
	  $(LINDYN) compare --record $(if $(QUICK),--quick) --data $(DATA) $$p > $(1).tmp/$$n.tables; \
	  $(LINDYN) verify $(if $(QUICK),--quick) --format tsv --data $(DATA) $$p \
	    > $(1).tmp/$$n.claims.tsv || [ $$? -eq 1 ]; \
	  head -n 1 $(1).tmp/$$n.claims.tsv | grep -q '^paper.id.verdict.measured' || \
	    { echo "lindyn: no claim report for $$p" >&2; exit 1; }; done
	@$(ENV_CMD) > $(1).tmp/ENVIRONMENT
	@rm -rf $(1) && mv $(1).tmp $(1)
endef

reference: all $(LINDYN_RUNS_MK) $$(LINDYN_ALL_RUNS)
	$(call record_reference,$(REFDIR))
	@echo "reference: $(REFDIR), $$(du -sb $(REFDIR) | cut -f1) bytes (data/reference: $$(du -sb data/reference | cut -f1))"

compare: all $(LINDYN_RUNS_MK) $$(LINDYN_ALL_RUNS)
	$(LINDYN) compare $(REFDIR) $(DATA)

# ---- the bundle for an archive ------------------------------------------------
# The pages, figures, verify report, aggregated tables and the reference of the
# data it was made from, with a README for the evaluator and a MANIFEST of
# SHA-256 sums that is checked before the tarball is written.  The bundle keeps
# the build's layout (paper/, figures/, and quick/ below them) so that the
# pages' relative figure links hold.
ARTIFACT_NAME := lindyn-$(VERSION)-$(GIT_REV)$(if $(QUICK),-quick)
ARTIFACT_DIR  := $(BUILD)/artifact/$(ARTIFACT_NAME)
ARTIFACT      := $(ARTIFACT_DIR).tar.gz
ARTIFACT_SUB  := $(if $(QUICK),/quick)

artifact: all $(LINDYN_RUNS_MK) $$(LINDYN_ALL_RUNS) $$(LINDYN_ALL_FIGURES) $(LINDYN_PAGES) $(LINDYN_PAGEDIR)/index.html
	@rm -rf $(ARTIFACT_DIR) $(ARTIFACT) && mkdir -p $(ARTIFACT_DIR)/paper$(ARTIFACT_SUB) \
	  $(ARTIFACT_DIR)/figures$(ARTIFACT_SUB) $(ARTIFACT_DIR)/tables
	@cp $(LINDYN_PAGES) $(LINDYN_PAGEDIR)/index.html $(ARTIFACT_DIR)/paper$(ARTIFACT_SUB)/
	@cp $(LINDYN_ALL_FIGURES) $(ARTIFACT_DIR)/figures$(ARTIFACT_SUB)/
	@$(LINDYN) verify $(if $(QUICK),--quick) --data $(DATA) $(PAPERS) > $(ARTIFACT_DIR)/verify.txt || [ $$? -eq 1 ]
	@$(LINDYN) verify $(if $(QUICK),--quick) --format tsv --data $(DATA) $(PAPERS) > $(ARTIFACT_DIR)/verify.tsv || [ $$? -eq 1 ]
	@cd $(DATA) && find . \( -path ./reference -o -path ./quick \) -prune -o -type f \( -name '*.final.tsv' -o -name '*.agg.tsv' \) -print \
	  | LC_ALL=C sort | xargs -r cp --parents -t $(CURDIR)/$(ARTIFACT_DIR)/tables
	$(call record_reference,$(ARTIFACT_DIR)/reference)
	@sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@REV@|$(GIT_REV)|g' -e 's|@SCALE@|$(if $(QUICK),quick,paper)|g' \
	  -e 's|@QUICK@|$(if $(QUICK), QUICK=1)|g' -e 's|@QUICK_DATA@|$(if $(QUICK),/quick)|g' src/dist/artifact/README.in > $(ARTIFACT_DIR)/README
	@cp LICENSE CITATION.cff $(ARTIFACT_DIR)/
	@cd $(ARTIFACT_DIR) && find . -type f ! -name MANIFEST | LC_ALL=C sort | sed 's|^\./||' \
	  | xargs sha256sum > MANIFEST && sha256sum --check --quiet MANIFEST
	@tar -C $(BUILD)/artifact -czf $(ARTIFACT).tmp $(ARTIFACT_NAME) && mv $(ARTIFACT).tmp $(ARTIFACT)
	@echo "artifact: $(ARTIFACT), $$(du -b $(ARTIFACT) | cut -f1) bytes; MANIFEST verified ($$(wc -l < $(ARTIFACT_DIR)/MANIFEST) files)"

# ---- the source tarball ---------------------------------------------------------
# The committed tree (HEAD, not the working tree) and its revision in REVISION.
DIST := $(BUILD)/dist/lindyn-$(VERSION).tar.gz
dist:
	@mkdir -p $(BUILD)/dist
	@rev=$$(git rev-parse --short=12 HEAD) && printf '%s\n' "$$rev" > $(BUILD)/dist/REVISION && \
	  git archive --format=tar.gz --prefix=lindyn-$(VERSION)/ \
	    --add-file=$(BUILD)/dist/REVISION -o $(DIST).tmp HEAD && mv $(DIST).tmp $(DIST)
	@echo "dist: $(DIST) (git $$(cat $(BUILD)/dist/REVISION))"

# What a plugin author's project needs (README, "Writing a solver plugin"):
# the driver and plugins, the headers and the host library (lindyn/run.h, for
# tests), and under share/lindyn the pipeline an author's Makefile includes
# (lindyn.mk), the figure style, the page templates, the project template
# and FORMAT.md, all located through lindyn.pc (pkg-config --variable=...).
SHARE_DIR := $(DESTDIR)$(PREFIX)/share/lindyn
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/lindyn \
	  $(DESTDIR)$(PREFIX)/lib/lindyn/plugins $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(SHARE_DIR)/template/project $(SHARE_DIR)/page
	install -m 755 $(LINDYN) $(DESTDIR)$(PREFIX)/bin/lindyn
	install -m 644 include/lindyn/plugin.h include/lindyn/run.h $(DESTDIR)$(PREFIX)/include/lindyn/
	install -m 644 $(BUILD)/libhost.a $(DESTDIR)$(PREFIX)/lib/liblindyn-host.a
	install -m 755 $(PLUGIN_SOS) $(DESTDIR)$(PREFIX)/lib/lindyn/plugins/
	install -m 644 src/dist/template/*.in $(SHARE_DIR)/template/
	install -m 644 src/dist/template/project/*.in $(SHARE_DIR)/template/project/
	install -m 644 src/dist/lindyn.mk figures/style.gp paper/FORMAT.md $(SHARE_DIR)/
	install -m 644 src/page/*.html $(SHARE_DIR)/page/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' src/dist/lindyn.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/lindyn.pc

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
