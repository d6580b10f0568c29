from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from ninja import Field, Router, Schema

from dangvien.core.api import ERROR_RESPONSES, Date
from dangvien.core.errors import DomainError
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.models import Organisation
from dangvien.people import services
from dangvien.people.access import get_person_for_user
from dangvien.people.choices import (
    GeneralEducation,
    PoliticalTheory,
    ProfessionalLevel,
    ResidenceArea,
    Sex,
)
from dangvien.people.filtersets import PersonFilterSet
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion

router = Router(tags=["Người"])


class PersonOut(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    ethnic_group: str = Field(..., alias="ethnic_group.code")
    religion: str = Field(..., alias="religion.code")
    occupation: str = Field(..., alias="occupation.code")
    citizen_id: str = Field(..., alias="citizen_id_masked")
    hometown: str
    residence: str
    residence_area: str
    general_education: str
    professional_level: str
    political_theory: str
    youth_union_member: bool
    trade_union_member: bool
    is_village_head: bool
    is_front_group_head: bool
    is_mass_org_head: bool
    organisation_id: int


class PersonIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=150)
    date_of_birth: Date
    sex: Sex
    ethnic_group: str = Field(..., description="Mã dân tộc, ví dụ 01 (Kinh), 03 (Thái)")
    religion: str = Field("none", description="Mã tôn giáo, ví dụ none, buddhism")
    occupation: str = Field(..., description="Mã nghề nghiệp, ví dụ farmer")
    citizen_id: str | None = Field(None, max_length=20)
    phone: str = Field("", max_length=20)
    hometown: str = Field("", max_length=255)
    residence: str = Field("", max_length=255)
    residence_area: ResidenceArea = ResidenceArea.RURAL
    general_education: GeneralEducation = GeneralEducation.UPPER_SECONDARY
    professional_level: ProfessionalLevel = ProfessionalLevel.NONE
    political_theory: PoliticalTheory = PoliticalTheory.NONE
    youth_union_member: bool = False
    trade_union_member: bool = False
    is_village_head: bool = False
    is_front_group_head: bool = False
    is_mass_org_head: bool = False
    organisation_id: int


class PersonCreateIn(PersonIn):
    confirm_duplicate: bool = False
    duplicates_seen: int | None = Field(None, ge=0, le=10_000)


class PersonDuplicateCandidate(Schema):
    id: int | None
    full_name: str
    date_of_birth: dt.date | None
    organisation: str
    has_citizen_id: bool


class PersonDuplicatesOut(Schema):
    detail: str
    rule: str
    errors: list[dict[str, str]] = []
    candidates: list[PersonDuplicateCandidate]


class PersonPatch(Schema):
    full_name: str | None = Field(None, min_length=1, max_length=150)
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    ethnic_group: str | None = None
    religion: str | None = None
    occupation: str | None = None
    citizen_id: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)
    hometown: str | None = Field(None, max_length=255)
    residence: str | None = Field(None, max_length=255)
    residence_area: ResidenceArea | None = None
    general_education: GeneralEducation | None = None
    professional_level: ProfessionalLevel | None = None
    political_theory: PoliticalTheory | None = None
    youth_union_member: bool | None = None
    trade_union_member: bool | None = None
    organisation_id: int | None = None


_REFERENCE: dict[str, Any] = {
    "ethnic_group": EthnicGroup,
    "religion": Religion,
    "occupation": Occupation,
}
_LABELS = {
    "ethnic_group": gettext_lazy("Dân tộc"),
    "religion": gettext_lazy("Tôn giáo"),
    "occupation": gettext_lazy("Nghề nghiệp"),
}


def _resolve(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """Turn codes into rows; unknown codes and out-of-scope organisations are refused."""
    resolved: dict[str, Any] = {}
    for key, value in data.items():
        if value is None and key != "citizen_id":
            continue
        if key in _REFERENCE:
            row = _REFERENCE[key].objects.filter(code=value).first()
            if row is None:
                raise DomainError(
                    gettext("%(value)s: mã «%(value2)s» không có trong danh mục.")
                    % {"value": _LABELS[key], "value2": value},
                    field=key,
                )
            resolved[key] = row
        elif key == "organisation_id":
            resolved["organisation"] = get_visible_or_404(Organisation, request.user, value)
        else:
            resolved[key] = value.value if hasattr(value, "value") else value
    return resolved


@router.get("/", response={200: list[PersonOut], **ERROR_RESPONSES})
@paginated()
def list_people(
    request: HttpRequest,
    q: str = "",
    organisation: int | None = None,
    sex: Sex | None = None,
    ethnic_group: int | None = None,
) -> Any:
    """Filters as on the list page (``PersonFilterSet``): q, organisation (id: its subtree;
    out of scope: 404), sex, ethnic_group (id)."""
    filterset = PersonFilterSet(request.GET, user=request.user, request=request)
    return filterset.strict_qs(not_found=("organisation",)).select_related("religion")


@router.get("/{int:person_id}", response={200: PersonOut, **ERROR_RESPONSES})
def get_person(request: HttpRequest, person_id: int) -> Person:
    return get_person_for_user(request.user, person_id)


@router.post("/", response={201: PersonOut, 409: PersonDuplicatesOut, **ERROR_RESPONSES})
def create_person(request: AuthenticatedHttpRequest, payload: PersonCreateIn) -> tuple[int, Any]:
    """Without a citizen ID, a person with the same name and birth date in the same grassroots
    organisation answers 409 with the candidates; send again with ``confirm_duplicate: true``
    (and ``duplicates_seen``: how many candidates you were shown) to create anyway."""
    data = payload.dict()
    confirm = bool(data.pop("confirm_duplicate"))
    seen = data.pop("duplicates_seen")
    data = _resolve(request, data)
    try:
        person = services.create_person(
            actor=request.user, confirm_duplicate=confirm, seen_duplicates=seen, **data
        )
    except services.PossibleDuplicate as exc:
        return 409, {
            "detail": exc.message,
            "rule": exc.rule,
            "errors": [{"field": "confirm_duplicate", "message": exc.message}],
            "candidates": services.describe_duplicates(exc.candidates, user=request.user),
        }
    return 201, person


@router.patch("/{int:person_id}", response={200: PersonOut, **ERROR_RESPONSES})
def update_person(
    request: AuthenticatedHttpRequest, person_id: int, payload: PersonPatch
) -> Person:
    person = get_person_for_user(request.user, person_id, action="person.change")
    data = _resolve(request, payload.dict(exclude_unset=True))
    return services.update_person(person, actor=request.user, **data)
