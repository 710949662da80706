"""A real OpenSearch 2.19 node in one JVM from Maven Central jars, for tests and benchmarks."""
