# Makefile - the two commands: `make demo` and `make test` (a thin wrapper over CMake)
#
# make demo       install missing packages, build, index the sample archive,
#                 serve it through nginx on 127.0.0.1:$(PORT)
# make demo-stop  stop the demo's migsearch-fcgi and nginx
# make test       install missing packages, build with ASan+UBSan, run every test,
#                 then every fuzz target for a few seconds (make fuzz-smoke)
# make build      release build only, in build/release
# make install    build, then install under PREFIX (/usr/local), honouring DESTDIR;
#                 the config goes to SYSCONFDIR/migsearch (/etc/migsearch)
# make package    a Debian package (prefix /usr) in build/package

PORT ?= 8080
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build test demo demo-stop deps-build deps-test deps-demo format-check clean \
	install package

all: build

deps-build deps-test deps-demo: deps-%:
	@config/deps.sh $*

build: deps-build
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMS_BUILD_TESTS=OFF
	cmake --build build/release -j$(JOBS)

test: deps-test
	cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DMS_SANITIZE=ON -DMS_WERROR=ON
	cmake --build build/test -j$(JOBS)
	tests/run.sh build/test -j$(JOBS)
	$(MAKE) fuzz-smoke

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc

install: deps-build
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMS_BUILD_TESTS=OFF \
		-DCMAKE_INSTALL_PREFIX=$(PREFIX) -DMS_SYSCONFDIR=$(SYSCONFDIR)
	cmake --build build/release -j$(JOBS)
	cmake --install build/release

package: deps-build
	cmake -S . -B build/package -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMS_BUILD_TESTS=OFF \
		-DCMAKE_INSTALL_PREFIX=/usr -DMS_SYSCONFDIR=/etc
	cmake --build build/package -j$(JOBS)
	cd build/package && cpack -G DEB

demo: deps-demo build
	PORT=$(PORT) config/demo.sh start

demo-stop:
	PORT=$(PORT) config/demo.sh stop

format-check: deps-test
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h' '*.cc' '*.hh')

clean:
	rm -rf build

# make doc-counts  rewrite the sample counts docs/delegates.md quotes
#                 (tests/tools/doc-counts.js; the browser tests check them)
.PHONY: doc-counts
doc-counts: deps-test build
	node tests/tools/doc-counts.js build/release --write

# make relevance  ranking quality on the IR test collections in ../shared/data/ir,
#                 one table row per collection (tests/relevance/run.sh, docs/relevance.md).
#                 The runner and evaluator live under tests/, hence a release build of
#                 its own with MS_BUILD_TESTS=ON; only the three programs it needs are built.
.PHONY: relevance
relevance: deps-test
	cmake -S . -B build/relevance -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMS_BUILD_TESTS=ON
	cmake --build build/relevance -j$(JOBS) --target migsearch-index relevance-run relevance-eval
	tests/relevance/run.sh build/relevance

# make bench        issue 7: search through nginx beside Omega, the libfcgi floor
#                   and raw Xapian; indexing beside omindex; synthetic archives
#                   of 10k, 100k and 1M documents; SQLite FTS5 on the same
#                   queries. Writes docs/benchmarks.md (tests/bench/run.sh);
#                   about an hour on 2 cores, most of it the 1M archive.
# make bench-quick  the smoke version of each part (sample archive, 1k and 10k
#                   synthetic documents, short measurements): a few minutes
# Neither is part of `make test`.
.PHONY: bench bench-quick deps-bench
deps-bench:
	@config/deps.sh bench

bench: deps-bench build
	tests/bench/run.sh build/release

bench-quick: deps-bench build
	tests/bench/run.sh --quick build/release

# make bench-peers [QUICK=1]  issue 20: migsearch beside Sphinx and PostgreSQL
#                   alone (tests/bench/peers.sh, part 5 of make bench), its
#                   section printed on standard output; QUICK=1 in a few minutes.
.PHONY: bench-peers
bench-peers: deps-bench build
	tests/bench/peers.sh $(if $(QUICK),--quick) build/release

# make bench-rebuild [QUICK=1]  issue 20: a rebuild's CPU time phase by
#                   phase and the index's size by table
#                   (tests/bench/rebuild-phases.sh, part 7 of make bench)
.PHONY: bench-rebuild
bench-rebuild: deps-bench build
	tests/bench/rebuild-phases.sh $(if $(QUICK),--quick) build/release

# make bench-inprocess BASE=<commit>  the in-process cost of a search, this
#                   tree against BASE (tests/bench/inprocess.sh): CPU time with
#                   the two builds taking turns, and, with INSTRUCTIONS=1,
#                   instruction counts under valgrind (the same on every run).
.PHONY: bench-inprocess
bench-inprocess: deps-bench build
	@test -n "$(BASE)" || { echo "usage: make bench-inprocess BASE=<commit> [INSTRUCTIONS=1]" >&2; exit 2; }
	tests/bench/inprocess.sh $(if $(INSTRUCTIONS),--instructions) $(BASE) build/release

# make bench-limit [QUICK=1]  issue 20: the limit (FastCGI floor + Xapian's
#                   own match) beside migsearch and Omega through nginx, and migsearch's
#                   instructions phase by phase (tests/bench/limit.sh, part 8
#                   of make bench), its section on standard output.
.PHONY: bench-limit
bench-limit: deps-bench build
	tests/bench/limit.sh $(if $(QUICK),--quick) build/release

# make fuzz        issue 16: every libFuzzer target of tests/fuzz/ in turn for
#                  FUZZ_TIME seconds (default 600; FUZZ_TARGETS="a b" for some),
#                  one table of execs, coverage and crashes per target; crash
#                  inputs land in tests/fuzz/crashes/<target>/, which `make test`
#                  replays (docs/fuzzing.md). Built with clang in build/fuzz.
# make fuzz-smoke  the same for FUZZ_SMOKE_TIME seconds each (part of make test)
.PHONY: fuzz fuzz-smoke fuzz-build
FUZZ_TIME ?= 600
FUZZ_SMOKE_TIME ?= 5
FUZZ_TARGETS ?=
fuzz-build: deps-test
	CC=clang CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DMS_BUILD_TESTS=OFF -DMS_SANITIZE=ON -DMS_FUZZ=ON
	cmake --build build/fuzz -j$(JOBS) --target fuzz_all

fuzz: fuzz-build
	tests/fuzz/run.sh build/fuzz $(FUZZ_TIME) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	tests/fuzz/run.sh build/fuzz $(FUZZ_SMOKE_TIME) $(FUZZ_TARGETS)
