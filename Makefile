# ecom: multi-tenant e-commerce on FastCGI.
#   make            build bin/ecom-fcgi and bin/ecom-provision
#   make run        install what is missing, build, run the whole stack on 127.0.0.1:8080
#   make test       install what is missing, build, run every test (last line: "N passed, N failed")
#   make test SANITIZE=1   the same with AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmark (bench/)
#   make soak       mixed traffic with injected faults, then the books (tests/soak/)
#   make fuzz       libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each (default 60)
#   make docs       the API reference page from docs/openapi.yaml (build/docs/api/, served at /docs)

CXX      ?= g++
CXXFLAGS ?= -O2 -g
WARN     := -Wall -Wextra -Werror
CPPFLAGS := -Isrc -MMD -MP
LDLIBS   := -lfcgi -lmysqlcppconn -lcjson -lcrypto

ifeq ($(SANITIZE),1)
  MODE     := san
  BIN      := build/san/bin
  # float-cast-overflow (a double outside the target integer's range) is not part of "undefined".
  CXXFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow \
              -fno-sanitize-recover=undefined,float-cast-overflow
  LDFLAGS  += -fsanitize=address,undefined,float-cast-overflow
else
  MODE     := release
  BIN      := bin
endif
OBJ := build/$(MODE)/obj

LIB_SRCS  := $(filter-out src/app/main_%.cpp,$(shell find src -name '*.cpp' | sort))
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(OBJ)/%.o)
TEST_SRCS := $(shell find tests/unit -name '*.cpp' 2>/dev/null | sort)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(OBJ)/%.o)
TOOL_OBJS := $(OBJ)/tests/tools/db_probe.o
LIB       := $(OBJ)/libecom.a
JOBS      := -j$(shell nproc 2>/dev/null || echo 2)

.PHONY: all run test bench fuzz soak clean setup unit-tests test-tools docs
all: $(BIN)/ecom-fcgi $(BIN)/ecom-provision

$(OBJ)/%.o: %.cpp
	@mkdir -p $(@D)
	@echo "  CXX  $<"
	@$(CXX) -std=c++20 $(CPPFLAGS) $(CXXFLAGS) $(WARN) -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(BIN)/ecom-fcgi: $(OBJ)/src/app/main_fcgi.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD   $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/ecom-provision: $(OBJ)/src/app/main_provision.o $(LIB)
	@mkdir -p $(@D)
	@echo "  LD   $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/unit-tests: $(TEST_OBJS) $(LIB)
	@mkdir -p $(@D)
	@echo "  LD   $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lboost_unit_test_framework

# db-probe: SQL through db::Connection, for the integration tests (tests/tools/db_probe.cpp).
$(BIN)/db-probe: $(TOOL_OBJS) $(LIB)
	@mkdir -p $(@D)
	@echo "  LD   $@"
	@$(CXX) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit-tests: $(BIN)/unit-tests
test-tools: $(BIN)/db-probe

setup:
	@scripts/setup.sh

run: setup
	@$(MAKE) --no-print-directory $(JOBS) all docs
	@scripts/stack.sh run

# The API reference page (static HTML, nothing fetched at view time), served at /docs by the
# dev stack: build/docs/api/index.html, with the document itself beside it.
DOCS := build/docs/api
docs: $(DOCS)/index.html $(DOCS)/openapi.yaml
$(DOCS)/index.html: docs/openapi.yaml tests/openapi/render.mjs tests/openapi/package-lock.json
	@tests/openapi/install.sh
	@node tests/openapi/render.mjs $@
$(DOCS)/openapi.yaml: docs/openapi.yaml
	@mkdir -p $(@D)
	@cp $< $@

test: setup
	@$(MAKE) --no-print-directory $(JOBS) all unit-tests test-tools docs
	@ECOM_BIN_DIR=$(CURDIR)/$(BIN) scripts/test.sh

bench: setup
	@$(MAKE) --no-print-directory $(JOBS) all
	@bench/run.sh

soak: setup
	@$(MAKE) --no-print-directory $(JOBS) all
	@tests/soak/run.sh

fuzz:
	@scripts/setup.sh fuzz
	@scripts/fuzz.sh

clean:
	rm -rf build bin

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(OBJ)/src/app/main_fcgi.d $(OBJ)/src/app/main_provision.d
