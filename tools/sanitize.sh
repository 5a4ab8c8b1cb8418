#!/usr/bin/env bash
# The compiled core under AddressSanitizer and UndefinedBehaviorSanitizer.
#
# Builds every extension with -fsanitize=address,undefined into a temporary copy of the project
# (the normal build is not touched), then runs the kernel tests, tests/hostile (with its fuzz
# targets for every file parser and compiled encoder, HOSTILE_EXAMPLES examples each, 200 by
# default) and the hypothesis tests of the other suites against that copy. Exits non-zero on any
# sanitizer report (in pytest or in a subprocess it starts) or any failing test.
#
#   tools/sanitize.sh                  # from anywhere; uses the active python
#   HOSTILE_EXAMPLES=2000 tools/sanitize.sh
#   KEEP=1 tools/sanitize.sh           # keep the temporary copy (its path is printed)
#
# CPython is not built with ASan, so libasan is preloaded and leak detection is off (the
# interpreter does not free everything at exit). PYTHONMALLOC=malloc makes Python objects plain
# malloc blocks, so reads past a bytes object's end are caught too. The build leaves NDEBUG
# undefined, which turns on pybind11's checks that the GIL is held wherever a Python object's
# reference count changes.
#
# Takes about 6 minutes on 2 idle cores (1.5 to build, 4.5 to test), up to 10 on busy ones.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python}"
examples="${HOSTILE_EXAMPLES:-200}"
work="$(mktemp -d "${TMPDIR:-/tmp}/tokensmith-sanitize.XXXXXX")"
logs="$work/logs"
mkdir -p "$logs"
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi; }
trap cleanup EXIT
start=$SECONDS

# -- a copy of the sources: tracked and new files, not the built .so files nor caches --------------
# (Without git, e.g. an unpacked source tree: everything but built files, caches and .git.)
repo="$work/repo"
mkdir -p "$repo"
if command -v git >/dev/null 2>&1 && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard \
     | tar -cf - --null --no-recursion --ignore-failed-read -T - 2>/dev/null) | tar -xf - -C "$repo"
else
  (cd "$root" && tar -cf - --exclude=.git --exclude='*.so' --exclude=__pycache__ --exclude=.cache \
     --exclude=build --exclude='*.egg-info' --exclude=.hypothesis --exclude=.pytest_cache .) | tar -xf - -C "$repo"
fi

# -- build with the sanitizers ---------------------------------------------------------------------
# gcc's sanitizer runtimes (Debian: libasan and libubsan come with libgcc-<version>-dev).
for lib in libasan.so libubsan.so; do
  if [ "$(${CXX:-g++} -print-file-name="$lib")" = "$lib" ]; then
    echo "sanitize: ${CXX:-g++} has no $lib (install gcc's sanitizer runtimes)" >&2
    exit 1
  fi
done
if ! "$python" -c "import pybind11" 2>/dev/null; then
  echo "sanitize: pybind11 is not installed for $python (pip install pybind11)" >&2
  exit 1
fi
# Each _core/_<name>.cpp becomes tokensmith._core._<name>, with setup.py's language flags but -O1
# (what the sanitizers recommend, and a build several times faster than setup.py's -O3).
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1)
core="$repo/src/tokensmith/_core"
suffix="$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
read -r -a includes <<<"$("$python" -m pybind11 --includes)"
flags=("${sanitize[@]}" -std=c++17 -fvisibility=hidden -fPIC -shared -pthread "${includes[@]}" -I"$core/include")
build_one() {  # $1: a _core/_<name>.cpp; a failure leaves its compiler output in $logs
  local log="$logs/build$(basename "$1" .cpp).txt"
  ${CXX:-g++} "${flags[@]}" "$1" -o "${1%.cpp}$suffix" >"$log" 2>&1 || { echo "$1" >>"$logs/failed"; cat "$log"; }
}
echo "building the compiled core with AddressSanitizer + UBSan in $repo ..."
for source in "$core"/_*.cpp; do
  build_one "$source" &
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
done
wait
if [ -e "$logs/failed" ]; then
  echo "sanitize: build failed: $(cat "$logs/failed")" >&2
  exit 1
fi
for so in "$core"/_*"$suffix"; do
  if ! nm -D "$so" | grep __asan_init >/dev/null; then
    echo "sanitize: $so was built without AddressSanitizer" >&2
    exit 1
  fi
done
echo "built in $((SECONDS - start)) s"

# -- run the tests ---------------------------------------------------------------------------------
# libstdc++ preloaded too: ASan must find the real __cxa_throw when it starts, and the
# interpreter itself does not link libstdc++.
preload="$(${CXX:-g++} -print-file-name=libasan.so) $(${CXX:-g++} -print-file-name=libstdc++.so)"
shared="${TOKENSMITH_SHARED_DATA:-$root/../shared/data}"
kernel_tests=(tests/test_bpe_core.py tests/test_segment_compiled.py tests/test_spm_compiled_paths.py tests/test_token_table.py
              tests/test_train_bpe.py tests/test_train_unigram.py tests/adaptive/test_zip2zip.py tests/hostile)
# Their hypothesis tests only (the compatibility tests on whole corpora would take long here).
hypothesis_tests=(tests/test_split.py tests/test_unigram.py tests/test_segment.py tests/test_wordpiece.py
                  tests/test_train_wordpiece.py tests/test_compat_tiktoken.py tests/dataset/test_encode_corpus.py
                  tests/train/test_lib.py tests/train/test_pathpiece.py tests/train/test_domain.py)
# A limit on the address space, which AddressSanitizer's shadow memory cannot live under.
deselect=(--deselect tests/hostile/test_refused_threads.py)

# AddressSanitizer writes its reports to files in $logs (a subprocess's too); UBSan (which takes
# no log_path next to ASan) writes to the standard error, which pytest must then leave alone
# (--capture=sys) for its report to survive the abort: the output is kept and searched.
run_pytest() {
  (cd "$repo" && env PYTHONPATH="$repo/src" TOKENSMITH_SHARED_DATA="$shared" HOSTILE_EXAMPLES="$examples" \
     LD_PRELOAD="$preload" PYTHONMALLOC=malloc \
     ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:log_path=$logs/asan" \
     UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
     "$python" -m pytest -q -p no:cacheprovider --capture=sys "$@" 2>&1) | tee -a "$logs/pytest.txt"
}

status=0
run_pytest "${kernel_tests[@]}" "${deselect[@]}" || status=$?
run_pytest "${hypothesis_tests[@]}" -m hypothesis || status=$?

found=0
for report in "$logs"/asan.*; do
  if [ -s "$report" ]; then
    found=1
    echo "==== sanitizer report $report"
    cat "$report"
  fi
done
if grep -E "runtime error:|ERROR: AddressSanitizer|UndefinedBehaviorSanitizer" "$logs/pytest.txt" >/dev/null; then
  found=1
  echo "==== sanitizer reports in the test output (above)"
fi
echo "sanitize: $((SECONDS - start)) s in total"
if [ "$found" = 1 ]; then
  echo "sanitize: sanitizer reports" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "sanitize: tests failed under the sanitizers (pytest exit $status)" >&2
  exit "$status"
fi
echo "sanitize: no sanitizer report"
