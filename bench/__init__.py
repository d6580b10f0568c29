"""Measurements that are too heavy for the test suite; ``make bench`` runs ``bench.run``."""
