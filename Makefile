# Thin wrapper around CMake: `make demo` (the main job) and `make test`.
# Each target first makes sure the Debian packages are there: as root with
# apt-get it installs the missing ones, otherwise it prints the apt-get line.

PACKAGES := cmake gcc make pkg-config libhwloc-dev libjemalloc-dev libcmocka-dev gnuplot-nox
MAKEFLAGS += --no-print-directory
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

DEMO_ARGS := sweep --structure counter --variant batched,atomic,mutex --queue mutex,stack \
	--launch cas --threads 1,2,4,8 --work 1,64 --depth 1 --reps 3 --duration 1 --warmup 0.2 \
	--label demo --plot
# ... and the open-loop part: p99 against achieved throughput, CAS vs timeout launch.
DEMO_OPEN_ARGS := sweep --structure counter --variant batched --queue stack \
	--launch cas,timeout:timeout_us=50:min_batch=16 --threads 2 --depth 8 \
	--rate 1e5,3e5,1e6,3e6 --reps 2 --duration 0.5 --warmup 0.1 --label demo-open --plot

.PHONY: all deps build demo test test-asan test-tsan test-all clean

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing packages; run:  sudo apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	fi

build: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build build -j $(JOBS)

demo: build
	./build/batchbench $(DEMO_ARGS)
	./build/batchbench $(DEMO_OPEN_ARGS)

test: build
	ctest --test-dir build --output-on-failure

test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBB_SANITIZE=address $(CMAKE_FLAGS) >/dev/null
	cmake --build build-asan -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-asan --output-on-failure

test-tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBB_SANITIZE=thread $(CMAKE_FLAGS) >/dev/null
	cmake --build build-tsan -j $(JOBS)
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 ctest --test-dir build-tsan --output-on-failure

test-all: test test-asan test-tsan

clean:
	rm -rf build build-asan build-tsan
