"""The API router: every resource router included once."""

from fastapi import APIRouter

from app.api.routes import (
    admin,
    consortia,
    digests,
    drafts,
    feedback,
    groups,
    health,
    intentions,
    matches,
    members,
    notices,
    preferences,
    subscriptions,
    tokens,
)

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(notices.router)
api_router.include_router(matches.router)
api_router.include_router(members.router)
api_router.include_router(groups.router)
api_router.include_router(intentions.router)
api_router.include_router(tokens.router)
api_router.include_router(consortia.router)
api_router.include_router(drafts.router)
api_router.include_router(feedback.router)
api_router.include_router(admin.router)
api_router.include_router(digests.router)
api_router.include_router(preferences.router)
api_router.include_router(subscriptions.router)
