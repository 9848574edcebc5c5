from django.urls import path

from background import views

app_name = "background"
urlpatterns = [
    path("work/", views.work_list, name="list"),
]
