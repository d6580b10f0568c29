"""accounts has no API router: the API authenticates with accounts' tokens
(``selectors.get_user_for_token``, used by ``dangvien/api/auth.py``), and account management stays
on the pages, behind the second factor."""
