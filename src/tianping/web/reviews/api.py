"""The JSON API of ethics review (mounted at ``/api/reviews``): each package's router.

The operation ids of the OpenAPI document are part of the public contract; they
keep the names they had when the API lived in ``api_applications``,
``api_meetings``, ``api_expert`` and ``api_records`` (see :func:`_keep_operation_ids`).
"""

from ninja import Router

from tianping.web.reviews.aftercare.api import router as aftercare_router
from tianping.web.reviews.applications.api import router as applications_router
from tianping.web.reviews.bodies.api import router as bodies_router
from tianping.web.reviews.dashboards.api import router as dashboards_router
from tianping.web.reviews.expert.api import router as expert_router
from tianping.web.reviews.meetings.api import router as meetings_router
from tianping.web.reviews.notifications.api import router as notifications_router
from tianping.web.reviews.records.api import router as records_router


def _keep_operation_ids(package_router: Router, module: str) -> Router:
    """Name each operation as django-ninja named it in ``tianping.web.reviews.<module>``."""
    for path_view in package_router.path_operations.values():
        for operation in path_view.operations:
            if operation.operation_id is None:
                name = operation.view_func.__name__
                operation.operation_id = f"tianping_web_reviews_{module}_{name}"
    return package_router


router = Router()
for package_router, module in (
    (applications_router, "api_applications"),
    (bodies_router, "api_applications"),
    (meetings_router, "api_meetings"),
    (expert_router, "api_expert"),
    (aftercare_router, "api_expert"),
    (records_router, "api_records"),
    (notifications_router, "api_records"),
    (dashboards_router, "api_records"),
):
    router.add_router("", _keep_operation_ids(package_router, module))
