from django.urls import path

from routers import views

app_name = "routers"

urlpatterns = [
    path("routers/", views.router_list, name="list"),
    path("routers/<int:pk>/", views.router_detail, name="detail"),
]
