"""imports has no API router: an import is a file upload with a preview a person must read before
committing; the API writes the same rows through each app's own endpoints."""
