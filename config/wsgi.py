import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def freeze_startup_objects() -> None:
    """Import every view now (the URLconf is otherwise loaded by the first request) and move
    what start-up made into the garbage collector's permanent generation (``gc.freeze``): a
    full collection then walks only what requests made since, not the ~230.000 objects of
    Django and the apps. Measured on a province's worklist (docs/performance.md): a full
    collection every third request, 140–240 ms each, before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  # imports the views
    gc.collect()
    gc.freeze()


freeze_startup_objects()
