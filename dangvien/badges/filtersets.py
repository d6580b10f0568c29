"""badges has no free-form filtered list: the due list, the proposals and the register are
shown for one organisation subtree and one award day or year, chosen on the page
(``selectors.list_badges_due``, ``list_proposals``, ``list_awards``)."""
