# ecom: multi-tenant e-commerce on FastCGI.
#   make            build bin/ecom-fcgi and bin/ecom-provision
#   make run        install what is missing, build, run the whole stack on 127.0.0.1:8080
#   make test       install what is missing, build, run every test (last line: "N passed, N failed")
#   make test SANITIZE=1   the same with AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      benchmark (bench/)
#   make soak       mixed traffic with injected faults, then the books (tests/soak/)
#   make fuzz       libFuzzer targets (tests/fuzz/), FUZZ_SECONDS each (default 60)
#   make install    install under PREFIX (default /usr/local) and /etc, honouring DESTDIR
#   make deb        build dist/ecom_<version>_<arch>.deb from bin/ (scripts/build-deb.sh)
#   make screenshots  the README's storefront pictures (docs/images/), in headless Chromium
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

.PHONY: all run test bench bench-stores fuzz soak clean setup unit-tests test-tools install deb docs screenshots
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

# How many stores one database server holds (STORES=10000 by default; hours, not part of make test):
# grows var/bench-stores and writes var/bench/stores-<time>.json.
bench-stores: setup
	@$(MAKE) --no-print-directory $(JOBS) all
	@bench/stores.sh

soak: setup
	@$(MAKE) --no-print-directory $(JOBS) all
	@tests/soak/run.sh

# The README's storefront and console pictures (docs/images/), taken in headless Chromium on a throwaway stack.
screenshots: setup
	@$(MAKE) --no-print-directory $(JOBS) all
	@scripts/screenshots.sh

fuzz:
	@scripts/setup.sh fuzz
	@scripts/fuzz.sh

clean:
	rm -rf build bin dist

# Installation, as hosters do it: `make && sudo make install` (or PREFIX=/usr, DESTDIR=... for
# a package). The binaries read sql/ from the [paths] of their config (default
# /usr/share/ecom/sql); the config example installed here names $(DATADIR)/sql, so a
# configuration made from it finds the SQL whatever the PREFIX. INSTALL_CONF=no leaves
# $(CONFDIR)/ecom.conf alone (the package's postinst writes it); otherwise it is written from
# the example only when absent, mode 0600.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share/ecom
SYSCONFDIR  ?= /etc
CONFDIR     ?= $(SYSCONFDIR)/ecom
UNITDIR     ?= $(PREFIX)/lib/systemd/system
MANDIR      ?= $(PREFIX)/share/man
LOCALSTATEDIR ?= /var
INSTALL_CONF ?= yes
SQL_FILES   := $(shell find sql -type f | sort)
# The storefront's static files (and the code it shares), served by the nginx and Apache sites.
WEB_FILES   := $(shell find web -type f | sort)
SUBST       := sed -e 's|/usr/share/ecom|$(DATADIR)|g'
# the cron lines find ecom-provision through PATH: add BINDIR unless it is already there
CRON_SUBST  := $(if $(filter /usr/bin /usr/local/bin,$(BINDIR)),,-e 's|^PATH=|PATH=$(BINDIR):|')
UNIT_SUBST  := sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@CONFIG@|$(CONFDIR)/ecom.conf|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/nginx-errors $(DESTDIR)$(DATADIR)/cron \
	  $(DESTDIR)$(CONFDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d \
	  $(DESTDIR)$(SYSCONFDIR)/nginx/sites-available
	install -d -m 0750 $(DESTDIR)$(LOCALSTATEDIR)/log/ecom $(DESTDIR)$(LOCALSTATEDIR)/lib/ecom
	install -m 0755 $(BIN)/ecom-fcgi $(BIN)/ecom-provision $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(MANDIR)/man1
	for m in packaging/man/*.1; do gzip -9n < $$m > $(DESTDIR)$(MANDIR)/man1/$${m##*/}.gz || exit 1; done
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/ecom-*.1.gz
	for f in $(SQL_FILES); do install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	install -m 0644 conf/nginx/errors/* $(DESTDIR)$(DATADIR)/nginx-errors/
	for f in $(WEB_FILES); do install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	$(SUBST) conf/nginx/ecom-site.conf > $(DESTDIR)$(SYSCONFDIR)/nginx/sites-available/ecom
	install -d $(DESTDIR)$(DATADIR)/apache-errors $(DESTDIR)$(SYSCONFDIR)/apache2/sites-available
	install -m 0644 conf/apache/errors/* $(DESTDIR)$(DATADIR)/apache-errors/
	$(SUBST) conf/apache/ecom-site.conf > $(DESTDIR)$(SYSCONFDIR)/apache2/sites-available/ecom.conf
	$(SUBST) -e 's|/etc/ecom/ecom.conf|$(CONFDIR)/ecom.conf|g' $(CRON_SUBST) conf/cron/ecom-provision > $(DESTDIR)$(DATADIR)/cron/ecom-provision
	install -m 0644 conf/logrotate/ecom $(DESTDIR)$(SYSCONFDIR)/logrotate.d/ecom
	install -d $(DESTDIR)$(DATADIR)/mariadb
	install -m 0644 conf/mariadb/ecom-stores.cnf conf/mariadb/mariadb-limits.conf $(DESTDIR)$(DATADIR)/mariadb/
	for u in conf/systemd/*.service conf/systemd/*.timer; do \
	  $(UNIT_SUBST) $$u > $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; done
	$(SUBST) conf/ecom.conf.example > $(DESTDIR)$(CONFDIR)/ecom.conf.example
	chmod 0644 $(DESTDIR)$(DATADIR)/cron/ecom-provision $(DESTDIR)$(CONFDIR)/ecom.conf.example \
	  $(DESTDIR)$(SYSCONFDIR)/nginx/sites-available/ecom $(DESTDIR)$(SYSCONFDIR)/apache2/sites-available/ecom.conf \
	  $(DESTDIR)$(UNITDIR)/ecom-*
	if [ "$(INSTALL_CONF)" = yes ] && [ ! -e $(DESTDIR)$(CONFDIR)/ecom.conf ]; then \
	  install -m 0600 $(DESTDIR)$(CONFDIR)/ecom.conf.example $(DESTDIR)$(CONFDIR)/ecom.conf; fi

# The Debian package, from the binaries in bin/ (built first when missing or stale).
deb: all docs
	@scripts/build-deb.sh

-include $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(TOOL_OBJS:.o=.d) $(OBJ)/src/app/main_fcgi.d $(OBJ)/src/app/main_provision.d
