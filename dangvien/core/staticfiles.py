"""Static files for the production server: hashed names and compressed copies (whitenoise)."""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _is_source_map(pattern: Any) -> bool:
    regex = pattern[0] if isinstance(pattern, tuple) else pattern
    return "sourceMappingURL" in regex


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, minus the rewriting of ``sourceMappingURL`` comments.

    The vendored Bootstrap and Chart.js files (static/vendor) name source maps that are not
    shipped; Django's manifest storage would refuse to collect them. Browsers only ask for a
    map when the developer tools are open, and then get a harmless 404.
    """

    patterns = tuple(
        (extension, tuple(p for p in rules if not _is_source_map(p)))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )
