from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TodosConfig(AppConfig):
    name = "tongxin.todos"
    label = "todos"
    verbose_name = _("我的待办")
