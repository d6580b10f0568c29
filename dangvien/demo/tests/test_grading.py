from django.core.management import call_command

from dangvien.grading.choices import MemberStep
from dangvien.grading.models import MemberGrade, OrganisationGrade
from dangvien.organisations.models import Organisation
from dangvien.reports.grading import get_grading_report


def test_demo_grades_2025_show_in_the_report(db):
    call_command("seed_demo", "--small", verbosity=0)

    province = Organisation.objects.get(code="DB")
    report = get_grading_report(organisation=province, year=2025)
    graded = report.member_counts.total
    assert graded > 0
    assert graded == MemberGrade.objects.filter(step=MemberStep.APPROVAL).count()
    assert report.member_counts.counts["htt"] > report.member_counts.counts["kht"]
    assert report.organisation_counts.total == OrganisationGrade.objects.count() > 0
    # the cell secretary's cell went through the services: proposal by the secretary
    secretary_rows = MemberGrade.objects.filter(organisation__code="DBD-ML-01")
    assert secretary_rows.filter(actor__username="bithu", step="cell_proposal").exists()
    assert secretary_rows.filter(actor__username="vanphong", step="approval").exists()
