"""Puts FreeRADIUS's tables on RADIUS_DATABASE_URL's database when it is set.

The product's own models always live on "default"; only the schema migration
(hint `radius_schema`) runs on the RADIUS database.
"""

from django.conf import settings


class RadiusRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "django_rq":
            # Its Dashboard model is an admin placeholder with no table: `dumpdata`
            # (which asks this question) must not try to read it.
            return False
        if hints.get("radius_schema"):
            return db == settings.RADIUS_DATABASE
        if db != "default" and db == settings.RADIUS_DATABASE:
            return False  # the separate RADIUS database holds FreeRADIUS's tables only
        return None
