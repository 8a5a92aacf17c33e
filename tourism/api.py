from ninja import NinjaAPI

from villages.api import router as villages_router

api = NinjaAPI(
    title="离石乡村旅游 API · Lishi Rural Tourism API",
    version="1",
    description="Villages, attractions, homestays and routes of Lishi District. Field names are stable.",
    urls_namespace="api",
)
api.add_router("/", villages_router)
