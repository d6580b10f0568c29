"""reports takes no form input beyond the period and organisation in the query string, parsed and
checked (scope included) in ``access.py`` (``period_from_params``, ``get_report_organisation``)."""
