#!/usr/bin/env bash
# Build the one-JVM OpenSearch 2.19 test node from Maven Central jars (cached in ~/.m2):
#   search/opensearch_node/start.sh --fetch     # what CI runs before pytest
#   search/opensearch_node/start.sh --serve     # start a node, print its URL, run until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python -m search.opensearch_node.node "$@"
