"""Seed 001 from the full demo tree: "Đảng bộ Khối … hiện có 91 tổ chức cơ sở đảng, 285 chi bộ
trực thuộc, 1 đảng bộ bộ phận trực thuộc đảng bộ cơ sở" comes out of the report's figures."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.reports.organisation_figures import get_organisation_counts


def test_seed_001_organisation_counts_of_the_full_demo_bloc(db, django_user_model):
    """ "91 tổ chức cơ sở đảng, 285 chi bộ trực thuộc, 1 đảng bộ bộ phận" (the full demo tree)."""
    from dangvien.demo import organisations
    from dangvien.demo.context import DemoContext

    # the demo tree expects an empty tree (no persona tree): its province is the first root
    actor = django_user_model.objects.create(username="quantri")
    ctx = DemoContext(actor=actor, log=lambda _line: None)
    organisations.build(ctx)
    bloc = ctx.organisations["KCQ"]

    with CaptureQueriesContext(connection) as queries:
        counts = get_organisation_counts(organisation=bloc)

    assert len(queries) == 1
    assert counts.grassroots == 91
    assert counts.count("cell") == 285
    assert counts.count("sub_committee") == 1
    assert counts.sentence.startswith("Hiện có 91 tổ chức cơ sở đảng (")
    assert counts.sentence.endswith("285 chi bộ trực thuộc, 1 đảng bộ bộ phận.")
