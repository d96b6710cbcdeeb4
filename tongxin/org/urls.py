app_name = "org"

urlpatterns: list[object] = []
