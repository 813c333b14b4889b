"""The JSON API of ethics review (mounted at ``/api/reviews``)."""

from ninja import Router

from tianping.web.reviews.api_applications import router as applications_router
from tianping.web.reviews.api_expert import router as expert_router
from tianping.web.reviews.api_meetings import router as meetings_router
from tianping.web.reviews.api_records import router as records_router

router = Router()
router.add_router("", applications_router)
router.add_router("", meetings_router)
router.add_router("", expert_router)
router.add_router("", records_router)
