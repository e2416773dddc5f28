# lindyn.mk -- the literate pipeline for the documents a Makefile lists.
#
# lindyn's own Makefile includes this file, and so does a plugin author's
# (installed as share/lindyn/lindyn.mk: `include $(shell pkg-config
# --variable=mkfile lindyn)`).  Set, before the include:
#
#   LINDYN_DOCS     the documents (Markdown with lindyn blocks, paper/FORMAT.md)
#   LINDYN_PLUGINS  the plugin files this project builds; runs depend on them,
#                   and their directories are searched for plugins first
# and optionally (defaults in brackets):
#   LINDYN          the driver [the installed one, next to this file]
#   LINDYN_BUILD    where fragments, figures and pages go [build]
#   LINDYN_DATA     where runs go [data, or data/quick with QUICK=1]
#   LINDYN_STYLE    the gnuplot style loaded before every figure script [installed style.gp]
#   LINDYN_PAGE_DIR head.html and nav.html of the woven pages [installed]
#   LINDYN_DEPS     files every run and the fragment depend on, e.g. the
#                   driver as built [$(LINDYN_PLUGINS)] (files: a phony target
#                   here would re-tangle forever)
#
# Targets: figures, verify, paper (each for every document, or DOC=NAME for
# the document NAME.md alone, with a progress line), figures-NAME,
# verify-NAME, paper-NAME, runs-NAME (one document), figure-FIG (one figure).  QUICK=1: reduced
# sizes; PROGRESS=0: a RUN line per run instead of the progress line.
#
# Every variable this file defines starts with LINDYN_ (the tangled fragment's
# too), so it takes none of the including Makefile's names.  It sets
# .SECONDEXPANSION and .DELETE_ON_ERROR for the whole make.

LINDYN_SHARE    := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
LINDYN          ?= $(abspath $(LINDYN_SHARE)/../../bin/lindyn)
LINDYN_BUILD    ?= build
LINDYN_DATA     ?= $(if $(QUICK),data/quick,data)
LINDYN_STYLE    ?= $(LINDYN_SHARE)/style.gp
LINDYN_PAGE_DIR ?= $(LINDYN_SHARE)/page
LINDYN_PLUGINS  ?=
LINDYN_DEPS     ?= $(LINDYN_PLUGINS)
PROGRESS        ?= 1
# QUICK=1 (any value but 0 or nothing) is the quick scale.
override QUICK := $(filter-out 0,$(strip $(QUICK)))

.SECONDEXPANSION:
.DELETE_ON_ERROR:

# ---- the documents and their names ---------------------------------------------
# Names and paths reach make (prerequisites are expanded twice) and sh: any
# character but these stops make here.
LINDYN_PLAIN_CHARS := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M \
	N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9 _ . / -
lindyn_unplain = $(if $(2),$(call lindyn_unplain,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
$(foreach f,$(LINDYN_DOCS) $(LINDYN_PLUGINS) $(LINDYN_STYLE) $(LINDYN_BUILD) $(LINDYN_DATA) \
  $(LINDYN) $(LINDYN_PAGE_DIR),\
  $(if $(call lindyn_unplain,$(f),$(LINDYN_PLAIN_CHARS)),\
  $(error $(f): a path lindyn.mk is given may hold only [A-Za-z0-9_./-])))
$(foreach v,LINDYN LINDYN_BUILD LINDYN_DATA LINDYN_STYLE LINDYN_PAGE_DIR,\
  $(if $(filter 1,$(words $($(v)))),,$(error $(v)=$($(v)): expected one path of [A-Za-z0-9_./-])))
ifeq ($(strip $(LINDYN_DOCS)),)
$(error LINDYN_DOCS is empty: set it to the documents (NAME.md) before including lindyn.mk)
endif
LINDYN_DOC_NAMES := $(basename $(notdir $(LINDYN_DOCS)))
ifneq ($(words $(LINDYN_DOC_NAMES)),$(words $(sort $(LINDYN_DOC_NAMES))))
$(error LINDYN_DOCS names a document twice (or two documents of one name): $(LINDYN_DOCS))
endif
ifneq ($(filter index,$(LINDYN_DOC_NAMES)),)
$(error $(filter %index.md,$(LINDYN_DOCS)): a document may not be called index (build/paper/index.html is the index of the pages))
endif
# $(call lindyn_doc,NAME): the document NAME.md among LINDYN_DOCS, or nothing.
lindyn_doc = $(firstword $(foreach d,$(LINDYN_DOCS),$(if $(filter $(1),$(basename $(notdir $(d)))),$(d))))
lindyn_no_doc = DOC=$(1): no document $(1).md among LINDYN_DOCS; documents: $(LINDYN_DOC_NAMES)
# DOC is one name of a document
ifneq ($(DOC),)
ifneq ($(words $(DOC))$(if $(call lindyn_doc,$(DOC)),+),1+)
$(error $(call lindyn_no_doc,$(DOC)))
endif
endif
lindyn_quote = '$(subst ','\'',$(1))'

# ---- the fragment: one target per run, aggregate and figure ------------------------
LINDYN_SCALE   := $(if $(QUICK),-quick)
LINDYN_RUNS_MK := $(LINDYN_BUILD)/runs$(LINDYN_SCALE).mk
LINDYN_FIGDIR  := $(LINDYN_BUILD)/figures$(if $(QUICK),/quick)
LINDYN_PAGEDIR := $(LINDYN_BUILD)/paper$(if $(QUICK),/quick)
# The list of documents and of the paths tangle writes into the fragment,
# rewritten only when it changes, so that adding or removing a document, or
# a driver or style file that moved (a new install prefix), re-tangles even
# when the documents' files are older.
LINDYN_DOCS_LIST := $(LINDYN_BUILD)/docs$(LINDYN_SCALE).list
LINDYN_TANGLED_WITH := docs: $(LINDYN_DOCS); lindyn: $(LINDYN); style: $(LINDYN_STYLE); data: $(LINDYN_DATA)
ifneq ($(LINDYN_TANGLED_WITH),$(file < $(LINDYN_DOCS_LIST)))
$(shell mkdir -p $(LINDYN_BUILD))
$(file > $(LINDYN_DOCS_LIST),$(LINDYN_TANGLED_WITH))
endif
# The plugins' directories are searched for plugins before LINDYN_PLUGIN_PATH.
LINDYN_PLUGIN_DIRS := $(patsubst %/,%,$(sort $(dir $(LINDYN_PLUGINS))))
lindyn_empty :=
LINDYN_PLUGIN_DIRS_PATH := $(subst $(lindyn_empty) $(lindyn_empty),:,$(LINDYN_PLUGIN_DIRS))
# (a second make, under `lindyn progress`, finds them there already)
ifneq ($(LINDYN_PLUGIN_DIRS),)
# $(value ...): the environment's text as it is (a '$' in it is no make variable).
ifeq ($(filter $(LINDYN_PLUGIN_DIRS_PATH) $(LINDYN_PLUGIN_DIRS_PATH):%,$(value LINDYN_PLUGIN_PATH)),)
export LINDYN_PLUGIN_PATH := $(LINDYN_PLUGIN_DIRS_PATH)$(if $(value LINDYN_PLUGIN_PATH),:$(value LINDYN_PLUGIN_PATH))
endif
endif

# The fragment names the scripts it read as its own prerequisites.
$(LINDYN_RUNS_MK): $(LINDYN_DOCS) $(LINDYN_DOCS_LIST) $(LINDYN_DEPS) $(LINDYN_PLUGINS)
	@$(LINDYN) tangle $(if $(QUICK),--quick) --data $(LINDYN_DATA) --figures $(LINDYN_FIGDIR) \
	  --blocks $(LINDYN_BUILD)/blocks$(LINDYN_SCALE) --figvars $(LINDYN_BUILD)/figvars$(LINDYN_SCALE) \
	  --style $(LINDYN_STYLE) --lindyn $(LINDYN) -o $@ $(LINDYN_DOCS)

LINDYN_GOALS := figures verify paper lindyn-figures lindyn-verify lindyn-paper figures-% runs-% \
	verify-% paper-% figure-% $(LINDYN_BUILD)/paper/% $(LINDYN_EXTRA_GOALS)
ifneq ($(filter $(LINDYN_GOALS),$(MAKECMDGOALS)),)
include $(LINDYN_RUNS_MK)
endif

# What figures, verify and paper cover: every document, or DOC alone.
LINDYN_SCOPE_DOCS    = $(if $(DOC),$(call lindyn_doc,$(DOC)),$(LINDYN_DOCS))
LINDYN_SCOPE_RUNS    = $(if $(DOC),$(LINDYN_RUNS_$(DOC)),$(LINDYN_ALL_RUNS))
LINDYN_SCOPE_FIGURES = $(if $(DOC),$(LINDYN_FIGURES_$(DOC)),$(LINDYN_ALL_FIGURES))

# ---- figures, verify, paper ----------------------------------------------------------
# They do their work (lindyn-figures, ...) in a second make under `lindyn
# progress`: runs done/total, elapsed time and an estimate of what remains on
# one line (a plain line every 10% when stderr is no terminal) instead of a
# RUN line per run; every other line, and every failure, prints as it comes.
# PROGRESS=0, or make -n, does the work in this make.
.PHONY: figures verify paper lindyn-figures lindyn-verify lindyn-paper
# `make figures verify paper` is one second make for all three: two (under
# -j) would make the same runs at once.
LINDYN_TOP_GOALS := $(filter figures verify paper,$(MAKECMDGOALS))
LINDYN_TOP_GOALS := $(or $(LINDYN_TOP_GOALS),figures)
ifeq ($(PROGRESS)$(findstring n,$(firstword -$(MAKEFLAGS))),1)
figures verify paper: $(LINDYN_DEPS) $(LINDYN_RUNS_MK)
	+@$(if $(filter $@,$(firstword $(LINDYN_TOP_GOALS))),$(LINDYN) progress -- $(MAKE) \
	  --no-print-directory $(LINDYN_TOP_GOALS:%=lindyn-%),:)
else
figures: lindyn-figures
verify: lindyn-verify
paper: lindyn-paper
endif

lindyn-figures: $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$(LINDYN_SCOPE_FIGURES)
	@echo "figures: $(words $(LINDYN_SCOPE_FIGURES)) files in $(LINDYN_FIGDIR)"

lindyn-verify: $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$(LINDYN_SCOPE_RUNS)
	$(LINDYN) verify $(if $(QUICK),--quick) --data $(LINDYN_DATA) $(LINDYN_SCOPE_DOCS)

# One document: figures-NAME, verify-NAME, paper-NAME, runs-NAME (its runs
# only), in this make; a NAME that is no document gets the list of names.
define lindyn_doc_rules
.PHONY: figures-$(1) verify-$(1) paper-$(1) runs-$(1)
figures-$(1): $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$$$(LINDYN_FIGURES_$(1))
runs-$(1): $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$$$(LINDYN_RUNS_$(1))
verify-$(1): $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$$$(LINDYN_RUNS_$(1))
	$$(LINDYN) verify $$(if $$(QUICK),--quick) --data $$(LINDYN_DATA) $(call lindyn_doc,$(1))
paper-$(1): $(LINDYN_PAGEDIR)/$(1).html
	@echo "paper: $$<"
endef
$(foreach n,$(LINDYN_DOC_NAMES),$(eval $(call lindyn_doc_rules,$(n))))
figures-% verify-% paper-% runs-%::
	@echo $(call lindyn_quote,lindyn: no document $*.md among LINDYN_DOCS; documents: $(LINDYN_DOC_NAMES)) >&2; exit 1

# One figure, with the runs it reads.
figure-%: $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $(LINDYN_FIGDIR)/%.pdf $(LINDYN_FIGDIR)/%.png
	@echo "figure: $(LINDYN_FIGDIR)/$*.pdf $(LINDYN_FIGDIR)/$*.png"
# A name that is no figure: one line with the names there are (make tries
# this rule only when the one above cannot apply).
figure-%::
	@echo $(call lindyn_quote,lindyn: no figure '$*' in $(LINDYN_DOCS); figures: $(sort $(basename $(notdir $(LINDYN_ALL_FIGURES))))) >&2; exit 1

# ---- woven pages: one HTML page per document, and the index -------------------
# A page depends on its document's runs (its claims read them) and figures;
# pages are written to a temporary name and renamed, so a failed weave or
# pandoc leaves no page that looks complete.  Pages link to the figures by a
# path relative to the page directory (not self-contained).
LINDYN_PAGE_FIGURES := $(if $(QUICK),../../figures/quick,../figures)
LINDYN_PAGE_FILES   := $(LINDYN_PAGE_DIR)/head.html $(LINDYN_PAGE_DIR)/nav.html
LINDYN_PAGES        := $(LINDYN_DOC_NAMES:%=$(LINDYN_PAGEDIR)/%.html)
LINDYN_PANDOC        = pandoc --standalone --mathml --from markdown --to html5 \
	-H $(LINDYN_PAGE_DIR)/head.html

lindyn-paper: $(if $(DOC),$(LINDYN_PAGEDIR)/$(DOC).html,$(LINDYN_PAGES) $(LINDYN_PAGEDIR)/index.html)
	@echo "paper: $(if $(DOC),$(LINDYN_PAGEDIR)/$(DOC).html,$(LINDYN_PAGEDIR)/index.html and $(words $(LINDYN_PAGES)) pages)"

# (a static pattern: only the documents' pages, so no other name reaches sh)
$(LINDYN_PAGES): $(LINDYN_PAGEDIR)/%.html: $$(call lindyn_doc,$$*) $(LINDYN_DEPS) $(LINDYN_RUNS_MK) \
		$$(LINDYN_RUNS_$$*) $$(LINDYN_FIGURES_$$*) $(LINDYN_PAGE_FILES)
	@mkdir -p $(@D); echo '  PAGE  $@'
	@$(LINDYN) weave $(if $(QUICK),--quick) --data $(LINDYN_DATA) --figures $(LINDYN_PAGE_FIGURES) \
	  $(call lindyn_doc,$*) > $@.md || { rm -f $@.md; exit 1; }
	@$(LINDYN_PANDOC) --toc --toc-depth=2 -B $(LINDYN_PAGE_DIR)/nav.html -M pagetitle="lindyn: $*" \
	  -o $@.tmp $@.md || { rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

$(LINDYN_PAGEDIR)/index.html: $(LINDYN_DOCS) $(LINDYN_DEPS) $(LINDYN_RUNS_MK) $$(LINDYN_ALL_RUNS) \
		$$(LINDYN_ALL_FIGURES) $(LINDYN_PAGE_FILES)
	@mkdir -p $(@D); echo '  PAGE  $@'
	@$(LINDYN) weave --index $(if $(QUICK),--quick) --data $(LINDYN_DATA) \
	  --figures $(LINDYN_PAGE_FIGURES) $(LINDYN_DOCS) > $@.md || { rm -f $@.md; exit 1; }
	@$(LINDYN_PANDOC) -M pagetitle="lindyn: papers" -o $@.tmp $@.md || { rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@
