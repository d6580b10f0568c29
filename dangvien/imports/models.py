from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.imports.querysets import ImportJobQuerySet


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("Quần chúng")
    MEMBERS = "members", _("Đảng viên hiện có")
    OUTSTANDING = "outstanding", _("Quần chúng ưu tú")
    CLASS_RESULTS = "class_results", _("Kết quả lớp nhận thức về Đảng")
    GRADES = "grades", _("Bảng xếp loại đảng viên")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Đã tải lên")
    ANALYSING = "analysing", _("Đang kiểm tra")
    REFUSED = "refused", _("Tệp bị từ chối")
    READY = "ready", _("Chờ xác nhận")
    COMMITTING = "committing", _("Đang ghi")
    COMMITTED = "committed", _("Đã nhập")
    FAILED = "failed", _("Ghi không thành công")
    INTERRUPTED = "interrupted", _("Bị gián đoạn")


# A job in one of these states is still open: the same file uploaded again by the same user
# for the same kind returns it instead of opening a second job (a double click, a retry).
OPEN_STATUSES = (
    ImportStatus.UPLOADED,
    ImportStatus.ANALYSING,
    ImportStatus.READY,
    ImportStatus.COMMITTING,
)


class DuplicateChoice(models.TextChoices):
    SKIP = "skip", _("Bỏ qua")
    UPDATE = "update", _("Cập nhật người đã có")
    CREATE = "create", _("Vẫn tạo mới")


class ImportJob(models.Model):
    """One uploaded file of one kind: its checks, preview, duplicate choices and outcome.

    The uploaded file is kept with the job for as long as the job exists. Nothing of the file
    reaches the registry until ``commit_import`` writes every row in one transaction.
    """

    kind = models.CharField(_("loại dữ liệu"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.UPLOADED,
    )
    file = models.FileField(_("tệp"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    content_hash = models.CharField(_("mã băm SHA-256 của tệp"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("phạm vi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("thông báo"), blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    duplicates = models.JSONField(default=list, blank=True)
    default_choice = models.CharField(
        _("xử lý dòng trùng"), max_length=8, choices=DuplicateChoice.choices, blank=True
    )
    choices = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager.from_queryset(ImportJobQuerySet)()

    class Meta:
        verbose_name = _("lượt nhập Excel")
        verbose_name_plural = _("lượt nhập Excel")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "kind", "content_hash"],
                condition=models.Q(status__in=[status.value for status in OPEN_STATUSES])
                & ~models.Q(content_hash=""),
                name="one_open_import_job_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_busy(self) -> bool:
        return self.status in (
            ImportStatus.UPLOADED,
            ImportStatus.ANALYSING,
            ImportStatus.COMMITTING,
        )
