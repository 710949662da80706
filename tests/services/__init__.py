"""Real servers the test suite needs, installed and started by the tests themselves."""
