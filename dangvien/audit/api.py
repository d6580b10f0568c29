"""audit has no API router: the audit log is read on its pages and exported as .xlsx (itself
audited); a machine reader of the log is not a use case of the product yet."""
