"""How each action code reads in the audit browser. Add a label with every new action code."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisations.organisation.created": _("Tạo tổ chức đảng"),
    "organisations.organisation.changed": _("Sửa tổ chức đảng"),
    "organisations.organisation.dissolved": _("Giải thể tổ chức đảng"),
    "people.person.created": _("Thêm người"),
    "people.person.changed": _("Sửa thông tin người"),
    "people.person.sensitive_revealed": _("Xem số CCCD, số điện thoại"),
    "accounts.role_assignment.created": _("Phân quyền"),
    "accounts.role_assignment.deleted": _("Thu hồi quyền"),
    "targets.target.assigned": _("Giao chỉ tiêu"),
    "targets.target.changed": _("Điều chỉnh chỉ tiêu"),
    "reports.report.exported": _("Xuất báo cáo"),
    "members.membership.admitted": _("Kết nạp đảng viên (dự bị)"),
    "members.membership.registered": _("Nhập đảng viên hiện có"),
    "members.membership.status_changed": _("Thay đổi trạng thái đảng viên"),
    "members.membership.recognised": _("Công nhận đảng viên chính thức"),
    "members.membership.removed": _("Xóa tên đảng viên dự bị"),
    "members.helper_assignment.created": _("Phân công đảng viên giúp đỡ"),
    "members.recognition_step.recorded": _("Ghi bước công nhận chính thức"),
    "members.party_card.issued": _("Cấp thẻ đảng"),
    "members.party_card.handed_over": _("Trao thẻ đảng"),
    "members.transfer.started": _("Giới thiệu chuyển sinh hoạt đảng"),
    "members.transfer.confirmed": _("Tiếp nhận sinh hoạt đảng"),
    "members.transfer.cancelled": _("Hủy chuyển sinh hoạt đảng"),
    "members.transfer.ended": _("Kết thúc sinh hoạt tạm thời"),
    "members.residence_link.recorded": _("Ghi giới thiệu sinh hoạt nơi cư trú"),
    "core.demo.seeded": _("Nạp dữ liệu mẫu (nhập hàng loạt)"),
    "admissions.dossier.opened": _("Đưa vào danh sách quần chúng ưu tú (lập hồ sơ)"),
    "admissions.step.recorded": _("Ghi bước hồ sơ kết nạp"),
    "admissions.vote.failed": _("Biểu quyết kết nạp không đạt"),
    "admissions.dossier.stopped": _("Dừng hồ sơ kết nạp"),
    "admissions.dossier.extended": _("Gia hạn ra quyết định kết nạp"),
    "admissions.approval.recorded": _("Ghi văn bản đồng ý ngoại lệ"),
    "admissions.dossier.helper_assigned": _("Phân công đảng viên giúp đỡ quần chúng"),
    "rules.rule_set.created": _("Thêm bộ quy định"),
    "rules.rule_set.changed": _("Sửa bộ quy định chưa áp dụng"),
    "rules.calendar_day.set": _("Điều chỉnh lịch ngày làm việc"),
    "rules.calendar_day.removed": _("Xóa ngày điều chỉnh lịch"),
    "training.training_class.created": _("Mở lớp bồi dưỡng"),
    "training.enrolment.created": _("Thêm học viên"),
    "training.enrolment.completed": _("Cấp giấy chứng nhận lớp bồi dưỡng"),
}


def label_for(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
