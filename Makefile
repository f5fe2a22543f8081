# downscale - statistical climate downscaling toolkit. Plain GNU make.
#   make run     install what is missing, build, run the demo pipeline on the real data
#   make test    install what is missing, build, run every test
#   make bench   benchmarks (speed and memory), never part of the tests
#   make check-asan   the tests under AddressSanitizer and UndefinedBehaviorSanitizer

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

.PHONY: all deps run test bench check-asan clean format
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
# compare an MPI run with the serial one (both skip without them).
test:
	@sh scripts/install-deps.sh cdo libopenmpi-dev openmpi-bin
	$(MAKE) all $(TEST_BIN)
	$(MAKE) MPI=1 BUILD=build-mpi build-mpi/downscale
	@DOWNSCALE_MPI_BIN=build-mpi/downscale sh scripts/run-tests.sh $(BUILD) $(TEST_BIN)

# Benchmarks compare with CDO, NumPy and PyTorch, installed here (not needed to build).
bench:
	@sh scripts/install-deps.sh cdo python3-numpy python3-torch time
	$(MAKE) all
	@sh bench/run.sh $(BUILD)

check-asan: deps
	$(MAKE) BUILD=build-asan OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) include/dsc/*.h

clean:
	rm -rf build build-asan build-mpi

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SUP_OBJ:.o=.d)
