"""Test support shared by every app: the personas (one set), the permission-matrix vocabulary
and the second-factor session helper. Test code only: nothing under ``dangvien/`` imports it
outside ``tests/`` folders."""
