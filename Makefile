# downscale - statistical climate downscaling toolkit. Plain GNU make.
#   make run     install what is missing, build, run the demo pipeline on the real data
#   make test    install what is missing, build, run every test
#   make bench   benchmarks (speed and memory), never part of the tests
#   make check-asan   the tests under AddressSanitizer and UndefinedBehaviorSanitizer
#   make fuzz    libFuzzer on the parsers of file metadata (FUZZ_SECONDS per target)

CC      ?= cc
# make MPI=1: an MPI build (mpicc, OpenMPI) into build-mpi, distributing regions, models
# and grid cells over the processes of `mpirun`.
ifdef MPI
CC      := mpicc
BUILD   ?= build-mpi
MPI_FLAGS := -DDSC_MPI
endif
PKGS    := netcdf gdal proj cairo inih openblas lapacke
BUILD   ?= build
SAN     ?=
OPT     ?= -O2

CFLAGS_BASE := -std=c11 $(OPT) -g -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
               -Wno-unused-parameter -Wno-format-truncation -D_DEFAULT_SOURCE -Iinclude -Isrc \
               -fopenmp $(MPI_FLAGS) $(SAN)
ifdef CI
CFLAGS_BASE += -Werror
endif
# -isystem: warnings in library headers (GDAL trips -Wpedantic) are not ours to fix.
PKG_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS) 2>/dev/null))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  := $(CFLAGS_BASE) $(CFLAGS)
LDLIBS  := $(SAN) -fopenmp -lm -lpthread

# MODULES="core grid time io" builds the library from those folders only (for working on
# one module while another is half-written); the default is every folder.
MODULES  ?=
ifeq ($(MODULES),)
LIB_SRC  := $(sort $(wildcard src/*/*.c))
else
LIB_SRC  := $(sort $(foreach m,$(MODULES),$(wildcard src/$(m)/*.c)))
endif
LIB_SRC  := $(filter-out src/cli/%,$(LIB_SRC))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
SUP_OBJ  := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

LIB := $(BUILD)/libdownscale.a
BIN := $(BUILD)/downscale

.PHONY: all deps run test bench check-asan fuzz clean format
all: $(BIN)

deps:
	@sh scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(SUP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -o $@ $< $(SUP_OBJ) $(LIB) $(PKG_LIBS) \
	    -lcriterion $(LDLIBS)

run: deps
	$(MAKE) all
	./$(BIN) run pipelines/demo.ini

# Each test program runs on its own so one crash cannot hide the others' results.
# cdo lets the regridding tests compare with CDO cell by cell; OpenMPI lets the tests
# compare an MPI run with the serial one; Chromium renders the report page (each skips
# without its tool).
# MPI_TEST_BUILD= (empty) leaves the MPI build and its test out (check-asan does).
MPI_TEST_BUILD ?= build-mpi
test:
	@sh scripts/install-deps.sh cdo libopenmpi-dev openmpi-bin chromium
	$(MAKE) all $(TEST_BIN)
	$(if $(MPI_TEST_BUILD),$(MAKE) MPI=1 BUILD=$(MPI_TEST_BUILD) $(MPI_TEST_BUILD)/downscale)
	@DOWNSCALE_MPI_BIN=$(if $(MPI_TEST_BUILD),$(MPI_TEST_BUILD)/downscale) \
	    sh scripts/run-tests.sh $(BUILD) $(TEST_BIN)

# Benchmarks compare with CDO, NumPy and PyTorch, installed here (not needed to build).
bench:
	@sh scripts/install-deps.sh cdo python3-numpy python3-torch time
	$(MAKE) all
	@sh bench/run.sh $(BUILD)

# Leaks inside libraries (fontconfig, Criterion), not ours, are listed in tests/lsan.supp.
# The demo pipeline runs with one network per ensemble (training is most of its time under
# ASan) into its own folder, so that the normal build's demo outputs are not mistaken for
# these. The MPI build is left out: it would be compiled with these flags into build-mpi, and
# OpenMPI's own allocations (in plugins it unloads) cannot be told apart from ours.
check-asan: deps
	ASAN_OPTIONS=detect_leaks=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	DOWNSCALE_TEST_OUT=build-asan/test-demo DOWNSCALE_TEST_DEMO_ARGS="--set ann.ensemble=1" \
	$(MAKE) BUILD=build-asan OPT=-O1 MPI_TEST_BUILD= \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

# libFuzzer targets for the parsers of file metadata (tests/fuzz/, needs clang), each run for
# FUZZ_SECONDS; new inputs are kept in build-fuzz/, the seeds in tests/fuzz/corpus/ unchanged.
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -std=c11 -D_DEFAULT_SOURCE -g -O1 -Iinclude -Isrc \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CORE  := src/core/context.c src/core/alloc.c src/core/rng.c
fuzz:
	@sh scripts/install-deps.sh clang
	@mkdir -p build-fuzz/corpus/time_units build-fuzz/corpus/classic_header
	clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_time_units tests/fuzz/fuzz_time_units.c \
	    $(wildcard src/time/*.c) src/io/units.c $(FUZZ_CORE) -lm
	clang $(FUZZ_FLAGS) -o build-fuzz/fuzz_classic_header tests/fuzz/fuzz_classic_header.c \
	    src/io/read_nc.c $(FUZZ_CORE) $(shell pkg-config --libs netcdf) -lm
	build-fuzz/fuzz_time_units -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build-fuzz/corpus/time_units tests/fuzz/corpus/time_units
	build-fuzz/fuzz_classic_header -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build-fuzz/corpus/classic_header tests/fuzz/corpus/classic_header

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) include/dsc/*.h

clean:
	rm -rf build build-asan build-mpi build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SUP_OBJ:.o=.d)
