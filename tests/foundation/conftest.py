from tests.radius.fixtures import radius_tables  # noqa: F401  (FreeRADIUS tables, emptied)
