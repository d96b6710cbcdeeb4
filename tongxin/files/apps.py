from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "tongxin.files"
    label = "files"
    verbose_name = _("生成文件")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
