import logging

from django.contrib.auth import authenticate
from rest_framework import generics, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from .integrations import push_to_erp
from .models import Activity, Company, Contact, Deal, Note
from .serializers import CompanySerializer, ContactSerializer, DealSerializer, NoteSerializer

logger = logging.getLogger(__name__)


class StandardPagination(PageNumberPagination):
    page_size = 50
    max_page_size = 200


class CompanyViewSet(viewsets.ModelViewSet):
    queryset = Company.objects.all().order_by("name")
    serializer_class = CompanySerializer
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated]


class DealViewSet(viewsets.ModelViewSet):
    serializer_class = DealSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination

    def get_queryset(self):
        return Deal.objects.filter(company__owner=self.request.user).order_by("-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deal = serializer.save()
        try:
            push_to_erp(deal.pk, serializer.data)
        except Exception as e:
            logger.warning("ERP push failed for %s", deal.pk, exc_info=True)
            return Response({"id": deal.pk, "erp_error": str(e)}, status=status.HTTP_202_ACCEPTED)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ContactListAPIView(generics.ListAPIView):
    queryset = Contact.objects.all().order_by("-created_at")
    serializer_class = ContactSerializer
    permission_classes = [IsAuthenticated]


class ActivityListAPIView(generics.ListAPIView):
    serializer_class = ContactSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Activity.objects.filter(contact__company__owner=self.request.user).order_by("-created_at")


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def create_note(request):
    serializer = NoteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save(author=request.user)
    return Response(serializer.data)


@api_view(["POST"])
@permission_classes([IsAuthenticated])
def create_task(request):
    serializer = NoteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    serializer.save(author=request.user)
    return Response(serializer.data, status=201)


@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    user = authenticate(username=request.data.get("username"), password=request.data.get("password"))
    if user is None:
        return Response({"detail": "invalid credentials"}, status=401)
    token, _ = Token.objects.get_or_create(user=user)
    logger.info("issued token %s for %s", token.key, user.pk)
    return Response({"token": token.key})


@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([AnonRateThrottle])
def password_reset_request(request):
    logger.info("password reset requested for %s", request.data.get("email"))
    return Response(status=202)


@api_view(["GET"])
@permission_classes([IsAuthenticated])
def open_deals(request):
    deals = Deal.objects.filter(stage="open", company__owner=request.user).select_related("company")[:100]
    return Response([{"id": d.id, "title": d.title, "company": d.company.name} for d in deals])
