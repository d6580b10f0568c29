"""Designed answers for the import and list-export pages (see dangvien/accounts/matrix.py).

The imports app has no API operations. The world's import job was uploaded by the branch
secretary (scope CB01) from a file with errors, and analysed: it waits for confirmation.
Importing needs ``import.run`` (system admin, org boards, grassroots office, cell secretary);
a job is run by whoever may import on its scope. List exports need ``export.run`` somewhere
(every role but the viewer, the outsider included: the rows are limited to their own scope),
answer the file to GET and POST alike, and audit each export.
"""

from pathlib import Path

from tests.support.matrix import LOGIN, Page, answers, by_role

NORTH = (
    "national_admin",
    "region_officer",
    "grassroots_office",
    "branch_secretary",
    "training_centre",
    "area_committee",
    "viewer",
)
RUNNERS = ("national_admin", "region_officer", "grassroots_office", "branch_secretary")
DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Upload:
    """A file for the test client that can be posted again and again (one body, many
    personas): every ``read()`` gives the whole content."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.content_type = XLSX
        self._content = (DATA / name).read_bytes()

    def read(self, *args: object) -> bytes:
        return self._content


def _job(world):
    return {"pk": world.import_job.pk}


PERMISSIONS = [
    Page(
        "imports:import-list",
        get=answers(200, anonymous=LOGIN),
        # the outsider imports into their own subtree (T02): allowed
        post=by_role(302, who=RUNNERS, outsider=302),
        data=lambda w: {"kind": "people", "file": _Upload("people_ok.xlsx")},
    ),
    Page(
        "imports:import-template",
        get=answers(200, anonymous=LOGIN),
        kwargs=lambda w: {"kind": "people"},
    ),
    Page("imports:import-detail", get=by_role(200, who=NORTH), kwargs=_job),
    Page(
        "imports:import-progress",
        get=by_role(200, who=NORTH),
        post=by_role(405, who=NORTH, denied=405, outsider=405),
        kwargs=_job,
    ),
    Page(
        "imports:import-choices",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(302, who=RUNNERS),
        kwargs=_job,
        data=lambda w: {"default_choice": "skip"},
    ),
    Page(
        "imports:import-commit",
        get=by_role(405, who=NORTH, denied=405, outsider=405),
        post=by_role(302, who=RUNNERS),
        kwargs=_job,
        note="the commit is claimed here; the write itself runs in a task after the commit",
    ),
    Page("imports:import-errors", get=by_role(200, who=NORTH), kwargs=_job),
    *(
        Page(
            f"imports:export-{name}",
            get=answers(200, anonymous=LOGIN, viewer=403),
            post=answers(200, anonymous=LOGIN, viewer=403),
        )
        for name in ("people", "dossiers", "members", "worklist")
    ),
]


def build_world(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangvien.imports import services

    actor = world.users["branch_secretary"]
    upload = SimpleUploadedFile(
        "people_errors.xlsx", (DATA / "people_errors.xlsx").read_bytes(), content_type=XLSX
    )
    job, _new = services.create_import_job(actor=actor, kind="people", upload=upload)
    world.import_job = services.analyse_import(job, actor=actor)
