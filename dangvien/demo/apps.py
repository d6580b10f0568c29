from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "dangvien.demo"
    label = "demo"
    verbose_name = "Dữ liệu mẫu"
