"""A real Elasticsearch 9 node in one JVM from Maven Central jars, for tests and benchmarks."""
