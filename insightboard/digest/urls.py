from django.urls import path, register_converter

from insightboard.digest import views


class IsoWeek:
    regex = r"\d{4}-W\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IsoWeek, "isoweek")

app_name = "digest"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("manage/", views.manage, name="manage"),
    path("manage/preview/", views.preview, name="preview"),
    path("manage/test/", views.send_test, name="send_test"),
    path("manage/send/", views.send_now, name="send_now"),
    path("manage/lists/", views.list_add, name="list_add"),
    path("manage/lists/<int:address_id>/remove/", views.list_remove, name="list_remove"),
    path("manage/policy/", views.policy, name="policy"),
    path("deliveries/<int:delivery_id>/resend/", views.resend, name="resend"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<isoweek:label>/", views.week, name="week"),
]
