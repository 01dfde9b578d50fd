#!/bin/bash -eu
# Builds the fuzz targets listed in fuzz/targets.txt into $OUT, each with
# its features, its seed corpus (<target>_seed_corpus.zip: corpus/<target>/
# and the named cases), the dictionary (<target>.dict) and its libFuzzer
# options (<target>.options). The baselines of fuzz/fuzz_targets/ that the
# list leaves out (bare_httparse) are not shipped: batch fuzzing would
# spend its time on httparse.
#
# ClusterFuzzLite and OSS-Fuzz run it in their builder image, where the code
# is in $SRC/handshake and nightly is the default toolchain. It also runs
# without Docker: OUT=/tmp/out SRC=/tmp bash .clusterfuzzlite/build.sh
# (nightly with AddressSanitizer when installed, stable without otherwise).

if [ -d "$SRC/handshake/fuzz" ]; then
  repo="$SRC/handshake"
else
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
cd "$repo"

cargo=(cargo)
flags=(-O --debug-assertions --fuzz-dir fuzz)
if cargo --version | grep -q nightly; then
  : # the builder image: its flags come from the environment
elif cargo +nightly --version > /dev/null 2>&1; then
  cargo=(cargo +nightly)
else
  flags+=(--sanitizer none)
fi
mkdir -p "$OUT"
release="fuzz/target/x86_64-unknown-linux-gnu/release"
# Each target alone with its own features, so that tokio's code stays out
# of the targets that do not need it, whose runs it would slow.
grep -v -e '^#' -e '^[[:space:]]*$' fuzz/targets.txt | while read -r target features; do
  if [ -n "$features" ]; then
    "${cargo[@]}" fuzz build "${flags[@]}" --features "$features" "$target"
  else
    "${cargo[@]}" fuzz build "${flags[@]}" "$target"
  fi
  cp "$release/$target" "$OUT/"
  cp fuzz/handshake.dict "$OUT/$target.dict"
  printf '[libfuzzer]\nmax_len = 20000\n' > "$OUT/$target.options"
  python3 - "$OUT/${target}_seed_corpus.zip" corpus/"$target" corpus/cases <<'PYTHON'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for folder in sys.argv[2:]:
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                archive.write(os.path.join(folder, name), f"{os.path.basename(folder)}-{name}")
PYTHON
done
