app_name = "core"

urlpatterns: list[object] = []
