from django.contrib import admin
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from contacts import api, views

router = DefaultRouter()
router.register("companies", api.CompanyViewSet, basename="company")
router.register("deals", api.DealViewSet, basename="deal")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", views.login_view, name="login"),
    path("contacts/", views.contact_list, name="contact-list"),
    path("contacts/search/", views.contact_search, name="contact-search"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<int:pk>/update/", views.contact_update, name="contact-update"),
    path("contacts/import/", views.import_contacts, name="contact-import"),
    path("companies/report/", views.company_report, name="company-report"),
    path("invites/", views.send_invite, name="invite"),
    path("webhooks/mailgun/", views.mailgun_webhook, name="mailgun-webhook"),
    path("deals/<int:pk>/sync/", views.deal_sync, name="deal-sync"),
    path("contacts/<int:pk>/vcard/", views.contact_vcard, name="contact-vcard"),
    path("contacts/lookup/", views.raw_lookup, name="contact-lookup"),
    path("api/password-reset/", api.password_reset_request),
    path("api/", include(router.urls)),
    path("api/contacts/", api.ContactListAPIView.as_view()),
    path("api/activities/", api.ActivityListAPIView.as_view()),
    path("api/notes/", api.create_note),
    path("api/tasks/", api.create_task),
    path("api/auth/token/", api.obtain_token),
    path("api/deals/getOpen/", api.open_deals),
]
