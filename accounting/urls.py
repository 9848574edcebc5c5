from django.urls import path

from accounting import views

app_name = "accounting"

urlpatterns = [
    path("sessions/", views.online, name="online"),
    path("sessions/<int:pk>/disconnect/", views.disconnect, name="disconnect"),
]
