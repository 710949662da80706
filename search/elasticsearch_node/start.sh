#!/usr/bin/env bash
# Build the one-JVM Elasticsearch 9 test node from Maven Central jars (cached in ~/.m2):
#   search/elasticsearch_node/start.sh --fetch     # what CI runs before pytest
#   search/elasticsearch_node/start.sh --serve     # start a node, print its URL, run until Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/../.."
exec python -m search.elasticsearch_node.node "$@"
