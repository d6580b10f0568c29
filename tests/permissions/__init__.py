"""The permission matrix's designed answers, one module per app (``tests/permissions/<app>.py``).

Each module lists ``PERMISSIONS`` (``Page`` and ``Operation`` entries from
``tests.support.matrix``) and may define ``build_world(world)``. ``tests/test_permission_matrix.py``
walks every URL pattern and API operation and fails on anything undeclared here.
"""
